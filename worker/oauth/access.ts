import type { Context } from "hono";
import { API_SCOPES, type ApiScope } from "../db/schema";
import type { HonoEnv } from "../env";
import { isAdminTokenHash, principalOfKeyHash } from "../middleware/auth";
import { ADMIN_PRINCIPAL, hasScope, type Principal } from "../services/api-keys";
import type { GrantProps } from "./grant";
import { mcpResource } from "./paths";
import { authorizationServerFor } from "./server";

/**
 * The caller an OAuth access token stands for, on /mcp: the token must be valid for this origin's
 * `/mcp` (the library checks its record, expiry and audience), and the key it was granted with must
 * still be live, looked up through the same cache as a bearer key. The token then acts as that key,
 * narrowed to the scopes the person chose and the token carries; a key that lost a scope loses it here.
 */
export async function principalOfAccessToken(c: Context<HonoEnv>, token: string): Promise<Principal | undefined> {
  const origin = new URL(c.req.url).origin;
  const server = authorizationServerFor(origin);
  if (!server) return undefined;
  const validated = await server.validateToken<GrantProps>(mcpResource(origin), token, c.env);
  if (!validated) return undefined;
  const { props } = validated;
  const holder =
    props.kind === "admin"
      ? (await isAdminTokenHash(c, props.key_hash))
        ? ADMIN_PRINCIPAL
        : undefined
      : await principalOfKeyHash(c, props.key_hash);
  if (!holder || holder.id !== props.key_id) return undefined;
  const granted = new Set(validated.scope);
  const scopes = props.scopes.filter(
    (scope): scope is ApiScope =>
      granted.has(scope) && (API_SCOPES as readonly string[]).includes(scope) && hasScope(holder, scope),
  );
  return { id: holder.id, name: holder.name, scopes };
}

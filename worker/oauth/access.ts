import { API_SCOPES, type ApiScope } from "../db/schema";
import type { Env } from "../env";
import type { Principal } from "../services/api-keys";
import { hasScope } from "../services/api-keys";
import type { GrantProps } from "./grant";
import { mcpResource } from "./paths";
import { authorizationServerFor } from "./server";

/**
 * The grant behind an OAuth access token, if the token is valid for this origin's `/mcp` (the
 * library checks its record, expiry and audience: `validateToken`, docs/authorization-server.md).
 * Which credential it acts as is for the caller (middleware/auth.ts) to look up and check.
 */
export async function grantOfAccessToken(
  env: Env,
  origin: string,
  token: string,
): Promise<{ props: GrantProps; scope: readonly string[] } | undefined> {
  const server = authorizationServerFor(origin);
  if (!server) return undefined;
  const validated = await server.validateToken<GrantProps>(mcpResource(origin), token, env);
  return validated ? { props: validated.props, scope: validated.scope } : undefined;
}

/**
 * The caller a grant stands for: its key (`holder`, still live and still the one granted), narrowed
 * to the scopes the person chose and the token carries; a key that lost a scope loses it here too.
 */
export function grantPrincipal(
  holder: Principal | undefined,
  grant: { props: GrantProps; scope: readonly string[] },
): Principal | undefined {
  if (!holder || holder.id !== grant.props.key_id) return undefined;
  const carried = new Set(grant.scope);
  const scopes = grant.props.scopes.filter(
    (scope): scope is ApiScope =>
      carried.has(scope) && (API_SCOPES as readonly string[]).includes(scope) && hasScope(holder, scope),
  );
  return { id: holder.id, name: holder.name, scopes };
}

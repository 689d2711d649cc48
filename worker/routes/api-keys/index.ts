import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { HonoEnv } from "../../env";
import { IdParam } from "../../http/fields";
import { errorFields, log } from "../../http/log";
import { empty, json, jsonBody, problems } from "../../http/openapi";
import { forgetCachedKey, forgetUnknownKeys, scoped } from "../../middleware/auth";
import { withholdOnReplay } from "../../middleware/idempotency";
import { revokeInRoom } from "../../realtime/revoke";
import * as service from "../../services/api-keys";
import { type ApiKey, ApiKeyList, CreateApiKey, CreatedApiKey } from "./schemas";

/** Rows to the API's shape: timestamps as ISO strings. */
const toView = <T extends { created_at: Date; last_used_at: Date | null; revoked_at: Date | null }>(row: T) => ({
  ...row,
  created_at: row.created_at.toISOString(),
  last_used_at: row.last_used_at?.toISOString() ?? null,
  revoked_at: row.revoked_at?.toISOString() ?? null,
});

const SHOWN_ONCE =
  "The secret is shown once, in the first response, and never stored. If it was lost, revoke this key and create another.";

export const apiKeyRoutes = new OpenAPIHono<HonoEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["api keys"],
      operationId: "createApiKey",
      summary: "Create an API key (the secret is shown once)",
      description: "A key with the given scopes (`admin` holds every scope). Only this response carries its secret.",
      ...scoped("admin"),
      request: jsonBody(CreateApiKey),
      responses: {
        201: json(CreatedApiKey, "The key, with its secret (withheld from an idempotent replay).", "Location"),
        ...problems(400, 413, 415, 422),
      },
    }),
    async (c) => {
      const created = await service.createApiKey(c.var.store, c.req.valid("json"));
      forgetUnknownKeys();
      withholdOnReplay(c, { key: SHOWN_ONCE });
      return c.json(toView(created) as z.infer<typeof CreatedApiKey>, 201, { location: `/api-keys/${created.id}` });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["api keys"],
      operationId: "listApiKeys",
      summary: "List API keys (never their secrets)",
      description: "Every key, revoked ones included, newest first.",
      ...scoped("admin"),
      responses: { 200: json(ApiKeyList, "Every key, newest first."), ...problems() },
    }),
    async (c) => {
      const items = await service.listApiKeys(c.var.store);
      return c.json({ items: items.map(toView) as z.infer<typeof ApiKey>[] }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["api keys"],
      operationId: "revokeApiKey",
      summary: "Revoke an API key",
      description:
        "The key is refused at once in the isolate that revoked it and everywhere within 30 s (the key cache's bound), OAuth grants made with it included.",
      ...scoped("admin"),
      request: { params: IdParam },
      responses: {
        204: empty(
          "Revoked; the key is refused from now on, its room sockets are closed (code 4001) and its room tokens refused.",
        ),
        ...problems(404),
      },
    }),
    async (c) => {
      const revoked = await service.revokeApiKey(c.var.store, c.req.valid("param"));
      forgetCachedKey(revoked.id);
      // After the commit (the update is one statement), and before answering, so a 204 means the room knows.
      await revokeInRoom(c.env, revoked.id);
      // Its OAuth grants too (issue #18), so their refresh tokens stop; a failure here leaves them
      // refused anyway, as every OAuth request re-checks its key.
      await revokeOAuthGrants(c, revoked.id);
      return c.body(null, 204);
    },
  );

async function revokeOAuthGrants(c: Context<HonoEnv>, keyId: string) {
  try {
    const { revokeGrantsOfKey } = await import("../../oauth/revoke");
    await revokeGrantsOfKey(c.env, new URL(c.req.url).origin, keyId);
  } catch (err) {
    log(c, "error", "oauth grants not revoked", { key_id: keyId, ...errorFields(err) });
  }
}

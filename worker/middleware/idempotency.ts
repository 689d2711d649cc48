import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { HonoEnv } from "../env";
import { problem, problemResponse } from "../http/problem";
import { isStreamedUpload } from "../http/uploads";
import { sha256Hex } from "../services/api-keys";
import { InvalidInputError } from "../services/errors";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
  withholdFields,
} from "../services/idempotency";

const KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADERS = ["content-type", "location", "etag"];

/**
 * `Idempotency-Key` on POST, PATCH and DELETE: the first response is kept (per key owner) and
 * replayed to retries with `Idempotent-Replayed: true`; the same key with another request is 422,
 * and a retry while the first is still running is 409. No secret is ever stored: a route whose
 * response carries one calls `withholdOnReplay` or `neverReplay` before answering. A file upload is
 * never replayed: its body streams to R2 and is not kept to compare a retry with (README, Attachments).
 */
export const idempotency = createMiddleware<HonoEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  // Public routes (the chat webhooks) have no key owner; they deduplicate on the provider's own ids.
  if (key === undefined || !["POST", "PATCH", "DELETE"].includes(c.req.method) || !c.var.principal) return next();
  if (isStreamedUpload(c.req.method, c.req.path)) return next();
  if (!KEY.test(key)) {
    throw new InvalidInputError("Idempotency-Key must be 1–255 visible ASCII characters.", [
      { path: "idempotency-key", location: "header", message: "1–255 visible ASCII characters" },
    ]);
  }
  const slot = { owner: c.var.principal.id, key };
  const store = c.var.store;
  const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
  const claim = await claimIdempotencyKey(store, { ...slot, requestHash });

  if (claim.kind === "mismatch") {
    return problemResponse(
      c,
      problem(422, "idempotency-key-reused", "This Idempotency-Key was used for a different request; use a new key."),
    );
  }
  if (claim.kind === "in-progress") {
    return problemResponse(
      c,
      problem(
        409,
        "idempotency-key-in-progress",
        "A request with this Idempotency-Key is still running; retry shortly.",
      ),
      { "retry-after": "1" },
    );
  }
  if (claim.kind === "replay") {
    const { status, headers, body } = claim.response;
    return new Response(status === 204 || status === 304 ? null : body, {
      status,
      headers: { ...headers, "idempotent-replayed": "true", "x-request-id": c.var.requestId },
    });
  }

  // Hono turns a handler's error into its response before `next` returns, so c.res is always set.
  await next();
  const policy = c.get("replay");
  if (c.res.status >= 500 || (policy && "store" in policy)) {
    await releaseIdempotencyKey(store, slot);
    return;
  }
  const headers = Object.fromEntries(
    REPLAYED_HEADERS.flatMap((h) => (c.res.headers.has(h) ? [[h, c.res.headers.get(h)!]] : [])),
  );
  const body = await c.res.clone().text();
  await completeIdempotencyKey(store, {
    ...slot,
    response: { status: c.res.status, headers, body: policy ? withholdFields(body, policy.withhold) : body },
  });
});

/**
 * Marks fields of this (JSON) response as secrets shown once: the stored response, and so every
 * replay, has each of them null and names it under `redacted` with `why`.
 */
export function withholdOnReplay(c: Context<HonoEnv>, why: Record<string, string>) {
  c.set("replay", { withhold: why });
}

/** Keeps this response out of the store: a retry with the same key runs again. */
export function neverReplay(c: Context<HonoEnv>) {
  c.set("replay", { store: false });
}

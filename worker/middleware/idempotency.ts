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
  type Outcome,
  type Refusal,
  releaseIdempotencyKey,
  runOnce,
  withholdFields,
} from "../services/idempotency";

const KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADERS = ["content-type", "location", "etag"];

/**
 * `Idempotency-Key` on POST, PATCH and DELETE: the first response is kept (per key owner) and
 * replayed to retries with `Idempotent-Replayed: true`; the same key with another request is 422.
 * A retry while the first is still running waits for it and gets its response (`runOnce`), or 409
 * after waiting 3 s. The request's statements run in the claim's transaction, so a 5xx rolls
 * them back and the retry runs again. No secret is ever stored: a route whose
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
  const claim = { ...slot, requestHash };

  if (CALLS_OUT.test(c.req.path)) {
    const refused = await claimIdempotencyKey(store, claim);
    if (refused.kind !== "acquired") return refusal(c, refused);
    await next();
    const keep = await keepOf(c);
    if (typeof keep === "string") await releaseIdempotencyKey(store, slot);
    else await completeIdempotencyKey(store, { ...slot, response: keep });
    return;
  }
  const result = await runOnce(store, {
    ...claim,
    work: async (tx) => {
      c.set("store", tx);
      try {
        await next();
      } finally {
        c.set("store", store);
      }
      return { value: undefined, keep: await keepOf(c) };
    },
  }).catch((err: unknown) => {
    // The handler's response did not commit; Hono's setter would keep its headers on the error's.
    c.res = undefined;
    throw err;
  });
  if (result.kind === "ran") return;
  // The handler ran (and was rolled back) before the claim's answer was known: its response goes,
  // headers included.
  c.res = undefined;
  c.res = refusal(c, result);
});

/**
 * Routes that call a provider while they run (a webhook's ping and retry): DESIGN.md keeps provider
 * calls out of transactions, so these claim their key in a statement of its own, one round trip more.
 */
const CALLS_OUT = /^\/webhooks\/[^/]+\/(ping|deliveries\/[^/]+\/retry)$/;

function refusal(c: Context<HonoEnv>, refused: Refusal) {
  if (refused.kind === "mismatch") {
    return problemResponse(
      c,
      problem(422, "idempotency-key-reused", "This Idempotency-Key was used for a different request; use a new key."),
    );
  }
  if (refused.kind === "in-progress") {
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
  const { status, headers, body } = refused.response;
  return new Response(status === 204 || status === 304 ? null : body, {
    status,
    headers: { ...headers, "idempotent-replayed": "true", "x-request-id": c.var.requestId },
  });
}

/** What of the response a retry gets. Hono turns a handler's error into its response before `next` returns, so c.res is always set. */
async function keepOf(c: Context<HonoEnv>): Promise<Outcome<undefined>["keep"]> {
  const policy = c.get("replay");
  if (c.res.status >= 500) return "undo";
  if (policy && "store" in policy) return "forget";
  const headers = Object.fromEntries(
    REPLAYED_HEADERS.flatMap((h) => (c.res.headers.has(h) ? [[h, c.res.headers.get(h)!]] : [])),
  );
  const body = await c.res.clone().text();
  return { status: c.res.status, headers, body: policy ? withholdFields(body, policy.withhold) : body };
}

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

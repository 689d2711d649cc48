/**
 * Safe to echo and log: 1–128 of these characters. hono/request-id allows only `[\w=-]`, which would
 * replace the ids agents send (`agent-42.retry:1`), hence our own.
 */
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is safe to echo and log, otherwise a new one. */
export const requestIdFor = (given: string | null | undefined) =>
  given && SAFE_ID.test(given) ? given : crypto.randomUUID();

import { z } from "zod";

/** Unset and empty are the same: wrangler.toml declares optional variables as "". */
export const optional = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || undefined);

/** A whole number in [min, max], `fallback` when unset. */
export const count = (fallback: number, min: number, max: number) =>
  optional.transform((v, ctx) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    ctx.addIssue({ code: "custom", message: `must be a whole number from ${min} to ${max} (got '${v}')` });
    return z.NEVER;
  });

/** One of `values`, `fallback` when unset. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  optional.transform((v, ctx): T[number] => {
    if (v === undefined) return fallback;
    if ((values as readonly string[]).includes(v)) return v as T[number];
    ctx.addIssue({ code: "custom", message: `must be one of ${values.join(", ")} (got '${v}')` });
    return z.NEVER;
  });

/** An http(s) URL without its trailing slashes. */
export const url = optional.pipe(
  z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .transform((u) => u.replace(/\/+$/, ""))
    .optional(),
);

/** An http(s) base URL, `fallback` when unset. */
export const baseUrl = (fallback: string) => url.transform((u) => u ?? fallback);

/** Comma-separated values, trimmed, empty ones dropped. */
export const list = optional.transform((v) =>
  (v ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean),
);

/** The zod issues of one section as "VARIABLE: message" lines. */
export const issueLines = (error: z.ZodError) =>
  error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);

import { createSchemaFactory } from "drizzle-zod";
import { DATE_MAX, DATE_MIN, INSTANT_RANGE_TEXT, inInstantRange } from "../db/instant-range";
import { canonicalRule, parseRule, RuleError } from "../time/rrule";
import { normalizeTimeZone } from "../time/zone";
import { z } from "./zod";

/** drizzle-zod bound to the OpenAPI-aware zod, so derived schemas can carry `.openapi()` metadata. */
export const { createInsertSchema, createSelectSchema } = createSchemaFactory({ zodInstance: z });

const NO_NUL = "must not contain the NUL character (\\u0000)";

/** Free text as Postgres can store it: NUL is the one character a `text` column rejects. */
export const text = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !s.includes("\u0000"), NO_NUL);

/**
 * Timestamps must carry their offset: a bare local time is ambiguous and is refused, never guessed.
 * The instant must lie in the product's range (db/instant-range.ts) once the offset is applied.
 */
export const timestampInput = () =>
  z.iso
    .datetime({ offset: true, error: "must be an ISO 8601 timestamp with an offset, such as 2026-03-01T10:00:00Z" })
    .transform((s, ctx) => {
      const at = new Date(s);
      if (inInstantRange(at.getTime())) return at;
      ctx.addIssue({ code: "custom", message: `must lie between ${INSTANT_RANGE_TEXT} (in UTC)` });
      return z.NEVER;
    })
    .openapi({ type: "string", format: "date-time", example: "2026-03-01T10:00:00Z" });

export const timestampOutput = () => z.iso.datetime().openapi({ example: "2026-03-01T10:00:00.000Z" });

/** A path id. One that is not a UUID cannot name anything: the validation hook answers 404. */
export const IdParam = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path", description: "The resource's id (a UUID)." } }),
});

export const limit = () =>
  z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "Page size, 1–200 (default 50)." });

export const cursor = () =>
  z.string().max(200).optional().openapi({ description: "The `next_cursor` of the previous page." });

/** Query strings carry booleans as text; anything but `true`/`false` is an error, not a guess. */
export const booleanQuery = () => z.enum(["true", "false"]).transform((v) => v === "true");

export const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    next_cursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page; null on the last." }),
  });

/** A calendar date without a time (an all-day due), checked to exist. */
export const dateInput = () =>
  z.iso
    .date({ error: "must be a date written YYYY-MM-DD, such as 2026-03-01" })
    .refine((d) => d >= DATE_MIN && d <= DATE_MAX, `must lie between ${DATE_MIN} and ${DATE_MAX}`)
    .openapi({ type: "string", format: "date", example: "2026-03-01" });

/** An IANA zone the runtime knows, stored in its canonical spelling. */
export const timeZoneInput = () =>
  z
    .string()
    .max(64)
    .transform((name, ctx) => {
      const zone = normalizeTimeZone(name);
      if (zone) return zone;
      ctx.addIssue({
        code: "custom",
        message: `'${name.slice(0, 64)}' is not an IANA time zone name this server knows, such as Europe/Berlin or America/New_York`,
      });
      return z.NEVER;
    })
    .openapi({ type: "string", example: "Europe/Berlin" });

/** An RFC 5545 RRULE value, checked part by part and stored upper case without an `RRULE:` prefix. */
export const rruleInput = (max: number) =>
  z
    .string()
    .max(max)
    .transform((text, ctx) => {
      try {
        parseRule(text);
        return canonicalRule(text);
      } catch (err) {
        if (!(err instanceof RuleError)) throw err;
        ctx.addIssue({ code: "custom", message: `not a usable RFC 5545 rule: ${err.message}` });
        return z.NEVER;
      }
    })
    .openapi({ type: "string", example: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0" });

/**
 * `schema.nullish()` for a text field that null clears, shown as nullable in the OpenAPI document:
 * the `type: "string"` the transforming fields above declare would otherwise hide the null.
 */
export const clearable = <T extends z.ZodType>(schema: T) => schema.nullish().openapi({ type: ["string", "null"] });

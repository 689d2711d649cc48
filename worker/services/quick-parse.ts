import type { Chrono, Parser } from "chrono-node/en";
import { lazy } from "../lazy";
import { fromLocal, localDate, toLocal } from "../time/zone";

/** A due as quick add read it: `local` is its wall time in the zone (a date alone when all-day). */
export type QuickDue =
  | { text: string; all_day: true; date: string; local: string }
  | { text: string; all_day: false; instant: number; local: string };

/** What quick add understood in one line of text. */
export interface QuickParse {
  /** The text without its date and reminder phrases, tidied; the whole text when nothing else is left. */
  title: string;
  due: QuickDue | null;
  /**
   * Set when the text asks for a reminder: minutes from the due (0 = at the due, negative = before),
   * or null when it says "before" without a duration chrono can read.
   */
  reminder: { text: string; offset_minutes: number | null } | null;
}

/**
 * "remind me" in its usual forms: with how long before the due ("remind me 1 hour before"), leading
 * into the task ("remind me to stretch …"), or alone. Only the phrase is found here; chrono reads
 * the duration, which is short: the bound keeps chrono's work on it small whatever the text.
 */
const REMINDER =
  /(?:[,;]\s*|\b)(?:(?:and|then|please|also)\s+)*(?:remind|notify|alert|ping)\s+me\b(?:\s+(?!(?:to|about|that)\b)(?<lead>[^,;.]{1,40}?)\s+(?:before(?:hand)?|earlier|ahead(?:\s+of\s+time)?|in\s+advance|prior)\b(?:\s+(?:it|that))?)?(?:\s+(?:to|about|that)\b)?/i;

/** Words that tie a removed date phrase to the rest ("pay rent on", "submit by"), dropped with it. */
const TRAILING_TIE = /(?:^|\s+)(?:on|at|by|for|due|until|before)\s*$/i;
const LEADING_TIE = /^\s*(?:to|about|that|and|then)\s+/i;
const EDGE_PUNCTUATION = /^[\s,;:.!–—-]+|[\s,;:–—-]+$|(?<=\S)\s*[.!]+$/g;

/**
 * chrono reads "the 1st" only with a month ("the 1st of April"). This adds chrono's own kind of
 * parser for the day alone: the next such day from the reference, today included, skipping months
 * too short for it. Its month and year are implied, not certain, as chrono marks what it guessed.
 */
const dayOfMonth: Parser = {
  pattern: () => /\bthe\s+([12]?\d|3[01])(?:st|nd|rd|th)\b/i,
  extract: (context, match) => {
    const day = Number(match[1]);
    if (day < 1) return null;
    const ref = context.refDate;
    let year = ref.getUTCFullYear();
    let month = ref.getUTCMonth() + (day < ref.getUTCDate() ? 1 : 0);
    while (new Date(Date.UTC(year, month, day)).getUTCDate() !== day) month += 1;
    const normalized = new Date(Date.UTC(year, month, 1));
    year = normalized.getUTCFullYear();
    month = normalized.getUTCMonth();
    const components = context.createParsingComponents({ day });
    components.imply("month", month + 1);
    components.imply("year", year);
    return components;
  },
};

// The parser is pure data, built once per isolate on first use: chrono (English only) loads only
// when quick add is called, so no other request pays for it.
const chrono: () => Promise<Chrono> = lazy(async () => {
  const { casual } = await import("chrono-node/en");
  const parser = casual.clone();
  parser.parsers.push(dayOfMonth);
  return parser;
});

/** ISO 8601 local date-time without an offset, from floating milliseconds. */
const isoLocal = (local: number) => new Date(local).toISOString().slice(0, 19);

/**
 * Reads a due and an optional reminder out of `text`, as said in `timezone` at `now`. Wall times
 * are read in the zone (across DST too, by `fromLocal`); "in 20 minutes" counts real minutes from
 * `now`; a date without a time is an all-day due.
 */
export async function parseQuickText(text: string, { now, timezone }: { now: Date; timezone: string }) {
  const parser = await chrono();
  // chrono knows offsets, not IANA zones: it is given the zone's wall time as if it were UTC, and
  // the wall time it answers is put back into the zone here.
  const floatingNow = toLocal(now.getTime(), timezone);
  const reference = { instant: new Date(floatingNow), timezone: 0 };

  const cut: [number, number][] = [];
  let reminder: QuickParse["reminder"] = null;
  const asked = REMINDER.exec(text);
  if (asked) {
    cut.push([asked.index, asked.index + asked[0].length]);
    const lead = asked.groups?.lead;
    reminder = {
      text: asked[0]
        .replace(/^[\s,;]*(?:(?:and|then|please|also)\s+)*/i, "")
        .replace(/\s+(?:to|about|that)$/i, "")
        .trim(),
      offset_minutes: lead === undefined ? 0 : durationBefore(parser, lead, reference),
    };
  }
  // Blanked rather than removed, so chrono's indices are still the text's.
  const rest = asked
    ? text.slice(0, asked.index) + " ".repeat(asked[0].length) + text.slice(asked.index + asked[0].length)
    : text;
  const [found] = parser.parse(rest, reference, { forwardDate: true });

  let due: QuickDue | null = null;
  if (found) {
    cut.push([found.index, found.index + found.text.length]);
    due = dueOf(found, floatingNow, now.getTime(), timezone);
  }
  return { title: titleOf(text, cut), due, reminder } satisfies QuickParse;
}

type Found = ReturnType<Chrono["parse"]>[number];

function dueOf(found: Found, floatingNow: number, now: number, timezone: string): QuickDue {
  const { start } = found;
  const text = found.text.trim();
  // "in 20 minutes" is elapsed time: across a DST change the wall clock moves by more or less.
  if (found.tags().has("result/relativeDateAndTime")) {
    const instant = now + (start.date().getTime() - floatingNow);
    return { text, all_day: false, instant, local: isoLocal(toLocal(instant, timezone)) };
  }
  const part = (name: "year" | "month" | "day" | "hour" | "minute" | "second") => start.get(name) ?? 0;
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const wall = new Date(
    Date.UTC(2000, part("month") - 1, part("day"), part("hour"), part("minute"), part("second")),
  ).setUTCFullYear(part("year"));
  if (!start.isCertain("hour")) {
    const date = localDate(wall);
    return { text, all_day: true, date, local: date };
  }
  // A zone named in the text ("at 9 EST") wins over the task's zone for reading the time.
  const instant = start.isCertain("timezoneOffset")
    ? wall - (start.get("timezoneOffset") ?? 0) * 60_000
    : fromLocal(wall, timezone);
  return { text, all_day: false, instant, local: isoLocal(toLocal(instant, timezone)) };
}

/** Minutes before the due that `lead` ("1 hour", "two days") names, by chrono; null if it names none. */
function durationBefore(parser: Chrono, lead: string, reference: { instant: Date; timezone: number }) {
  const phrase = `${lead.trim()} before`;
  const [found] = parser.parse(phrase, reference);
  if (found?.index !== 0 || found.text.length !== phrase.length) return null;
  if (!found.tags().has("result/relativeDate")) return null;
  const minutes = Math.round((found.start.date().getTime() - reference.instant.getTime()) / 60_000);
  return minutes < 0 ? minutes : null;
}

/** The text with the phrases at `cut` removed, and the words and punctuation that tied them in. */
function titleOf(text: string, cut: [number, number][]) {
  const spans = [...cut].sort((a, b) => a[0] - b[0]);
  const parts: string[] = [];
  let at = 0;
  for (const [from, to] of spans) {
    parts.push(text.slice(at, from).replace(TRAILING_TIE, ""));
    at = Math.max(at, to);
  }
  parts.push(text.slice(at));
  const title = parts
    .map((part, i) => (i > 0 ? part.replace(LEADING_TIE, "") : part))
    .map((part) => part.replace(EDGE_PUNCTUATION, ""))
    .filter((part) => part.length > 0)
    .join(" ")
    .replace(/\s+/g, " ")
    .replace(LEADING_TIE, "")
    .trim();
  return title || text.replace(/\s+/g, " ").trim();
}

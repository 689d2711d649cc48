import { CandidateBudget, ZONE_LOOKUP } from "./budget";
import { occurrences } from "./recurrence";
import { parseRule } from "./rrule";
import { fromLocal, localDate, toLocal } from "./zone";

/** A zone's offset never jumps by more than a day (Samoa's in 2011 and Kiritimati's in 1995 were the largest). */
const OFFSET_SPAN = 86_400_000;

/** Where a recurring task stands: which occurrence of its series its due stands for. */
export interface SeriesPosition {
  rule: string;
  timezone: string;
  /** The series' current occurrence as local wall-clock time (floating ms); a moved due keeps it. */
  occurrenceLocal: number;
  /** 1 for the series start (RFC 5545: DTSTART always counts), then one more per occurrence. */
  occurrence: number;
  /** The due being completed: an instant, or for an all-day task its date. */
  due: { instant: number } | { date: string };
}

export interface NextOccurrence {
  occurrenceLocal: number;
  occurrence: number;
}

/**
 * The last local wall-clock time a series reaches: an occurrence after it ends the series, so every
 * due it yields (and its reminder hour, in any zone) stays inside the instant range that
 * worker/db/instant-range.ts documents.
 */
export const SERIES_LOCAL_MAX = Date.UTC(9999, 11, 30);

/** Enough to skip an hourly series a year ahead, bounded so a completion never burns the CPU budget. */
export const MAX_STEPS = 10_000;

/** The due being completed lies more than MAX_STEPS occurrences past the series' current one. */
export class SeriesTooFarError extends Error {}

/**
 * Whether floating `local` falls after `instant` (whose floating time is `instantLocal`) in `zone`.
 * Only times within OFFSET_SPAN of it need the zone lookup, charged to `budget` as ZONE_LOOKUP.
 */
function isAfter(local: number, instant: number, instantLocal: number, zone: string, budget: CandidateBudget) {
  if (local > instantLocal + OFFSET_SPAN) return true;
  if (local <= instantLocal - OFFSET_SPAN) return false;
  budget.spend(ZONE_LOOKUP);
  return fromLocal(local, zone) > instant;
}

/**
 * The occurrence that follows the one being completed, or null when COUNT or UNTIL ends the series
 * (or it has no occurrence within the expansion horizon). It comes after the series' current
 * occurrence and after the due being completed (and before SERIES_LOCAL_MAX), so moving a due earlier never repeats an occurrence
 * and postponing it past later ones skips them. Throws SeriesTooFarError rather than silently
 * ending a series whose due was postponed past more than MAX_STEPS occurrences, and RuleCostError
 * when finding the occurrence would test more candidates than `budget` allows.
 */
export function followingOccurrence(position: SeriesPosition, budget = new CandidateBudget()): NextOccurrence | null {
  const rule = parseRule(position.rule);
  const zone = position.timezone;
  const { due } = position;
  const dueLocal = "date" in due ? undefined : toLocal(due.instant, zone);
  const until = rule.until?.kind === "instant" ? { at: rule.until.at, local: toLocal(rule.until.at, zone) } : undefined;
  let occurrence = position.occurrence;
  let steps = 0;
  for (const next of occurrences(rule, position.occurrenceLocal, position.occurrenceLocal, budget)) {
    occurrence += 1;
    if (next > SERIES_LOCAL_MAX) return null;
    if (rule.count !== undefined && occurrence > rule.count) return null;
    if (rule.until?.kind === "date" && localDate(next) > rule.until.date) return null;
    if (until && isAfter(next, until.at, until.local, zone, budget)) return null;
    const later = "date" in due ? localDate(next) > due.date : isAfter(next, due.instant, dueLocal!, zone, budget);
    if (later) return { occurrenceLocal: next, occurrence };
    if (++steps === MAX_STEPS) {
      throw new SeriesTooFarError(
        `The due is more than ${MAX_STEPS} occurrences past the series' current one; set a new rrule to restart the series there.`,
      );
    }
  }
  return null;
}

import { nextOccurrence } from "./recurrence";
import { parseRule, type Rule } from "./rrule";
import { fromLocal, localDate, toLocal } from "./zone";

const DAY = 86_400_000;

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

/** Enough to skip an hourly series a year ahead, bounded so a completion never burns the CPU budget. */
export const MAX_STEPS = 10_000;

/** The due being completed lies more than MAX_STEPS occurrences past the series' current one. */
export class SeriesTooFarError extends Error {}

function ended(rule: Rule, occurrence: number, local: number, zone: string) {
  if (rule.count !== undefined && occurrence > rule.count) return true;
  if (rule.until?.kind === "date") return localDate(local) > rule.until.date;
  if (rule.until?.kind === "instant") return fromLocal(local, zone) > rule.until.at;
  return false;
}

/**
 * The occurrence that follows the one being completed, or null when COUNT or UNTIL ends the series
 * (or it has no occurrence within the expansion horizon). Throws SeriesTooFarError rather than
 * silently ending a series whose due was postponed past more than MAX_STEPS occurrences. It comes after the series' current
 * occurrence and after the due being completed, so moving a due earlier never repeats an occurrence
 * and postponing it past later ones skips them.
 */
export function followingOccurrence(position: SeriesPosition): NextOccurrence | null {
  const rule = parseRule(position.rule);
  const dueLocal = "date" in position.due ? undefined : toLocal(position.due.instant, position.timezone);
  let local = position.occurrenceLocal;
  let occurrence = position.occurrence;
  for (let step = 0; step < MAX_STEPS; step++) {
    const next = nextOccurrence(rule, local, local);
    if (next === null) return null;
    occurrence += 1;
    if (ended(rule, occurrence, next, position.timezone)) return null;
    local = next;
    const later =
      "date" in position.due
        ? localDate(next) > position.due.date
        : // Cheap floating comparison first; the zone lookup only near the due.
          next > dueLocal! - DAY && fromLocal(next, position.timezone) > position.due.instant;
    if (later) return { occurrenceLocal: next, occurrence };
  }
  throw new SeriesTooFarError(
    `The due is more than ${MAX_STEPS} occurrences past the series' current one; set a new rrule to restart the series there.`,
  );
}

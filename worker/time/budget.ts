/**
 * The work one evaluation of a rule may do, counted in candidates: every period, day, hour and time
 * of day the expansion tests. A rule's cost depends on how its BYxxx parts meet (every minute of every
 * day is cheap to step through; an hourly rhythm that never lands on its BYHOUR is not), so the
 * bound is on the work itself rather than on the rule's text.
 */

/**
 * A few tens of milliseconds of a Worker's CPU (100,000 day tests took 20–30 ms in workerd, warm):
 * enough to walk an hourly series 10,000 steps or to search 100 years day by day.
 */
export const MAX_CANDIDATES = 100_000;

/** Placing a wall-clock time in its zone asks ICU two to four times: about as much CPU as 50 day tests. */
export const ZONE_LOOKUP = 50;

/** Finding an occurrence would test more candidates than the evaluation's budget allows. */
export class RuleCostError extends Error {}

/**
 * Counts candidates and stops the evaluation before it exceeds `limit`, so `spent` never does.
 *
 * @example
 * const budget = new CandidateBudget();
 * followingOccurrence(position, budget); // throws RuleCostError past MAX_CANDIDATES
 * budget.spent; // the candidates it tested
 */
export class CandidateBudget {
  spent = 0;

  constructor(readonly limit = MAX_CANDIDATES) {}

  spend(candidates = 1) {
    if (this.spent + candidates > this.limit) {
      throw new RuleCostError(
        `finding the next occurrence would test more than ${this.limit.toLocaleString("en-US")} candidate days and times`,
      );
    }
    this.spent += candidates;
  }
}

import type { Change } from "../../party/protocol";
import type { Env } from "../env";
import { log } from "../http/log";

/** The one reminder clock (README: Reminders, "The clock"); shard by name when one is not enough. */
export const CLOCK_NAME = "default";

/** A clock that does not answer in this time is given up on: the cron re-syncs it within a minute. */
const NUDGE_TIMEOUT_MS = 2_000;

/**
 * The earliest time any of `changes` armed a reminder for: a created, moved, snoozed or re-armed
 * reminder is `scheduled` with its next attempt in `data`. Undefined when none was armed.
 */
export function earliestArmed(changes: readonly Change[]): number | undefined {
  let earliest: number | undefined;
  for (const change of changes) {
    if (change.entity !== "reminder" || change.op === "deleted" || change.data.status !== "scheduled") continue;
    const at = Date.parse(String(change.data.next_attempt_at));
    if (Number.isFinite(at) && (earliest === undefined || at < earliest)) earliest = at;
  }
  return earliest;
}

/**
 * Tells the reminder clock that a reminder is due at `at`, so its alarm fires then if that is
 * earlier than the one it holds. Never throws: a lost nudge only means the cron's next minute
 * delivers the reminder instead (and re-syncs the clock).
 */
export async function nudgeClock(env: Partial<Pick<Env, "CLOCK">>, at: number): Promise<void> {
  if (!env.CLOCK) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const clock = env.CLOCK.get(env.CLOCK.idFromName(CLOCK_NAME));
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the clock did not answer in ${NUDGE_TIMEOUT_MS} ms`)),
        NUDGE_TIMEOUT_MS,
      );
    });
    await Promise.race([clock.nudge(at), timeout]);
  } catch (err) {
    log(undefined, "warn", "nudging the reminder clock failed; the cron will deliver", { error: String(err) });
  } finally {
    if (timer) clearTimeout(timer);
  }
}

import { sql } from "drizzle-orm";
import { changeCursor, changes, webhookDeliveries, webhookSubscriptions } from "../db/schema";
import type { ChangeRowLike } from "../services/changes";
import type { Store } from "../services/store";
import type { WebhookSettings } from "../settings";
import { retryDelaySeconds } from "./backoff";
import { eventOfChange, listensTo } from "./events";
import { unseal } from "./secret-box";
import { type Attempt, sendEvent } from "./send";

/**
 * The delivery engine: lease and claim, as the reminder scan does, with the change log as the outbox.
 *
 * - A run claims the enabled subscriptions that have changes past their cursor and are due (not
 *   backing off), each with a lease. Until the lease ends no other run delivers for it, so a cron run,
 *   a write's nudge and an overlapping run never send the same event twice at once.
 * - Each claimed subscription is walked on its own, concurrently: one slow receiver holds back only
 *   its own events. Within one, events go out in seq order, one at a time, and the cursor moves past
 *   an event only after its 2xx, in the same statement that logs the attempt. A run that dies
 *   mid-call leaves the cursor where it was; once the lease lapses the next run sends the event
 *   again, with the same id: at least once, never lost.
 * - No transaction is held across a call: every statement commits on its own.
 * Queues were the alternative; this keeps per-subscription order and the cursor in one place, and
 * needs no second copy of each event (README: Webhooks, "Delivery").
 */

export interface WebhookRunOptions {
  /** Stop starting new deliveries after this long; the lease outlasts it by a call's timeout. */
  budgetMs?: number;
  /** The first retry's base delay is scaled by this (tests shorten the backoff; 1 in production). */
  backoffScale?: number;
  /** Only these subscriptions (a ping, a test); all due ones otherwise. */
  only?: string[];
}

export interface WebhookRunReport {
  subscriptions: number;
  delivered: number;
  failed: number;
  skipped: number;
  disabled: number;
  /** Whether any subscription is enabled (claimed or not). */
  anyEnabled: boolean;
  /** The subscriptions this run disabled, and why: the room hears of each (`webhook.disabled`). */
  disabledNow: { id: string; url: string; reason: string }[];
}

type Claimed = {
  id: string;
  url: string;
  events: string[];
  secret_sealed: string;
  cursor_seq: number;
  failures: number;
  lease_token: string;
};

const BATCH = 20;

export async function runWebhookDeliveries(
  store: Store,
  settings: WebhookSettings,
  options: WebhookRunOptions = {},
): Promise<WebhookRunReport> {
  const report: WebhookRunReport = {
    subscriptions: 0,
    delivered: 0,
    failed: 0,
    skipped: 0,
    disabled: 0,
    anyEnabled: false,
    disabledNow: [],
  };
  if (!settings.secretsKey) return { ...report, anyEnabled: true };
  const budgetMs = options.budgetMs ?? 20_000;
  const leaseSeconds = Math.ceil((budgetMs + settings.timeoutMs) / 1000) + 30;
  const deadline = Date.now() + budgetMs;
  const walked = new Set<string>();
  let only = options.only;
  for (let first = true; ; first = false) {
    const claimed = await claim(store, leaseSeconds, only);
    if (first) report.anyEnabled = claimed.anyEnabled;
    for (const row of claimed.rows) walked.add(row.id);
    const more = await Promise.all(
      claimed.rows.map((row) => walk(store, settings, row, deadline, options.backoffScale ?? 1, report)),
    );
    // A write that committed while its subscription was leased here found the lease held, so its
    // own run sent nothing: the subscriptions whose release saw such changes are claimed again.
    only = claimed.rows.filter((_, i) => more[i]).map((row) => row.id);
    if (only.length === 0 || Date.now() >= deadline) break;
  }
  report.subscriptions = walked.size;
  return report;
}

/** Leases up to 50 due subscriptions with changes past their cursor; also tells whether any is enabled. */
async function claim(store: Store, leaseSeconds: number, only: string[] | undefined) {
  const token = crypto.randomUUID();
  const some = only?.length ? sql`and id = any(${`{${only.join(",")}}`}::uuid[])` : sql``;
  // One statement claims and also tells whether any subscription is enabled at all, so writes can
  // skip the engine for a while when none is (announce.ts).
  const { rows: found } = await store.db.execute<Partial<Claimed> & { enabled_count: number | string }>(sql`
    with claimed as (
      update ${webhookSubscriptions} s
      set lease_until = now() + make_interval(secs => ${leaseSeconds}), lease_token = ${token}
      where s.id in (
        select id from ${webhookSubscriptions}
        where enabled and next_attempt_at <= now() and (lease_until is null or lease_until < now())
          and cursor_seq < (select last_seq from ${changeCursor} where id = 1) ${some}
        order by next_attempt_at
        limit 50
        for update skip locked
      )
      returning s.id, s.url, s.events, s.secret_sealed, s.cursor_seq, s.failures, s.lease_token
    )
    select c.*, (select count(*) from ${webhookSubscriptions} where enabled) as enabled_count
    from (select 1) one left join claimed c on true`);
  return {
    anyEnabled: Number(found[0]?.enabled_count ?? 0) > 0,
    rows: found
      .filter((row): row is Claimed & { enabled_count: number } => row.id != null)
      .map((row) => ({ ...row, cursor_seq: Number(row.cursor_seq), failures: Number(row.failures) })),
  };
}

/** Delivers one leased subscription's events in order, then lets go; true if changes came meanwhile. */
async function walk(
  store: Store,
  settings: WebhookSettings,
  sub: Claimed,
  deadline: number,
  backoffScale: number,
  report: WebhookRunReport,
): Promise<boolean> {
  let secret: string;
  try {
    secret = await unseal(settings.secretsKey as string, sub.secret_sealed);
  } catch {
    const reason = "its secret cannot be unsealed (WEBHOOK_SECRETS_KEY changed): rotate the secret";
    await disable(store, sub, reason);
    report.disabled++;
    report.disabledNow.push({ id: sub.id, url: sub.url, reason });
    return false;
  }
  let more = false;
  let moved = false;
  try {
    moved = (await deliverInOrder(store, settings, sub, secret, deadline, backoffScale, report)) > sub.cursor_seq;
  } finally {
    // Still due (no failure backing it off) and behind the log's head: a change committed after the
    // last read, whose own run found this lease held.
    const { rows } = await store.db
      .execute<{ more: boolean }>(sql`update ${webhookSubscriptions} set lease_until = null, lease_token = null
        where id = ${sub.id} and lease_token = ${sub.lease_token}
        returning enabled and next_attempt_at <= now()
          and cursor_seq < (select last_seq from ${changeCursor} where id = 1) as more`)
      .catch(() => ({ rows: [] as { more: boolean }[] }));
    more = rows[0]?.more === true;
  }
  // Only after progress: a cursor that cannot move (its next changes pruned) is not claimed in a loop.
  return more && moved;
}

async function deliverInOrder(
  store: Store,
  settings: WebhookSettings,
  sub: Claimed,
  secret: string,
  deadline: number,
  backoffScale: number,
  report: WebhookRunReport,
): Promise<number> {
  let cursor = sub.cursor_seq;
  while (Date.now() < deadline) {
    const { rows } = await store.db.execute<ChangeRowLike & { event: string | null }>(sql`
      select seq, entity, op, entity_id, data, at, event from ${changes}
      where seq > greatest(${cursor}, (select pruned_through from ${changeCursor} where id = 1))
      order by seq limit ${BATCH}`);
    if (rows.length === 0) break;
    let skippedTo = cursor;
    for (const row of rows) {
      const event = eventOfChange(row);
      if (!listensTo(sub.events, event.type)) {
        skippedTo = event.seq ?? skippedTo;
        report.skipped++;
        continue;
      }
      if (Date.now() >= deadline) break;
      const body = JSON.stringify(event);
      const attempt = await sendEvent({ url: sub.url, secret }, { id: event.id, body }, settings.timeoutMs);
      const held = await record(store, sub, { event, body, attempt }, settings, backoffScale);
      if (!held) return cursor;
      if (!attempt.ok) {
        report.failed++;
        if (typeof held === "object") {
          report.disabled++;
          report.disabledNow.push({ id: sub.id, url: sub.url, reason: held.disabled });
        }
        return cursor;
      }
      report.delivered++;
      cursor = event.seq ?? cursor;
      skippedTo = cursor;
    }
    if (skippedTo > cursor) {
      await store.db.execute(sql`
        update ${webhookSubscriptions} set cursor_seq = greatest(cursor_seq, ${skippedTo})
        where id = ${sub.id} and lease_token = ${sub.lease_token}`);
      cursor = skippedTo;
    }
    if (rows.length < BATCH && skippedTo === cursor) break;
  }
  return cursor;
}

/**
 * Logs one attempt and moves the subscription on in one statement: past the event on a 2xx, to its
 * next attempt (or disabled) otherwise. Answers false when the lease was lost to another run.
 */
async function record(
  store: Store,
  sub: Claimed,
  { event, body, attempt }: { event: { id: string; type: string; seq: number | null }; body: string; attempt: Attempt },
  settings: WebhookSettings,
  backoffScale: number,
): Promise<false | "held" | { disabled: string }> {
  const failures = attempt.ok ? 0 : sub.failures + 1;
  const gone = attempt.status === 410;
  const disabledReason = gone
    ? "the receiver answered 410 Gone"
    : failures >= settings.maxFailures
      ? `${failures} consecutive failed attempts`
      : null;
  const delay = attempt.ok ? 0 : retryDelaySeconds(failures, attempt.retryAfterSeconds) * backoffScale;
  // The log row is written only when the lease still holds: a subscription deleted (or taken over)
  // mid-call gets no attempt logged and no foreign-key error.
  const { rows } = await store.db.execute<{ id: string }>(sql`
    with moved as (
      update ${webhookSubscriptions} set
        cursor_seq = case when ${attempt.ok} then greatest(cursor_seq, ${event.seq ?? 0}) else cursor_seq end,
        failures = ${failures},
        next_attempt_at = now() + make_interval(secs => ${delay}),
        enabled = enabled and ${disabledReason === null},
        disabled_reason = coalesce(${disabledReason}, disabled_reason),
        updated_at = case when ${disabledReason !== null} then now() else updated_at end
      where id = ${sub.id} and lease_token = ${sub.lease_token}
      returning id
    ), logged as (
      insert into ${webhookDeliveries}
        (subscription_id, event_id, event_type, seq, payload, outcome, response_status, duration_ms, response_body, error)
      select id, ${event.id}, ${event.type}, ${event.seq}, ${body}, ${attempt.ok ? "succeeded" : "failed"},
        ${attempt.status}, ${attempt.durationMs}, ${attempt.body}, ${attempt.error}
      from moved
    )
    select id from moved`);
  if (rows.length === 0) return false;
  sub.failures = failures;
  return disabledReason ? { disabled: disabledReason } : "held";
}

async function disable(store: Store, sub: Claimed, reason: string) {
  await store.db.execute(sql`
    update ${webhookSubscriptions} set enabled = false, disabled_reason = ${reason}, updated_at = now(),
      lease_until = null, lease_token = null
    where id = ${sub.id} and lease_token = ${sub.lease_token}`);
}

import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { type CalendarFeedRow, calendarFeeds, type ReminderRow, reminders, type TaskRow, tasks } from "../db/schema";
import { sha256Hex } from "./api-keys";
import { NotFoundError } from "./errors";
import type { Store } from "./store";
import { randomToken } from "./tokens";

const TOKEN_PREFIX = "ocf_";
const TOKEN_SHAPE = /^ocf_[A-Za-z0-9_-]{43}$/;
/** The most tasks one feed carries, soonest due first: a calendar app polls it whole. */
export const FEED_TASK_LIMIT = 2000;

/** Creates a feed and returns it with its token, which is never stored and never shown again. */
export async function createCalendarFeed(store: Store, input: { name: string }) {
  const token = randomToken(TOKEN_PREFIX);
  const [row] = await store.db
    .insert(calendarFeeds)
    .values({ name: input.name, prefix: token.slice(0, 10), hash: await sha256Hex(token) })
    .returning();
  return { feed: row!, token };
}

export async function listCalendarFeeds(store: Store): Promise<CalendarFeedRow[]> {
  return store.db
    .select()
    .from(calendarFeeds)
    .where(isNull(calendarFeeds.revoked_at))
    .orderBy(desc(calendarFeeds.created_at), desc(calendarFeeds.id));
}

/** Revokes a feed: its URL answers 404 from then on. Revoking twice is harmless. @throws NotFoundError */
export async function revokeCalendarFeed(store: Store, { id }: { id: string }) {
  const [row] = await store.db
    .update(calendarFeeds)
    .set({ revoked_at: sql`coalesce(${calendarFeeds.revoked_at}, now())` })
    .where(eq(calendarFeeds.id, id))
    .returning({ id: calendarFeeds.id });
  if (!row) throw new NotFoundError("calendar feed", id);
}

/** The live feed a token opens, if any; a token of the wrong shape costs no query. */
export async function findCalendarFeed(
  store: Store,
  { token }: { token: string },
): Promise<CalendarFeedRow | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const [row] = await store.db
    .select()
    .from(calendarFeeds)
    .where(and(eq(calendarFeeds.hash, await sha256Hex(token)), isNull(calendarFeeds.revoked_at)));
  return row;
}

export interface FeedTask {
  task: TaskRow;
  /** Its reminders still to fire: relative ones follow every occurrence; absolute ones fire once. */
  reminders: ReminderRow[];
}

/** How far back a feed reaches: older overdue tasks belong on the agenda, not in a calendar. */
export const FEED_PAST_DAYS = 90;

/**
 * What a feed shows: pending tasks due from FEED_PAST_DAYS ago on, soonest first (a recurring task's
 * due is its current occurrence), with their armed reminders.
 */
export async function feedTasks(store: Store, { now = new Date() }: { now?: Date } = {}): Promise<FeedTask[]> {
  const since = new Date(now.getTime() - FEED_PAST_DAYS * 86_400_000);
  const rows = await store.db
    .select()
    .from(tasks)
    .where(and(eq(tasks.status, "pending"), isNotNull(tasks.due_time), gte(tasks.due_time, since)))
    .orderBy(asc(tasks.due_time), asc(tasks.id))
    .limit(FEED_TASK_LIMIT);
  if (rows.length === 0) return [];
  const armed = await store.db
    .select()
    .from(reminders)
    .where(
      and(
        inArray(
          reminders.task_id,
          rows.map((t) => t.id),
        ),
        eq(reminders.status, "scheduled"),
      ),
    );
  const byTask = new Map<string, ReminderRow[]>();
  for (const reminder of armed) byTask.set(reminder.task_id, [...(byTask.get(reminder.task_id) ?? []), reminder]);
  return rows.map((task) => ({ task, reminders: byTask.get(task.id) ?? [] }));
}

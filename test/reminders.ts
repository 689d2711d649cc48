import { env } from "cloudflare:test";
import { inject } from "vitest";
import type { ReminderNoticeEvent } from "../party/protocol";
import { type Channels, createChannels } from "../worker/reminders/channels";
import { runScan, type ScanOptions } from "../worker/reminders/scan";
import { windowOpen } from "../worker/services/whatsapp-window";
import { readScanConfig, type ScanConfig } from "../worker/settings/scan";
import { type database, testStore } from "./helpers";

type Sql = ReturnType<typeof database>;
type Provider = "telegram" | "whatsapp" | "openclaw" | "openclawSessionKeys" | "webhooks";

export const fakes = inject("fakes");

/** A Telegram group chat id no other test uses. */
export const uniqueChatId = () => `-100${Math.floor(1e9 + Math.random() * 9e9)}`;

/** A WhatsApp number (E.164) no other test uses. */
export const uniquePhone = () => `+1555${Math.floor(1e6 + Math.random() * 9e6)}`;

/** One call a fake provider received. */
export interface ReceivedCall {
  to: string;
  body: any;
  authorization?: string;
  path: string;
  /** At a gateway: the run it started or replayed, and the replay key it came with. */
  gateway?: { runId?: string; replay: boolean; idempotencyKey?: string; waitForCompletion: boolean };
  /** At the webhook receiver: the headers, the raw body, and whether each verifier accepted it. */
  webhook?: { headers: Record<string, string>; raw: string; verified: { standard: boolean; openclaw: boolean } };
}

/**
 * Calls a fake provider received for one recipient (`to`), for every recipient starting with
 * `prefix`, or for every recipient containing `contains` (a gateway's recipient without a
 * destination is its message).
 */
export async function received(provider: Provider, query: { to: string } | { prefix: string } | { contains: string }) {
  const params = new URLSearchParams(query as Record<string, string>);
  const res = await fetch(`${fakes.control[provider]}/__control/received?${params}`);
  return ((await res.json()) as { received: ReceivedCall[] }).received;
}

/** Makes a fake gateway forget a replay key's run, as it does 5 minutes after the run completed. */
export async function expireReplay(provider: "openclaw" | "openclawSessionKeys", key: string) {
  const res = await fetch(`${fakes.control[provider]}/__control/expire`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ key }),
  });
  if (res.status !== 204) throw new Error(`expiring a replay key at the ${provider} fake failed: ${res.status}`);
}

/** Queues replies for the next calls to `to` at a fake provider; after them it answers normally again. */
export async function script(provider: Provider, to: string, replies: unknown[]) {
  const res = await fetch(`${fakes.control[provider]}/__control/script`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ to, replies }),
  });
  if (res.status !== 204) throw new Error(`scripting the ${provider} fake failed: ${res.status}`);
}

/** The scan's settings as the Worker reads them in tests (providers are the fakes), with `overrides`. */
export function scanConfig(overrides: Record<string, string> = {}): ScanConfig {
  return readScanConfig({ ...env, ...overrides });
}

/**
 * Runs one scan the way the cron does, but over `taskIds` only, so tests in other files (whose
 * reminders may be due too) are left alone. Returns its report, the transactions it committed and
 * the room notices it gave.
 */
export async function scan(options: ScanOptions & { config?: ScanConfig; channels?: Channels; taskIds: string[] }) {
  const config = options.config ?? scanConfig();
  const store = testStore();
  const notices: ReminderNoticeEvent[] = [];
  const channels =
    options.channels ?? createChannels(config, undefined, undefined, (waId) => windowOpen(store, { waId }));
  const report = await runScan(store, config, channels, {
    ...options,
    onNotice: (notice) => notices.push(notice),
  });
  return { report, txids: store.committed, notices };
}

/** A task straight in the database: one row, with a title no other test uses. */
export async function seedTask(
  sql: Sql,
  fields: { description?: string | null; due_time?: Date | null; timezone?: string } = {},
) {
  const title = `Task ${crypto.randomUUID()}`;
  const [row] = await sql<{ id: string }[]>`
    insert into tasks (title, description, due_time, reminder_anchor, timezone)
    values (${title}, ${fields.description ?? null}, ${fields.due_time ?? null}, ${fields.due_time ?? null},
      ${fields.timezone ?? "UTC"}) returning id`;
  return { id: row!.id, title };
}

/** Reminders due at `at` on `channel`, one per recipient (null: the channel's default), in one statement. */
export async function seedReminders(
  sql: Sql,
  taskId: string,
  channel: "telegram" | "whatsapp" | "ui" | "webhook",
  recipients: (string | null)[],
  at: Date,
) {
  const rows = await sql<{ id: string; recipient: string | null }[]>`
    insert into reminders (task_id, channel, recipient, remind_at, next_attempt_at)
    select ${taskId}, ${channel}::reminder_channel, r, ${at}, ${at}
    from jsonb_array_elements_text(${JSON.stringify(recipients)}::text::jsonb) as r
    returning id, recipient`;
  return rows;
}

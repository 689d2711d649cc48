import type { RunningWorker } from "../../scripts/lib/wrangler.ts";
import { providerVars, type Received, startFakeProviders } from "../../test/setup/fakes.ts";
import { percentile, type Row, round, type ScenarioResult } from "../lib/result.ts";
import { ADMIN_TOKEN, type BenchDatabase, startApp } from "../lib/stack.ts";
import { trackStatements } from "../lib/statements.ts";

const SCENARIO = "6 reminder lateness";
const MINUTE = 60_000;

/** The reminders this run makes, spread evenly over `windowMs` from `startAt`, one Telegram chat each. */
async function createReminders(app: RunningWorker, tag: string, count: number, startAt: number, windowMs: number) {
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" };
  const task = await fetch(`${app.url}/tasks`, {
    method: "POST",
    headers,
    body: JSON.stringify({ title: `Lateness ${tag}` }),
  }).then((res) => res.json() as Promise<{ id: string }>);
  const due = new Map<string, number>();
  const jobs = Array.from({ length: count }, (_, i) => i);
  // Through REST, as agents do: each create nudges the clock after it commits.
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = jobs.shift(); i !== undefined; i = jobs.shift()) {
        const chat = `-100${tag}${String(i).padStart(5, "0")}`;
        const at = startAt + Math.round((i * windowMs) / count);
        const res = await fetch(`${app.url}/reminders`, {
          method: "POST",
          headers,
          body: JSON.stringify({
            task_id: task.id,
            remind_at: new Date(at).toISOString(),
            channel: "telegram",
            recipient: chat,
          }),
        });
        if (res.status !== 201) throw new Error(`creating a reminder failed: ${res.status} ${await res.text()}`);
        due.set(chat, at);
      }
    }),
  );
  return due;
}

/**
 * One mode under `wrangler dev`: `count` reminders due over `windowMs`, the cron triggered on every
 * minute as Cloudflare would (wrangler dev runs it only when asked), until all have reached the fake.
 * Lateness is when the fake received each message minus its `remind_at`.
 */
async function runMode(
  db: BenchDatabase,
  databaseUrl: string,
  options: { clock: "on" | "off"; count: number; windowMs: number; tag: string },
) {
  const fakes = await startFakeProviders();
  const app = await startApp(databaseUrl, { ...providerVars(fakes), SCAN_CLOCK: options.clock }, { logLevel: "log" });
  try {
    const startAt = Date.now() + 10_000;
    const due = await createReminders(app, options.tag, options.count, startAt, options.windowMs);
    const statements = await trackStatements(db.sql);
    const outputFrom = app.output().length;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cron = () => {
      timer = setTimeout(
        () => {
          void fetch(`${app.url}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`).catch(() => {});
          cron();
        },
        MINUTE - (Date.now() % MINUTE),
      );
    };
    cron();
    const deadline = startAt + options.windowMs + 2 * MINUTE + 30_000;
    let got: Received[] = [];
    try {
      while (Date.now() < deadline) {
        const res = await fetch(`${fakes.control.telegram}/__control/received?prefix=-100${options.tag}`);
        got = ((await res.json()) as { received: Received[] }).received;
        if (got.length >= options.count) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } finally {
      clearTimeout(timer);
    }
    const spent = await statements.stop();
    if (got.length < options.count)
      throw new Error(`${options.clock}: ${got.length} of ${options.count} delivered by the deadline`);
    const lateness = got.map((call) => Date.parse(call.at) - due.get(call.to)!);
    const log = app.output().slice(outputFrom);
    const alarmRuns = (log.match(/"trigger":"alarm"/g) ?? []).length;
    const calls = spent.reduce((sum, s) => sum + s.calls, 0);
    return {
      lateness,
      alarmRuns,
      statementsPerReminder: calls / options.count,
      duplicates: got.length - new Set(got.map((c) => c.to)).size,
    };
  } finally {
    await app.stop();
    await fakes.stop();
  }
}

/**
 * Scenario 6: how late reminders arrive, with the reminder clock (a Durable Object alarm at the
 * earliest due reminder) against the per-minute cron alone (SCAN_CLOCK=off), same reminders, same run.
 */
export async function reminderLateness({
  quick,
  db,
  databaseUrl,
}: {
  quick: boolean;
  db: BenchDatabase;
  databaseUrl: string;
}): Promise<ScenarioResult> {
  const count = quick ? 100 : 1000;
  const windowMs = quick ? 20_000 : 2 * MINUTE;
  const rows: Row[] = [];
  const runs = {
    on: await runMode(db, databaseUrl, { clock: "on", count, windowMs, tag: "61" }),
    off: await runMode(db, databaseUrl, { clock: "off", count, windowMs, tag: "62" }),
  };
  const cronP99 = percentile(runs.off.lateness, 99);
  for (const [mode, run] of Object.entries(runs)) {
    rows.push({
      scenario: SCENARIO,
      case: `${count} reminders over ${windowMs / 1000} s, ${mode === "on" ? "clock (alarm) + cron" : "cron alone (SCAN_CLOCK=off)"}`,
      p50Ms: round(percentile(run.lateness, 50)),
      p99Ms: round(percentile(run.lateness, 99)),
      maxMs: round(Math.max(...run.lateness)),
      limit:
        mode === "on" ? `goal: p99 ≤ 2000 ms; cron alone p99 ${round(cronP99)} ms` : "a minute's cron: up to 60,000 ms",
      ratio: mode === "on" ? round(percentile(run.lateness, 99) / cronP99, 3) : undefined,
      note: `${round(run.statementsPerReminder, 2)} statements per reminder (pg_stat_statements, creates excluded)${mode === "on" ? `, ${run.alarmRuns} alarm runs` : ""}, ${run.duplicates} duplicates`,
    });
  }
  return {
    title: "6. Reminder lateness: the clock against the cron",
    ratioMeaning: "clock p99 ÷ cron-alone p99 (smaller is better)",
    rows,
    notes: [
      "Lateness = when the fake Telegram received the message − the reminder's remind_at. The cron is triggered on each minute boundary, as Cloudflare's `* * * * *` would (before its own up-to-30 s jitter).",
    ],
  };
}

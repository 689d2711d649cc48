import postgres from "postgres";
import { expect, inject, it } from "vitest";
import { createApiClient, unwrap } from "../../client/api";
import { startWranglerDev } from "../../scripts/lib/wrangler.ts";
import { providerVars } from "../setup/fakes.ts";

const ADMIN_TOKEN = "test-admin-token-not-a-secret";

/**
 * A minute on 1 January 1970 that no other test uses: the run delivers what is due by its scheduled
 * time, so it touches only this test's reminder. (The in-pool scheduled test runs on 2 January and
 * may deliver this reminder first if the two overlap; hence the wait below, and the count at the fake.)
 */
const scheduledTime = Date.UTC(1970, 0, 1) + Math.floor(Math.random() * 1440) * 60_000;

it("wrangler dev runs the cron's scan at /cdn-cgi/handler/scheduled, delivering through the configured provider", async () => {
  const fakes = inject("fakes");
  const sql = postgres(inject("databaseUrl"), { max: 1, onnotice: () => {} });
  const worker = await startWranglerDev({
    databaseUrl: inject("databaseUrl"),
    // This Worker shares the workers project's database: its clock would deliver their reminders.
    // The reminder is decades late by the real clock: the missed window off, it is sent, saying so.
    vars: { ADMIN_TOKEN, ...providerVars(fakes), SCAN_CLOCK: "off", REMINDER_MISSED_AFTER_S: "0" },
  });
  try {
    const api = createApiClient(worker.url, ADMIN_TOKEN);
    const chat = `-100${Math.floor(1e9 + Math.random() * 9e9)}`;
    const task = await unwrap(
      api.tasks.$post({ json: { title: `End to end ${crypto.randomUUID()}`, source: "telegram" } }),
    );
    const reminder = await unwrap(
      api.reminders.$post({
        json: {
          task_id: task.id,
          remind_at: new Date(scheduledTime - 60_000).toISOString(),
          channel: "telegram",
          recipient: chat,
        },
      }),
    );

    const run = await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*&time=${scheduledTime}`);
    expect(run.status).toBe(200);

    const read = () => unwrap(api.reminders[":id"].$get({ param: { id: reminder.id } }));
    let current = await read();
    for (let i = 0; i < 50 && !current.sent; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      current = await read();
    }
    expect(current).toMatchObject({
      status: "sent",
      sent: true,
      delivery_state: "delivered",
      attempts: 1,
      last_error: null,
    });

    const calls = (await (await fetch(`${fakes.control.telegram}/__control/received?to=${chat}`)).json()) as any;
    expect(calls.received).toHaveLength(1);
    const setFor = new Date(scheduledTime - 60_000).toISOString().slice(0, 16).replace("T", " ");
    const lines = calls.received[0].body.text.split("\n");
    expect(lines).toEqual([
      `⏰ Reminder: ${task.title}`,
      expect.stringMatching(/^Late by \d+ d( \d+ h)?: it was set for /),
    ]);
    expect(lines[1].endsWith(`: it was set for ${setFor} UTC`)).toBe(true);
    const [delivered] =
      await sql`select count(*)::int as n from changes where entity_id = ${reminder.id} and op = 'delivered'`;
    expect(delivered!.n).toBe(1);
  } catch (err) {
    console.error(worker.output());
    throw err;
  } finally {
    await worker.stop();
  }
});

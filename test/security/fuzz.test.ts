import { env, SELF } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Reminder } from "../../worker/routes/reminders/schemas";
import { Task } from "../../worker/routes/tasks/schemas";
import { BASE, call, database } from "../helpers";

const RUNS = Number((env as { FUZZ_RUNS?: string }).FUZZ_RUNS ?? 150);
const sql = database();
const marker = `fuzz-${crypto.randomUUID().slice(0, 8)}`;

const ROUTES: [string, string][] = [
  ["POST", "/tasks"],
  ["POST", "/tasks/quick"],
  ["GET", "/tasks"],
  ["GET", "/tasks/:id"],
  ["PATCH", "/tasks/:id"],
  ["DELETE", "/tasks/:id"],
  ["POST", "/reminders"],
  ["GET", "/reminders"],
  ["GET", "/reminders/:id"],
  ["PATCH", "/reminders/:id"],
  ["DELETE", "/reminders/:id"],
  ["POST", "/api-keys"],
  ["DELETE", "/api-keys/:id"],
  ["GET", "/agenda"],
];

const weirdString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\ud800",
    "💥".repeat(300),
    "x".repeat(600),
    "'; drop table tasks; --",
  ),
  fc.constantFrom(
    "2026-03-01",
    "2026-03-01T10:00:00",
    "2026-13-01T10:00:00Z",
    "2026-03-01T10:00:00+25:00",
    "Europe/Berlin",
    "Etc/GMT+99",
    "now",
    "1e999",
  ),
  fc.constantFrom("2026-03-01T10:00:00Z", "2026-03-01T10:00:00.123456+05:30"),
);
const scalar = fc.oneof(weirdString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const fieldValue = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.string(), scalar, { maxKeys: 3 }),
);
const plausibleBody = fc.record(
  {
    title: fc.oneof(fieldValue, fc.constant(`${marker} title`)),
    text: fc.oneof(fieldValue, fc.constant(`${marker} tomorrow at 9, remind me 1 hour before`)),
    timezone: fc.oneof(fieldValue, fc.constantFrom("UTC", "America/New_York", "Pacific/Kiritimati")),
    description: fieldValue,
    status: fc.oneof(fieldValue, fc.constantFrom("pending", "completed", "cancelled")),
    source: fc.oneof(fieldValue, fc.constantFrom("telegram", "whatsapp", "ui", "system")),
    due_time: fieldValue,
    task_id: fc.oneof(fieldValue, fc.uuid()),
    remind_at: fieldValue,
    channel: fc.oneof(fieldValue, fc.constantFrom("telegram", "whatsapp", "ui")),
    recipient: fieldValue,
    name: fieldValue,
    scopes: fieldValue,
    extra: fieldValue,
  },
  { requiredKeys: [] },
);
const deep = fc.integer({ min: 1, max: 20_000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`);
const body = fc.oneof(
  plausibleBody.map((b) => JSON.stringify(b)),
  fc.json(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  deep,
  fc.string(),
  fc.uint8Array({ maxLength: 200 }),
  fc.constant(undefined),
);
const pathId = fc.oneof(
  fc.uuid(),
  weirdString.map((s) => encodeURIComponent(s.toWellFormed())),
  fc.constantFrom("%00", "%ZZ", "%FF", "%ED%A0%80", "..", "%2e%2e%2fapi-keys"),
);
const query = fc.dictionary(
  fc.constantFrom(
    "status",
    "source",
    "due_before",
    "due_after",
    "limit",
    "cursor",
    "task_id",
    "sent",
    "channel",
    "from",
    "to",
    "tz",
    "zzz",
  ),
  fc.oneof(weirdString, fc.integer().map(String)),
  { maxKeys: 4 },
);
const headers = fc.record(
  {
    "content-type": fc.constantFrom(
      "application/json",
      "text/plain",
      "application/x-www-form-urlencoded",
      "",
      "application/json; charset=latin1",
    ),
    "if-match": weirdString.map((s) => s.replace(/[^\x20-\x7e]/g, "")),
    "idempotency-key": fc.string({ maxLength: 300 }).map((s) => s.replace(/[^\x20-\x7e]/g, "")),
  },
  { requiredKeys: [] },
);

describe("hostile input", () => {
  it(`never answers 5xx, always problem+json on errors (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        pathId,
        query,
        body,
        headers,
        async ([method, route], id, q, payload, extra) => {
          const path = route.replace(":id", id);
          const res = await SELF.fetch(`${BASE}${path}?${new URLSearchParams(q)}`, {
            method,
            headers: { authorization: `Bearer ${(env as { ADMIN_TOKEN?: string }).ADMIN_TOKEN}`, ...extra },
            body: method === "GET" ? undefined : payload,
          });
          const text = await res.text();
          expect(res.status, `${method} ${path} → ${text.slice(0, 300)}`).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers.get("content-type")).toBe("application/problem+json");
            const problem = JSON.parse(text);
            expect(problem.status).toBe(res.status);
            expect(typeof problem.detail).toBe("string");
          }
        },
      ),
      { numRuns: RUNS },
    );

    // Whatever got through is a valid row: it reads back through the API's own schemas.
    const tasks =
      await sql`select id from tasks where title like ${`%${marker}%`} or created_at > now() - interval '5 minutes'`;
    for (const { id } of tasks.slice(0, 300)) {
      const res = await call("GET", `/tasks/${id}`);
      if (res.status === 404) continue;
      expect(Task.safeParse(res.body).success, JSON.stringify(res.body)).toBe(true);
      expect(res.body.title).toBe(res.body.title.trim());
      expect(res.body.title).not.toContain("\u0000");
    }
    const reminders = await sql`select id from reminders where created_at > now() - interval '5 minutes' limit 300`;
    for (const { id } of reminders) {
      const res = await call("GET", `/reminders/${id}`);
      if (res.status === 404) continue;
      expect(Reminder.safeParse(res.body).success, JSON.stringify(res.body)).toBe(true);
    }
  }, 180_000);
});

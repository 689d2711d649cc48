import { env, SELF } from "cloudflare:test";
import { getTableColumns, sql, type Table } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { BASE, call, testStore } from "../../test/helpers";
import { attachments, people, projects, reminders, tasks } from "../db/schema";
import { type ChangeRowLike, toChange } from "./changes";
import { changeJson } from "./views-json";

const store = testStore();

/** Each row rendered by Postgres next to the row as the driver hands it to `toChange`. */
type Rendered = ChangeRowLike & { rendered: string };

/** The rendered JSON must be toChange's value, keys in the same order. */
function expectSame(rows: Rendered[]) {
  expect(rows.length).toBeGreaterThan(0);
  for (const { rendered, ...row } of rows) {
    const expected = JSON.stringify(toChange(row));
    expect(JSON.stringify(JSON.parse(rendered)), `${row.entity} ${JSON.stringify(row.data)} at ${row.at}`).toBe(
      expected,
    );
  }
}

describe("changes rendered in SQL are toChange's", () => {
  it("for every entity the API writes: tasks, reminders, projects, people and attachments, created, updated, delivered and deleted", async () => {
    const project = await call("POST", "/projects", { name: `Ünïcödé 🎉 ${crypto.randomUUID().slice(0, 8)}` });
    const person = await call("POST", "/people", { name: 'Zoë "Q" \\ O’Brien', timezone: "Asia/Kathmandu" });
    const task = await call("POST", "/tasks", {
      title: "日本語のタスク\twith a tab",
      description: null,
      due_time: "9999-12-31T23:59:59.999Z",
      timezone: "Pacific/Kiritimati",
      labels: ["ü", "emoji 🎉"],
      project_id: project.body.id,
      assignee_id: person.body.id,
    });
    expect([project.status, person.status, task.status]).toEqual([201, 201, 201]);
    const reminder = await call("POST", "/reminders", {
      task_id: task.body.id,
      remind_at: "1970-01-01T00:00:00Z",
      channel: "ui",
    });
    const file = await SELF.fetch(
      `${BASE}/tasks/${task.body.id}/attachments?filename=${encodeURIComponent("ﬁle ☃.txt")}`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${(env as { ADMIN_TOKEN?: string }).ADMIN_TOKEN}`,
          "content-type": "text/plain",
        },
        body: "abc",
      },
    );
    expect([reminder.status, file.status]).toEqual([201, 201]);
    const later = [
      await call("PATCH", `/tasks/${task.body.id}`, { status: "completed", description: "done \u2028 ✓" }),
      await call("DELETE", `/tasks/${task.body.id}`),
      await call("DELETE", `/projects/${project.body.id}`),
      await call("DELETE", `/people/${person.body.id}`),
    ];
    expect(later.map((res) => res.status)).toEqual([200, 204, 204, 204]);

    const ids = [
      project.body.id,
      person.body.id,
      task.body.id,
      reminder.body.id,
      ((await file.json()) as { id: string }).id,
    ];
    const { rows } = await store.db.execute<Rendered>(sql`
      select c.seq, c.entity, c.op, c.entity_id, c.data, c.at, ${sql.raw(changeJson("c"))} as rendered
      from changes c where c.entity_id = any(${`{${ids.join(",")}}`}::uuid[]) order by c.seq`);
    expect(new Set(rows.map((row) => row.entity))).toEqual(
      new Set(["task", "reminder", "project", "person", "attachment"]),
    );
    expectSame(rows);
  });

  /**
   * Instants as the trigger may have captured them: Postgres' own JSON text of each, written in
   * each session time zone (local mean time offsets with seconds before 1900 in New York), from
   * before the instant range to past it, and nulls.
   */
  const INSTANTS = [
    "0001-01-01 00:00:00+00",
    "0001-01-01 00:00:00+00 BC",
    "1800-01-01 00:00:00+00",
    "1969-12-31 23:59:59.9995+00",
    "1970-01-01 00:00:00+00",
    "2026-03-01 09:30:00.123456+00",
    "9999-12-31 23:59:59.999+00",
    "9999-12-31 23:59:59.9999+00",
    "10000-01-01 00:00:00+00",
    "infinity",
    "-infinity",
    null,
  ];
  const ZONES = ["UTC", "America/New_York", "Asia/Kathmandu", "Pacific/Kiritimati", "Pacific/Pago_Pago"];
  const TEXTS = [
    "",
    "plain",
    "Ünïcödé 日本語 🎉 עברית e\u0301",
    'quote " backslash \\ slash /',
    "control \u0001\n\t\r and \u2028\u2029",
  ];

  /** A value for `columnType` in the i-th variant; `instant` is the i-th captured instant's JSON value. */
  function sampleValue(columnType: string, i: number, instant: unknown) {
    switch (columnType) {
      case "PgTimestamp":
        return instant;
      case "PgUUID":
        return i % 3 === 2 ? null : crypto.randomUUID();
      case "PgInteger":
        return [0, -1, 2_147_483_647, null][i % 4];
      case "PgBigInt53":
        return [0, Number.MAX_SAFE_INTEGER, 10 * 1024 * 1024][i % 3];
      case "PgBoolean":
        return i % 2 === 0;
      case "PgArray":
        return [[], ["a", "ü 🎉"], null][i % 3];
      case "PgDateString":
        return ["1970-01-02", "9999-12-30", null][i % 3];
      case "PgTimestampString":
        return "2026-03-01T09:30:00";
      default:
        return i % 6 === 5 ? null : TEXTS[i % TEXTS.length];
    }
  }

  const TABLES: [ChangeRowLike["entity"], Table][] = [
    ["task", tasks],
    ["reminder", reminders],
    ["project", projects],
    ["person", people],
    ["attachment", attachments],
  ];

  for (const zone of ZONES) {
    it(`for captured rows at the edges, written in ${zone}: instants outside the range, nulls, missing and extra keys, unicode`, async () => {
      await store.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('timezone', ${zone}, true)`);
        const { rows: captured } = await tx.execute<{ json: unknown }>(sql`
          select case when i is null then 'null'::jsonb else to_jsonb(i::timestamptz) end as json
          from unnest(${`{${INSTANTS.map((i) => (i === null ? "NULL" : `"${i}"`)).join(",")}}`}::text[]) with ordinality as u(i, n)
          order by n`);
        const instants = captured.map((row) => row.json);
        const changes: Record<string, unknown>[] = [];
        for (const [entity, table] of TABLES) {
          const columns = Object.values(getTableColumns(table));
          for (let i = 0; i < instants.length + 2; i++) {
            const data: Record<string, unknown> = {};
            columns.forEach((column, c) => {
              data[column.name] = sampleValue(column.columnType, i + c, instants[(i + c) % instants.length]);
            });
            // A row captured before a column existed lacks its key; later triggers add keys no view shows.
            if (i === instants.length) for (const column of columns.slice(1)) delete data[column.name];
            if (i === instants.length + 1) data.not_a_column = "dropped";
            if (entity === "reminder" && i % 3 !== 0) data.timezone = i % 3 === 1 ? "Asia/Kathmandu" : null;
            changes.push({
              seq: changes.length + 1,
              entity,
              op: ["created", "updated", "deleted", "delivered"][i % 4],
              entity_id: crypto.randomUUID(),
              data,
              at: ["2026-03-01 09:30:00.123456+00", "1970-01-01 00:00:00+00", "9999-12-31 23:59:59.999+00"][i % 3],
            });
          }
        }
        const { rows } = await tx.execute<Rendered>(sql`
          select c.seq, c.entity, c.op, c.entity_id, c.data, c.at, ${sql.raw(changeJson("c"))} as rendered
          from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb)
            as c(seq bigint, entity text, op text, entity_id uuid, data jsonb, at timestamptz)
          order by c.seq`);
        expect(rows).toHaveLength(changes.length);
        expectSame(rows);
      });
    });
  }
});

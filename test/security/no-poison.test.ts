import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { call } from "../helpers";
import { openRoomSocket } from "../realtime/helpers";
import { fuzzParameters } from "../rules";

/**
 * Issue #13's "no poison" property: after any sequence of accepted writes, every list, `/changes`
 * from the start of the sequence, `/agenda` and the room's catch-up still answer. The writes lean
 * on the edges where one row used to break every reader: dues at both ends of the instant range,
 * the largest offsets, series stepping towards year 9999, snoozes, moves and deletes.
 */

const EDGE_INSTANTS = [
  "1970-01-01T00:00:00Z",
  "1970-01-01T13:59:59Z",
  "1970-01-02T00:00:00+14:00",
  "2030-06-01T09:00:00Z",
  "9999-12-29T23:00:00Z",
  "9999-12-31T09:59:59+14:00",
  "9999-12-31T23:59:59.999Z",
];
const EDGE_DATES = ["1970-01-02", "2030-06-01", "9999-12-29", "9999-12-30"];
const ZONES = ["UTC", "Pacific/Kiritimati", "Etc/GMT+12", "Europe/Berlin", "America/St_Johns"];
const RULES = [undefined, "FREQ=DAILY", "FREQ=YEARLY", "FREQ=HOURLY;INTERVAL=7", "FREQ=MONTHLY;BYMONTHDAY=-1"];
const OFFSETS = [-527_040, -1_440, -1, 0, 1, 1_440, 527_040];

type Action =
  | {
      kind: "task";
      due: { due_time: string } | { due_date: string } | Record<string, never>;
      timezone: string;
      rrule?: string;
    }
  | { kind: "reminder"; pick: number; at: { offset_minutes: number } | { remind_at: string } }
  | { kind: "move"; pick: number; due: { due_time: string } | { due_date: string } | { due_time: null } }
  | { kind: "complete"; pick: number }
  | { kind: "offset"; pick: number; offset_minutes: number }
  | { kind: "snooze"; pick: number; minutes: number }
  | { kind: "delete"; pick: number; what: "task" | "reminder" };

const due = fc.oneof(
  fc.constantFrom(...EDGE_INSTANTS).map((due_time) => ({ due_time })),
  fc.constantFrom(...EDGE_DATES).map((due_date) => ({ due_date })),
  fc.constant({} as Record<string, never>),
);
const pick = fc.nat(50);
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant("task" as const),
    due,
    timezone: fc.constantFrom(...ZONES),
    rrule: fc.constantFrom(...RULES),
  }),
  fc.record({
    kind: fc.constant("reminder" as const),
    pick,
    at: fc.oneof(
      fc.constantFrom(...OFFSETS).map((offset_minutes) => ({ offset_minutes })),
      fc.constantFrom(...EDGE_INSTANTS).map((remind_at) => ({ remind_at })),
    ),
  }),
  fc.record({
    kind: fc.constant("move" as const),
    pick,
    due: fc.oneof(
      fc.constantFrom(...EDGE_INSTANTS).map((due_time) => ({ due_time })),
      fc.constantFrom(...EDGE_DATES).map((due_date) => ({ due_date })),
      fc.constant({ due_time: null }),
    ),
  }),
  fc.record({ kind: fc.constant("complete" as const), pick }),
  fc.record({ kind: fc.constant("offset" as const), pick, offset_minutes: fc.constantFrom(...OFFSETS) }),
  fc.record({ kind: fc.constant("snooze" as const), pick, minutes: fc.constantFrom(1, 60, 43_200) }),
  fc.record({
    kind: fc.constant("delete" as const),
    pick,
    what: fc.constantFrom("task" as const, "reminder" as const),
  }),
);

const at = <T>(list: T[], n: number) => (list.length ? list[n % list.length] : undefined);

async function apply(a: Action, tasks: string[], reminders: string[]) {
  const task = at(tasks, "pick" in a ? a.pick : 0);
  const reminder = at(reminders, "pick" in a ? a.pick : 0);
  switch (a.kind) {
    case "task": {
      const res = await call("POST", "/tasks", { title: "poison?", ...a.due, timezone: a.timezone, rrule: a.rrule });
      if (res.status === 201) tasks.push(res.body.id);
      return res;
    }
    case "reminder": {
      if (!task) return undefined;
      const res = await call("POST", "/reminders", { task_id: task, channel: "ui", ...a.at });
      if (res.status === 201) reminders.push(res.body.id);
      return res;
    }
    case "move":
      return task ? call("PATCH", `/tasks/${task}`, a.due) : undefined;
    case "complete":
      return task ? call("PATCH", `/tasks/${task}`, { status: "completed" }) : undefined;
    case "offset":
      return reminder ? call("PATCH", `/reminders/${reminder}`, { offset_minutes: a.offset_minutes }) : undefined;
    case "snooze":
      return reminder ? call("POST", `/reminders/${reminder}/snooze`, { minutes: a.minutes }) : undefined;
    case "delete":
      if (a.what === "task") return task ? call("DELETE", `/tasks/${task}`) : undefined;
      return reminder ? call("DELETE", `/reminders/${reminder}`) : undefined;
  }
}

async function everyReadAnswers(since: number, tasks: string[]) {
  const failures: string[] = [];
  const expect200 = async (path: string) => {
    const res = await call("GET", path);
    if (res.status !== 200) failures.push(`${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    return res;
  };
  for (const path of ["/tasks", "/reminders"]) {
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const res = await expect200(`${path}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      cursor = res.body?.next_cursor ?? null;
      if (!cursor) break;
    }
  }
  for (const id of tasks) {
    await expect200(`/tasks/${id}/completions`);
    await expect200(`/reminders?task_id=${id}`);
  }
  for (let cursor = since, pages = 0; pages < 100; pages++) {
    const res = await expect200(`/changes?since=${cursor}&limit=1000`);
    if (!res.body?.has_more) break;
    cursor = res.body.next_since;
  }
  for (const window of [
    "",
    "?from=1970-01-01T00:00:00Z&tz=Pacific%2FKiritimati",
    "?from=9999-12-29T00:00:00Z&to=9999-12-31T23:59:59.999Z&tz=Etc%2FGMT%2B12",
    "?from=9999-12-31T00:00:00Z",
  ])
    await expect200(`/agenda${window}`);
  const room = await openRoomSocket({ since: String(since) });
  const first = await room.next((m) => m.type === "sync.ready" || m.type === "sync.stale", 10_000);
  if (!["sync.ready", "sync.stale"].includes(first.data.type) || room.closed())
    failures.push(`room catch-up from ${since}: ${JSON.stringify(first.data)}`);
  room.close();
  return failures;
}

describe("no poison", () => {
  it("keeps every read answering after any sequence of accepted writes", { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 25 }), async (actions) => {
        const since = (await call("GET", "/changes")).body.next_since as number;
        const tasks: string[] = [];
        const reminders: string[] = [];
        for (const a of actions) {
          const res = await apply(a, tasks, reminders);
          expect(
            res?.status ?? 200,
            `${JSON.stringify(a)}: ${String(JSON.stringify(res?.body)).slice(0, 300)}`,
          ).toBeLessThan(500);
        }
        expect(await everyReadAnswers(since, tasks)).toEqual([]);
      }),
      fuzzParameters(12),
    );
  });
});

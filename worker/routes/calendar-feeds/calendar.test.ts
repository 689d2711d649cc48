import { SELF } from "cloudflare:test";
import ICAL from "ical.js";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, call, expectProblem } from "../../../test/helpers";

/** Fetches a feed as a calendar app does: no Authorization header. */
async function fetchFeed(url: string, headers: Record<string, string> = {}) {
  const res = await SELF.fetch(url.replace(/^https?:\/\/[^/]+/, BASE), { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The feed parsed with ical.js, its zones registered so that local times expand as a client would. */
function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(zone);
  return calendar;
}

const eventOf = (calendar: ICAL.Component, taskId: string) =>
  calendar.getAllSubcomponents("vevent").find((e) => e.getFirstPropertyValue("uid") === `${taskId}@openclaw-sync`);

let feedUrl: string;
beforeAll(async () => {
  const created = await call("POST", "/calendar-feeds", { name: "Test feed" });
  expect(created.status).toBe(201);
  feedUrl = created.body.url;
});

describe("calendar feeds", () => {
  it("are created with a secret address shown once, and listed without it", async () => {
    const created = await call("POST", "/calendar-feeds", {});
    expect(created.body).toMatchObject({ name: "Tasks", revoked_at: null });
    expect(created.body.url).toMatch(/^http:\/\/[^/]+\/calendar\/ocf_[A-Za-z0-9_-]{43}\.ics$/);
    expect(created.body.webcal_url).toBe(created.body.url.replace(/^http:/, "webcal:"));
    const list = await call("GET", "/calendar-feeds");
    const listed = list.body.items.find((f: { id: string }) => f.id === created.body.id);
    expect(listed).toMatchObject({ name: "Tasks", prefix: created.body.url.split("/calendar/")[1].slice(0, 10) });
    expect(listed).not.toHaveProperty("url");
    expect(JSON.stringify(list.body)).not.toContain(created.body.url.split("/calendar/")[1]);
  });

  it("serve pending tasks with a due as events: UID from the task, SEQUENCE its version, parsed by ical.js", async () => {
    const task = await call("POST", "/tasks", {
      title: `Feed ${crypto.randomUUID()}`,
      description: "Bring the forms",
      due_time: "2027-02-10T14:00:00Z",
      timezone: "America/New_York",
    });
    const done = await call("POST", "/tasks", {
      title: "Done already",
      due_time: "2027-02-10T15:00:00Z",
      status: "completed",
    });
    const feed = await fetchFeed(feedUrl);
    expect(feed.status).toBe(200);
    expect(feed.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const event = eventOf(parse(feed.text), task.body.id)!;
    expect(event.getFirstPropertyValue("summary")).toBe(task.body.title);
    expect(event.getFirstPropertyValue("description")).toBe("Bring the forms");
    expect(event.getFirstPropertyValue("sequence")).toBe(task.body.version);
    const start = event.getFirstProperty("dtstart")!;
    expect(start.getParameter("tzid")).toBe("America/New_York");
    expect((start.getFirstValue() as ICAL.Time).toJSDate().toISOString()).toBe("2027-02-10T14:00:00.000Z");
    expect(eventOf(parse(feed.text), done.body.id)).toBeUndefined();
  });

  it("expand a daily 09:00 task in Europe/Berlin to 09:00 local on both sides of the DST change", async () => {
    // 29 March 2027 09:00 CET; Berlin springs forward on Sunday 28 March 2027, so take the autumn:
    // 30 October 2027 09:00 CEST (07:00Z); clocks fall back on 31 October, then 09:00 CET is 08:00Z.
    const task = await call("POST", "/tasks", {
      title: `Daily ${crypto.randomUUID()}`,
      due_time: "2027-10-30T07:00:00Z",
      timezone: "Europe/Berlin",
      rrule: "FREQ=DAILY;COUNT=3",
    });
    expect(task.status).toBe(201);
    const event = new ICAL.Event(eventOf(parse((await fetchFeed(feedUrl)).text), task.body.id)!);
    const iterator = event.iterator();
    const occurrences: string[] = [];
    for (let next = iterator.next(); next; next = iterator.next()) occurrences.push(next.toJSDate().toISOString());
    expect(occurrences).toEqual(["2027-10-30T07:00:00.000Z", "2027-10-31T08:00:00.000Z", "2027-11-01T08:00:00.000Z"]);
    // The rest of a COUNT after the series moved on: completing the first leaves two.
    expect((await call("PATCH", `/tasks/${task.body.id}`, { status: "completed" })).status).toBe(200);
    const moved = new ICAL.Event(eventOf(parse((await fetchFeed(feedUrl)).text), task.body.id)!);
    const left: string[] = [];
    const it2 = moved.iterator();
    for (let next = it2.next(); next; next = it2.next()) left.push(next.toJSDate().toISOString());
    expect(left).toEqual(["2027-10-31T08:00:00.000Z", "2027-11-01T08:00:00.000Z"]);
  });

  it("show an all-day task as a DATE, and reminders as alarms", async () => {
    const task = await call("POST", "/tasks", {
      title: `All day ${crypto.randomUUID()}`,
      due_date: "2027-03-05",
      timezone: "Asia/Tokyo",
    });
    const timed = await call("POST", "/tasks", {
      title: `Alarmed ${crypto.randomUUID()}`,
      due_time: "2027-03-06T10:00:00Z",
    });
    for (const [taskId, offset] of [
      [task.body.id, 0],
      [timed.body.id, -30],
    ] as const) {
      expect(
        (await call("POST", "/reminders", { task_id: taskId, channel: "ui", offset_minutes: offset })).status,
      ).toBe(201);
    }
    const calendar = parse((await fetchFeed(feedUrl)).text);
    const allDay = eventOf(calendar, task.body.id)!;
    const start = allDay.getFirstPropertyValue("dtstart") as ICAL.Time;
    expect(start.isDate).toBe(true);
    expect(start.toString()).toBe("2027-03-05");
    // ALL_DAY_REMINDER_HOUR (09:00) on its date: 9 hours after the date's start.
    const [allDayAlarm] = allDay.getAllSubcomponents("valarm");
    expect(allDayAlarm!.getFirstProperty("trigger")!.getParameter("related")).toBe("START");
    expect((allDayAlarm!.getFirstPropertyValue("trigger") as ICAL.Duration).toSeconds()).toBe(9 * 3600);
    const [alarm] = eventOf(calendar, timed.body.id)!.getAllSubcomponents("valarm");
    expect((alarm!.getFirstPropertyValue("trigger") as ICAL.Duration).toSeconds()).toBe(-30 * 60);
  });

  it("answer 304 to an unchanged If-None-Match, and a new ETag once a task changes", async () => {
    const first = await fetchFeed(feedUrl);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await fetchFeed(feedUrl, { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
    await call("POST", "/tasks", { title: `Change ${crypto.randomUUID()}`, due_time: "2027-04-01T10:00:00Z" });
    const changed = await fetchFeed(feedUrl, { "if-none-match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
  });

  it("answer 404 once revoked, and to any address that is not a live feed's", async () => {
    const created = await call("POST", "/calendar-feeds", { name: "Doomed" });
    expect((await fetchFeed(created.body.url)).status).toBe(200);
    expect((await call("DELETE", `/calendar-feeds/${created.body.id}`)).status).toBe(204);
    expect((await call("DELETE", `/calendar-feeds/${created.body.id}`)).status).toBe(204);
    expect((await fetchFeed(created.body.url)).status).toBe(404);
    const token = created.body.url.split("/calendar/")[1].slice(0, -4);
    for (const file of [`${token}`, `${token}.ics.ics`, `ocf_${"A".repeat(43)}.ics`, "..%2F..%2Fetc.ics", "x.ics"]) {
      const res = await call("GET", `/calendar/${file}`, undefined, { authorization: "" });
      expectProblem(res, 404);
    }
    expect((await call("GET", `/calendar-feeds`)).body.items.map((f: { id: string }) => f.id)).not.toContain(
      created.body.id,
    );
  });
});

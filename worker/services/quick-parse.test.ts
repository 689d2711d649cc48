import { describe, expect, it } from "vitest";
import { parseQuickText } from "./quick-parse";

// Saturday 13 March 2027, 10:00 in New York (EST), the day before the US springs forward (02:00 on
// Sunday 14 March becomes 03:00 EDT); 16:00 in Berlin (CET until 28 March); 00:00 on Sunday in Tokyo.
const NOW = new Date("2027-03-13T15:00:00Z");

const parse = (text: string, timezone: string, now = NOW) => parseQuickText(text, { now, timezone });
const at = (instant: number | undefined) => (instant === undefined ? undefined : new Date(instant).toISOString());

describe("quick add: reading a due", () => {
  // [text, zone, title, due instant (UTC) or all-day date, wall time in the zone]
  const timed: [string, string, string, string, string][] = [
    // The wall time is read in the zone after the DST change: 09:00 EDT is 13:00Z, not 14:00Z.
    [
      "call the dentist tomorrow at 9",
      "America/New_York",
      "call the dentist",
      "2027-03-14T13:00:00.000Z",
      "2027-03-14T09:00:00",
    ],
    // 02:30 does not exist that night; RFC 5545 reads it with the offset before the gap (03:30 EDT).
    ["call mom tomorrow at 2:30am", "America/New_York", "call mom", "2027-03-14T07:30:00.000Z", "2027-03-14T03:30:00"],
    ["Dentist on March 20 at 9:30.", "Europe/Berlin", "Dentist", "2027-03-20T08:30:00.000Z", "2027-03-20T09:30:00"],
    // Berlin falls back at 03:00 CEST on 31 October 2027: 02:30 happens twice, and is the first (CEST).
    [
      "turn the clocks on October 31 at 2:30",
      "Europe/Berlin",
      "turn the clocks",
      "2027-10-31T00:30:00.000Z",
      "2027-10-31T02:30:00",
    ],
    // chrono's forwardDate: a time already past today is tomorrow's.
    ["lunch with Sam at noon", "UTC", "lunch with Sam", "2027-03-14T12:00:00.000Z", "2027-03-14T12:00:00"],
    ["team call at 8pm", "Asia/Tokyo", "team call", "2027-03-14T11:00:00.000Z", "2027-03-14T20:00:00"],
    // A zone named in the text is how the time is read; the wall time is still shown in the task's zone.
    ["standup at 9 EST tomorrow", "Europe/Berlin", "standup", "2027-03-14T14:00:00.000Z", "2027-03-14T15:00:00"],
    ["stretch in 20 minutes", "Europe/Berlin", "stretch", "2027-03-13T15:20:00.000Z", "2027-03-13T16:20:00"],
  ];
  for (const [text, zone, title, instant, local] of timed) {
    it(`"${text}" in ${zone} is due ${instant}`, async () => {
      const { title: read, due } = await parse(text, zone);
      expect(read).toBe(title);
      expect(due).toMatchObject({ all_day: false, local });
      expect(at(due?.all_day === false ? due.instant : undefined)).toBe(instant);
    });
  }

  const allDay: [string, string, string, string][] = [
    ["pay rent on the 1st", "UTC", "pay rent", "2027-04-01"],
    ["pay rent on the 13th", "UTC", "pay rent", "2027-03-13"],
    // Tokyo's today is already Sunday the 14th there.
    ["submit report on Friday", "Asia/Tokyo", "submit report", "2027-03-19"],
    ["renew passport tomorrow", "Asia/Tokyo", "renew passport", "2027-03-15"],
    ["water plants in 2 days", "America/New_York", "water plants", "2027-03-15"],
    ["file taxes by April 15", "America/New_York", "file taxes", "2027-04-15"],
  ];
  for (const [text, zone, title, date] of allDay) {
    it(`"${text}" in ${zone} is an all-day task on ${date}`, async () => {
      const parsed = await parse(text, zone);
      expect(parsed.title).toBe(title);
      expect(parsed.due).toMatchObject({ all_day: true, date, local: date });
      expect(parsed.reminder).toBeNull();
    });
  }

  it("counts real minutes across a DST change: 'in 1 hour' at 01:30 EST is 03:30 EDT", async () => {
    const { due } = await parse("check the oven in 1 hour", "America/New_York", new Date("2027-03-14T06:30:00Z"));
    expect(due).toMatchObject({ all_day: false, local: "2027-03-14T03:30:00" });
    expect(at(due?.all_day === false ? due.instant : undefined)).toBe("2027-03-14T07:30:00.000Z");
  });

  it("leaves text without a date undated, and keeps it whole as the title", async () => {
    expect(await parse("buy milk", "Asia/Tokyo")).toEqual({ title: "buy milk", due: null, reminder: null });
  });

  it("keeps the whole text as the title when nothing but the date is left", async () => {
    expect((await parse("tomorrow at 9", "UTC")).title).toBe("tomorrow at 9");
  });
});

describe("quick add: reading a reminder", () => {
  it("'remind me 1 hour before' is 60 minutes before the due", async () => {
    const parsed = await parse("pay rent on the 1st, remind me 1 hour before", "UTC");
    expect(parsed.title).toBe("pay rent");
    expect(parsed.due).toMatchObject({ all_day: true, date: "2027-04-01" });
    expect(parsed.reminder).toEqual({ text: "remind me 1 hour before", offset_minutes: -60 });
  });

  it("'Remind me 2 days before' after a sentence", async () => {
    const parsed = await parse("Dentist on March 20 at 9:30. Remind me 2 days before", "Europe/Berlin");
    expect(parsed.title).toBe("Dentist");
    expect(parsed.reminder).toEqual({ text: "Remind me 2 days before", offset_minutes: -2880 });
  });

  it("'and remind me 30 minutes before'", async () => {
    const parsed = await parse("water plants in 2 days and remind me 30 minutes before", "UTC");
    expect(parsed.title).toBe("water plants");
    expect(parsed.reminder).toEqual({ text: "remind me 30 minutes before", offset_minutes: -30 });
  });

  it("'remind me to …' reminds at the due and leaves the task as the title", async () => {
    const parsed = await parse("remind me to stretch in 20 minutes", "Europe/Berlin");
    expect(parsed.title).toBe("stretch");
    expect(parsed.due).toMatchObject({ all_day: false, local: "2027-03-13T16:20:00" });
    expect(parsed.reminder).toEqual({ text: "remind me", offset_minutes: 0 });
  });

  it("'remind me' alone reminds at the due", async () => {
    const parsed = await parse("call Bob tomorrow, remind me", "UTC");
    expect(parsed).toMatchObject({ title: "call Bob", due: { all_day: true, date: "2027-03-14" } });
    expect(parsed.reminder).toEqual({ text: "remind me", offset_minutes: 0 });
  });

  it("a reminder without a date has no due to remind at", async () => {
    const parsed = await parse("remind me sometime", "UTC");
    expect(parsed.due).toBeNull();
    expect(parsed.reminder).toEqual({ text: "remind me", offset_minutes: 0 });
  });

  it("'before' without a duration chrono can read has no offset", async () => {
    const parsed = await parse("pay rent on the 1st, remind me a bit before", "UTC");
    expect(parsed.reminder).toEqual({ text: "remind me a bit before", offset_minutes: null });
  });
});

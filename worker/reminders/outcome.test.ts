import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { readScanConfig } from "../settings/scan";
import { reminderText, truncate } from "./message";
import { backoffSeconds, decideOutcome, UNCONFIGURED_RECHECK_SECONDS } from "./outcome";

const config = readScanConfig(env);
const at = new Date("2030-01-01T09:00:00Z");

describe("backoff", () => {
  it("doubles from SCAN_RETRY_BASE_S up to SCAN_RETRY_MAX_S, jittered between half and all of each step", () => {
    const lowest = (n: number) => backoffSeconds(n, config, () => 0);
    const highest = (n: number) => backoffSeconds(n, config, () => 1);
    expect([1, 2, 3, 4].map(highest)).toEqual([30, 60, 120, 240]);
    expect([1, 2, 3, 4].map(lowest)).toEqual([15, 30, 60, 120]);
    expect(highest(20)).toBe(1800);
    expect(lowest(20)).toBe(900);
  });
});

describe("decideOutcome", () => {
  it("retries a transient failure, after the provider's retry_after when that is later", () => {
    expect(decideOutcome("r", 0, { outcome: "transient", error: "HTTP 500" }, config, at, () => 1)).toEqual({
      id: "r",
      kind: "retry",
      at,
      delaySeconds: 30,
      error: "HTTP 500",
    });
    const limited = decideOutcome(
      "r",
      0,
      { outcome: "transient", error: "429", retryAfterSeconds: 600 },
      config,
      at,
      () => 1,
    );
    expect(limited).toMatchObject({ kind: "retry", delaySeconds: 600 });
  });

  it("fails on the last allowed attempt, and at once on a permanent failure", () => {
    const last = decideOutcome(
      "r",
      config.maxAttempts - 1,
      { outcome: "transient", error: "HTTP 503" },
      config,
      at,
      Math.random,
    );
    expect(last).toEqual({
      id: "r",
      kind: "failed",
      at,
      error: `HTTP 503 (gave up after ${config.maxAttempts} attempts)`,
    });
    expect(decideOutcome("r", 0, { outcome: "permanent", error: "HTTP 400" }, config, at, Math.random)).toEqual({
      id: "r",
      kind: "failed",
      at,
      error: "HTTP 400",
    });
  });

  it("waits, without an attempt, when the channel is not configured", () => {
    expect(
      decideOutcome("r", 3, { outcome: "unconfigured", error: "channel not configured: x" }, config, at, Math.random),
    ).toEqual({
      id: "r",
      kind: "waiting",
      at,
      delaySeconds: UNCONFIGURED_RECHECK_SECONDS,
      error: "channel not configured: x",
    });
  });
});

describe("reminder text", () => {
  const task = { title: "Renew passport", description: null, due_time: null };
  it("leaves out a missing due time and a long description", () => {
    expect(reminderText(task)).toBe("⏰ Reminder: Renew passport");
    expect(reminderText({ ...task, description: "x".repeat(501) })).toBe("⏰ Reminder: Renew passport");
    expect(reminderText({ ...task, description: "  Bring photos  " })).toBe(
      "⏰ Reminder: Renew passport\n\nBring photos",
    );
  });

  it("states the due time in the task's own zone, and an all-day due as a date", () => {
    const due_time = new Date("2026-03-29T07:00:00Z");
    expect(reminderText({ ...task, due_time, timezone: "Europe/Berlin" })).toBe(
      "⏰ Reminder: Renew passport\nDue 2026-03-29 09:00 Europe/Berlin",
    );
    expect(reminderText({ ...task, due_time, timezone: "Asia/Kolkata", due_date: "2026-03-29" })).toBe(
      "⏰ Reminder: Renew passport\nDue 2026-03-29 (all day, Asia/Kolkata)",
    );
  });

  it("stays within the provider's limit without splitting a character", () => {
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(truncate("ab😀cd", 4)).toBe("ab…");
    expect(reminderText({ ...task, title: "t".repeat(5000) }).length).toBe(4096);
  });
});

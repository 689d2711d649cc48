import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { readScanConfig } from "./scan";

const read = (overrides: Record<string, string>) => () => readScanConfig({ ...env, ...overrides });

describe("readScanConfig", () => {
  it("reads wrangler.toml's defaults, with a channel per configured provider", () => {
    const config = readScanConfig(env);
    expect(config).toMatchObject({
      batchSize: 50,
      budgetMs: 25_000,
      maxPerRun: 1000,
      leaseSeconds: 120,
      concurrency: 6,
      maxAttempts: 8,
      retryBaseSeconds: 30,
      retryMaxSeconds: 1800,
      providerTimeoutMs: 10_000,
      lateAfterSeconds: 300,
      missedAfterSeconds: 21_600,
      defaultRecipients: { telegram: undefined, whatsapp: undefined },
      openclaw: undefined,
    });
    expect(config.telegram?.apiBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The tests' own template (vitest.config.ts); wrangler.toml leaves it unset.
    expect(config.whatsapp?.template).toEqual({ name: "task_reminder", language: "en_US" });
    expect(
      read({ TELEGRAM_ALLOWED_CHAT_IDS: "", TELEGRAM_DEFAULT_TZ: "", TELEGRAM_DEFAULT_CHAT_ID: "42" })().telegram,
    ).toMatchObject({ allowedChatIds: ["42"], defaultTz: "UTC" });
  });

  it("treats an empty variable as unset", () => {
    const config = read({ TELEGRAM_BOT_TOKEN: "", SCAN_BATCH_SIZE: "", TELEGRAM_API_BASE: "" })();
    expect(config.telegram).toBeUndefined();
    expect(config.batchSize).toBe(50);
  });

  it("names every bad variable in one error", () => {
    expect(read({ SCAN_BATCH_SIZE: "lots", SCAN_CONCURRENCY: "0", TELEGRAM_API_BASE: "ftp://x" })).toThrow(
      [
        "Invalid reminder scan configuration:",
        "- SCAN_BATCH_SIZE: must be a whole number from 1 to 1000 (got 'lots')",
        "- SCAN_CONCURRENCY: must be a whole number from 1 to 100 (got '0')",
        "- TELEGRAM_API_BASE: must be an http(s) URL",
      ].join("\n"),
    );
  });

  const mistakes: [string, Record<string, string>, string][] = [
    [
      "a WhatsApp token without a phone-number id",
      { WHATSAPP_PHONE_NUMBER_ID: "" },
      "WHATSAPP_PHONE_NUMBER_ID: required when WHATSAPP_TOKEN is set",
    ],
    [
      "a template without its language",
      { WHATSAPP_TEMPLATE_NAME: "task_reminder", WHATSAPP_TEMPLATE_LANGUAGE: "" },
      "WHATSAPP_TEMPLATE_LANGUAGE: required when WHATSAPP_TEMPLATE_NAME is set",
    ],
    [
      "a gateway URL without its token",
      { OPENCLAW_HOOKS_URL: "http://127.0.0.1:18789" },
      "OPENCLAW_HOOKS_TOKEN: required when OPENCLAW_HOOKS_URL is set",
    ],
    [
      "a default chat that is not a chat id",
      { TELEGRAM_DEFAULT_CHAT_ID: "me" },
      "TELEGRAM_DEFAULT_CHAT_ID: must be a Telegram chat id",
    ],
    [
      "a default number without its +",
      { WHATSAPP_DEFAULT_TO: "14155550123" },
      "WHATSAPP_DEFAULT_TO: must be a phone number in E.164",
    ],
    [
      "a webhook secret with characters Telegram refuses",
      { TELEGRAM_WEBHOOK_SECRET: "not allowed: spaces!" },
      "TELEGRAM_WEBHOOK_SECRET: must be 16–256 characters",
    ],
    ["an unknown chat zone", { TELEGRAM_DEFAULT_TZ: "Mars/Olympus" }, "TELEGRAM_DEFAULT_TZ: 'Mars/Olympus' is not"],
    [
      "an allowed chat that is not a chat id",
      { TELEGRAM_ALLOWED_CHAT_IDS: "42,me" },
      "TELEGRAM_ALLOWED_CHAT_IDS: 'me'",
    ],
    [
      "an allowed number without its +",
      { WHATSAPP_ALLOWED_NUMBERS: "15550001001" },
      "WHATSAPP_ALLOWED_NUMBERS: '15550001001'",
    ],
    [
      "a retry cap below the base",
      { SCAN_RETRY_BASE_S: "60", SCAN_RETRY_MAX_S: "30" },
      "SCAN_RETRY_MAX_S: must not be below",
    ],
    [
      "a missed window no longer than the late one",
      { REMINDER_LATE_AFTER_S: "600", REMINDER_MISSED_AFTER_S: "600" },
      "REMINDER_MISSED_AFTER_S: must be above REMINDER_LATE_AFTER_S, or 0 to send however late",
    ],
    [
      "a late window under a minute",
      { REMINDER_LATE_AFTER_S: "30" },
      "REMINDER_LATE_AFTER_S: must be a whole number from 60 to 31622400 (got '30')",
    ],
    [
      "a session key prefix that leaves no room for the reminder's id",
      { OPENCLAW_SESSION_KEY_PREFIX: "p".repeat(201) },
      "OPENCLAW_SESSION_KEY_PREFIX: must be at most 200 characters",
    ],
    [
      "a lease shorter than a batch can take",
      { SCAN_LEASE_S: "30" },
      "SCAN_LEASE_S: must be at least 35 (SCAN_BUDGET_MS in seconds + 10)",
    ],
  ];
  for (const [what, overrides, message] of mistakes) {
    it(`refuses ${what}`, () => {
      expect(read(overrides)).toThrow(message);
    });
  }

  it("turns on the template and the gateway when they are fully set", () => {
    const config = read({
      WHATSAPP_TEMPLATE_NAME: "task_reminder",
      WHATSAPP_TEMPLATE_LANGUAGE: "en_US",
      OPENCLAW_HOOKS_URL: "https://gateway.example.com/",
      OPENCLAW_HOOKS_TOKEN: "t",
      WHATSAPP_DEFAULT_TO: "+14155550123",
    })();
    expect(config.whatsapp?.template).toEqual({ name: "task_reminder", language: "en_US" });
    // The gateway's defaults: no agent named, no session key sent, a 15 s wait for the completion.
    expect(config.openclaw).toEqual({
      url: "https://gateway.example.com",
      token: "t",
      agentId: undefined,
      sessionKeyPrefix: undefined,
      confirmWaitMs: 15_000,
    });
    expect(config.defaultRecipients.whatsapp).toBe("+14155550123");
  });

  it("turns the missed window off with REMINDER_MISSED_AFTER_S=0, and reads the gateway's options", () => {
    expect(read({ REMINDER_MISSED_AFTER_S: "0" })().missedAfterSeconds).toBeUndefined();
    const config = read({
      OPENCLAW_HOOKS_URL: "http://127.0.0.1:18789",
      OPENCLAW_HOOKS_TOKEN: "t",
      OPENCLAW_AGENT_ID: "main",
      OPENCLAW_SESSION_KEY_PREFIX: "openclaw-sync:",
      OPENCLAW_CONFIRM_WAIT_MS: "0",
    })();
    expect(config.openclaw).toMatchObject({ agentId: "main", sessionKeyPrefix: "openclaw-sync:", confirmWaitMs: 0 });
  });
});

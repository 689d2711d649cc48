import { z } from "zod";
import { recipientProblem } from "../services/recipients";
import { normalizeTimeZone } from "../time/zone";
import { SettingsError } from "./errors";
import { baseUrl, count, issueLines, list, oneOf, optional, url } from "./vars";

export interface TelegramConfig {
  token: string;
  apiBase: string;
  /**
   * TELEGRAM_WEBHOOK_SECRET: what Telegram sends back in `X-Telegram-Bot-Api-Secret-Token`, and the
   * key that signs the reminder buttons' `callback_data`. Unset: no webhook and no buttons.
   */
  webhookSecret?: string;
  /** Chats whose commands (/today, /add) the bot answers: TELEGRAM_ALLOWED_CHAT_IDS, else the default chat. */
  allowedChatIds: string[];
  /** The zone /today's days are counted in. */
  defaultTz: string;
}

export interface WhatsAppConfig {
  token: string;
  phoneNumberId: string;
  apiBase: string;
  /** An approved message template: the only kind of message delivered outside the 24-hour window. */
  template?: { name: string; language: string };
  /**
   * WHATSAPP_APP_SECRET: the Meta app's secret, which signs its webhooks (`X-Hub-Signature-256`) and
   * here also the reply buttons' ids. Unset: no webhook, and reminders go out without buttons.
   */
  appSecret?: string;
  /** WHATSAPP_VERIFY_TOKEN: what Meta's one-time webhook handshake must present. */
  verifyToken?: string;
  /** WhatsApp ids (digits) whose `today` and `add` are answered: WHATSAPP_ALLOWED_NUMBERS, else the default number. */
  allowedNumbers: string[];
  /** The zone `today` counts days in. */
  defaultTz: string;
}

export interface OpenClawConfig {
  url: string;
  token: string;
  /** `agentId`: the gateway's configured agent that delivers reminders; unset means its default. */
  agentId?: string;
  /**
   * Sent as `sessionKey` (this prefix and the reminder's id) only when set: the gateway refuses a
   * request's session key unless its operator set `hooks.allowRequestSessionKey`.
   */
  sessionKeyPrefix?: string;
  /** How long one delivery may wait for the gateway's `completion` after admission; 0 never waits. */
  confirmWaitMs: number;
}

export interface ScanConfig {
  /** Reminders claimed per statement. */
  batchSize: number;
  /** Wall-clock milliseconds a run may spend: no provider call outlasts it, and untried claims are released. */
  budgetMs: number;
  /** Deliveries per run at most: each is a subrequest, and a Worker invocation has a plan-wide cap. */
  maxPerRun: number;
  /** How long a claim holds; a scan that dies leaves its batch to the next scan after this. */
  leaseSeconds: number;
  /** Deliveries in flight at once (a Worker has at most 6 outgoing connections waiting for headers). */
  concurrency: number;
  /** Provider attempts before a reminder that keeps failing transiently is marked failed. */
  maxAttempts: number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  /** A provider call slower than this is abandoned and retried later. */
  providerTimeoutMs: number;
  /** Whether the reminder clock (a Durable Object alarm) delivers on the second; off: the cron alone. */
  clock: boolean;
  /** A reminder sent more than this many seconds after its time says it is late, and when it was for. */
  lateAfterSeconds: number;
  /** A reminder this many seconds past its time is not sent any more but marked missed; undefined: never. */
  missedAfterSeconds?: number;
  /** Who a reminder without its own recipient goes to, per channel. */
  defaultRecipients: { telegram?: string; whatsapp?: string };
  telegram?: TelegramConfig;
  whatsapp?: WhatsAppConfig;
  openclaw?: OpenClawConfig;
}

/** 366 days: the longest lateness windows accepted. */
const YEAR_S = 366 * 86_400;

const schema = z.object({
  SCAN_BATCH_SIZE: count(50, 1, 1000),
  SCAN_BUDGET_MS: count(25_000, 1000, 900_000),
  SCAN_MAX_PER_RUN: count(1000, 1, 100_000),
  SCAN_LEASE_S: count(120, 10, 3600),
  SCAN_CONCURRENCY: count(6, 1, 100),
  SCAN_MAX_ATTEMPTS: count(8, 1, 100),
  SCAN_RETRY_BASE_S: count(30, 1, 86_400),
  SCAN_RETRY_MAX_S: count(1800, 1, 86_400),
  PROVIDER_TIMEOUT_MS: count(10_000, 100, 120_000),
  SCAN_CLOCK: oneOf(["on", "off"], "on"),
  REMINDER_LATE_AFTER_S: count(300, 60, YEAR_S),
  REMINDER_MISSED_AFTER_S: count(21_600, 0, YEAR_S),
  TELEGRAM_BOT_TOKEN: optional,
  TELEGRAM_API_BASE: baseUrl("https://api.telegram.org"),
  TELEGRAM_DEFAULT_CHAT_ID: optional,
  // Telegram allows 1–256 characters of A–Z, a–z, 0–9, _ and - (core.telegram.org/bots/api#setwebhook).
  TELEGRAM_WEBHOOK_SECRET: optional.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16–256 characters of A–Z, a–z, 0–9, _ and - (Telegram's rule)")
      .optional(),
  ),
  TELEGRAM_ALLOWED_CHAT_IDS: list,
  TELEGRAM_DEFAULT_TZ: optional,
  WHATSAPP_TOKEN: optional,
  WHATSAPP_PHONE_NUMBER_ID: optional,
  WHATSAPP_API_BASE: baseUrl("https://graph.facebook.com/v21.0"),
  WHATSAPP_DEFAULT_TO: optional,
  WHATSAPP_TEMPLATE_NAME: optional,
  WHATSAPP_TEMPLATE_LANGUAGE: optional,
  WHATSAPP_APP_SECRET: optional,
  WHATSAPP_VERIFY_TOKEN: optional,
  WHATSAPP_ALLOWED_NUMBERS: list,
  WHATSAPP_DEFAULT_TZ: optional,
  OPENCLAW_HOOKS_URL: url,
  OPENCLAW_HOOKS_TOKEN: optional,
  OPENCLAW_AGENT_ID: optional.pipe(z.string().max(128, "must be at most 128 characters").optional()),
  // The gateway uses replay and session keys of at most 256 characters; a reminder's id adds 36.
  OPENCLAW_SESSION_KEY_PREFIX: optional.pipe(z.string().max(200, "must be at most 200 characters").optional()),
  OPENCLAW_CONFIRM_WAIT_MS: count(15_000, 0, 120_000),
});

type Vars = z.output<typeof schema>;

/** Checks across variables: settings that only work together, and defaults that must suit their channel. */
function crossChecks(v: Vars): string[] {
  const problems: string[] = [];
  const together = (names: (keyof Vars)[]) => {
    const set = names.filter((n) => v[n] !== undefined);
    if (set.length > 0 && set.length < names.length) {
      const missing = names.filter((n) => v[n] === undefined);
      problems.push(`${missing.join(", ")}: required when ${set.join(", ")} is set`);
    }
  };
  together(["WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"]);
  together(["WHATSAPP_TEMPLATE_NAME", "WHATSAPP_TEMPLATE_LANGUAGE"]);
  together(["OPENCLAW_HOOKS_URL", "OPENCLAW_HOOKS_TOKEN"]);
  const telegramDefault = recipientProblem("telegram", v.TELEGRAM_DEFAULT_CHAT_ID);
  if (telegramDefault) problems.push(`TELEGRAM_DEFAULT_CHAT_ID: ${telegramDefault}`);
  for (const id of v.TELEGRAM_ALLOWED_CHAT_IDS) {
    const problem = recipientProblem("telegram", id);
    if (problem) problems.push(`TELEGRAM_ALLOWED_CHAT_IDS: '${id}': ${problem}`);
  }
  for (const name of ["TELEGRAM_DEFAULT_TZ", "WHATSAPP_DEFAULT_TZ"] as const) {
    const zone = v[name];
    if (zone && !normalizeTimeZone(zone)) problems.push(`${name}: '${zone}' is not an IANA time zone`);
  }
  for (const number of v.WHATSAPP_ALLOWED_NUMBERS) {
    const problem = recipientProblem("whatsapp", number);
    if (problem) problems.push(`WHATSAPP_ALLOWED_NUMBERS: '${number}': ${problem}`);
  }
  const whatsappDefault = recipientProblem("whatsapp", v.WHATSAPP_DEFAULT_TO);
  if (whatsappDefault) problems.push(`WHATSAPP_DEFAULT_TO: ${whatsappDefault}`);
  if (v.REMINDER_MISSED_AFTER_S !== 0 && v.REMINDER_MISSED_AFTER_S <= v.REMINDER_LATE_AFTER_S) {
    problems.push("REMINDER_MISSED_AFTER_S: must be above REMINDER_LATE_AFTER_S, or 0 to send however late");
  }
  if (v.SCAN_RETRY_MAX_S < v.SCAN_RETRY_BASE_S) problems.push("SCAN_RETRY_MAX_S: must not be below SCAN_RETRY_BASE_S");
  // A live scan's lease must outlast its run (deliveries end by the budget; 10 s more for the last
  // write), or a second scan could take over a batch that is still being delivered.
  const longestHoldS = Math.ceil(v.SCAN_BUDGET_MS / 1000) + 10;
  if (v.SCAN_LEASE_S < longestHoldS) {
    problems.push(`SCAN_LEASE_S: must be at least ${longestHoldS} (SCAN_BUDGET_MS in seconds + 10)`);
  }
  return problems;
}

/**
 * Reads and checks the scan's settings. Throws one error naming every bad variable, so a broken
 * deploy says exactly what to fix in the cron's logs instead of failing reminders one by one.
 */
export function readScanConfig(env: object): ScanConfig {
  const parsed = schema.safeParse(env);
  const problems = parsed.success ? crossChecks(parsed.data) : issueLines(parsed.error);
  if (!parsed.success || problems.length > 0) {
    throw new SettingsError(`Invalid reminder scan configuration:\n- ${problems.join("\n- ")}`);
  }
  const v = parsed.data;
  return {
    batchSize: v.SCAN_BATCH_SIZE,
    budgetMs: v.SCAN_BUDGET_MS,
    maxPerRun: v.SCAN_MAX_PER_RUN,
    leaseSeconds: v.SCAN_LEASE_S,
    concurrency: v.SCAN_CONCURRENCY,
    maxAttempts: v.SCAN_MAX_ATTEMPTS,
    retryBaseSeconds: v.SCAN_RETRY_BASE_S,
    retryMaxSeconds: v.SCAN_RETRY_MAX_S,
    providerTimeoutMs: v.PROVIDER_TIMEOUT_MS,
    clock: v.SCAN_CLOCK === "on",
    lateAfterSeconds: v.REMINDER_LATE_AFTER_S,
    missedAfterSeconds: v.REMINDER_MISSED_AFTER_S || undefined,
    defaultRecipients: { telegram: v.TELEGRAM_DEFAULT_CHAT_ID, whatsapp: v.WHATSAPP_DEFAULT_TO },
    telegram: v.TELEGRAM_BOT_TOKEN
      ? {
          token: v.TELEGRAM_BOT_TOKEN,
          apiBase: v.TELEGRAM_API_BASE,
          webhookSecret: v.TELEGRAM_WEBHOOK_SECRET,
          allowedChatIds:
            v.TELEGRAM_ALLOWED_CHAT_IDS.length > 0
              ? v.TELEGRAM_ALLOWED_CHAT_IDS
              : v.TELEGRAM_DEFAULT_CHAT_ID
                ? [v.TELEGRAM_DEFAULT_CHAT_ID]
                : [],
          defaultTz: (v.TELEGRAM_DEFAULT_TZ && normalizeTimeZone(v.TELEGRAM_DEFAULT_TZ)) || "UTC",
        }
      : undefined,
    whatsapp:
      v.WHATSAPP_TOKEN && v.WHATSAPP_PHONE_NUMBER_ID
        ? {
            token: v.WHATSAPP_TOKEN,
            phoneNumberId: v.WHATSAPP_PHONE_NUMBER_ID,
            apiBase: v.WHATSAPP_API_BASE,
            template:
              v.WHATSAPP_TEMPLATE_NAME && v.WHATSAPP_TEMPLATE_LANGUAGE
                ? { name: v.WHATSAPP_TEMPLATE_NAME, language: v.WHATSAPP_TEMPLATE_LANGUAGE }
                : undefined,
            appSecret: v.WHATSAPP_APP_SECRET,
            verifyToken: v.WHATSAPP_VERIFY_TOKEN,
            allowedNumbers: (v.WHATSAPP_ALLOWED_NUMBERS.length > 0
              ? v.WHATSAPP_ALLOWED_NUMBERS
              : v.WHATSAPP_DEFAULT_TO
                ? [v.WHATSAPP_DEFAULT_TO]
                : []
            ).map((n) => n.replace(/^\+/, "")),
            defaultTz: (v.WHATSAPP_DEFAULT_TZ && normalizeTimeZone(v.WHATSAPP_DEFAULT_TZ)) || "UTC",
          }
        : undefined,
    openclaw:
      v.OPENCLAW_HOOKS_URL && v.OPENCLAW_HOOKS_TOKEN
        ? {
            url: v.OPENCLAW_HOOKS_URL,
            token: v.OPENCLAW_HOOKS_TOKEN,
            agentId: v.OPENCLAW_AGENT_ID,
            sessionKeyPrefix: v.OPENCLAW_SESSION_KEY_PREFIX,
            confirmWaitMs: v.OPENCLAW_CONFIRM_WAIT_MS,
          }
        : undefined,
  };
}

import { z } from "zod";
import type { TimeSettings } from "../services/task-schedule";
import { SettingsError } from "./errors";
import { readScanConfig, type ScanConfig } from "./scan";
import { count, issueLines, list, oneOf, optional } from "./vars";

export { SettingsError } from "./errors";
export type { ScanConfig } from "./scan";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface HttpSettings {
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** Browser origins allowed by CORS; `*` allows any. */
  corsOrigins: string[];
}

export interface AttachmentSettings {
  /** Largest attachment, in bytes: a bigger upload is refused with 413. */
  maxBytes: number;
}

export interface AuthSettings {
  /** The operator's bootstrap bearer; unset means only API keys authenticate. */
  adminToken?: string;
}

export interface DatabaseSettings {
  connectTimeoutSeconds: number;
  statementTimeoutMs: number;
}

export interface RealtimeSettings {
  /** Signs room tokens; unset means the room admits no one. */
  secret?: string;
  tokenTtlSeconds: number;
  /** The room closes a socket this long after it connected, so its client reconnects with a fresh token. */
  maxSessionSeconds: number;
}

export interface RetentionSettings {
  /** Hours of change history that GET /changes keeps. */
  changesHours: number;
}

export interface WebhookSettings {
  /** Key material the subscription secrets are sealed with: WEBHOOK_SECRETS_KEY, else ADMIN_TOKEN. */
  secretsKey?: string;
  /** Whether `http:` URLs to localhost or 127.0.0.1 are allowed (development only). */
  allowHttp: boolean;
  /** Longest wait for one receiver's answer. */
  timeoutMs: number;
  /** Consecutive failures of one event after which the subscription is disabled (about a day of retries). */
  maxFailures: number;
  /** Days of delivery log kept. */
  logDays: number;
}

/** Every setting of the Worker, parsed and checked once per isolate. */
export interface Settings {
  readonly logLevel: LogLevel;
  readonly http: HttpSettings;
  readonly attachments: AttachmentSettings;
  readonly auth: AuthSettings;
  readonly database: DatabaseSettings;
  readonly time: TimeSettings;
  readonly realtime: RealtimeSettings;
  readonly retention: RetentionSettings;
  readonly scan: ScanConfig;
  readonly webhooks: WebhookSettings;
}

/** A section of the settings: its variables' schema and what it makes of them. */
const section = <S extends z.ZodObject, T>(title: string, schema: S, build: (vars: z.output<S>) => T) => ({
  read(env: object): T {
    const parsed = schema.safeParse(env);
    if (!parsed.success)
      throw new SettingsError(`Invalid ${title} configuration:\n- ${issueLines(parsed.error).join("\n- ")}`);
    return build(parsed.data);
  },
});

const SECTIONS = {
  logLevel: section("log", z.object({ LOG_LEVEL: oneOf(LOG_LEVELS, "info") }), (v) => v.LOG_LEVEL),
  http: section(
    "HTTP",
    z.object({ MAX_BODY_BYTES: count(65_536, 1, 100 * 1024 * 1024), CORS_ORIGINS: list }),
    (v): HttpSettings => ({ maxBodyBytes: v.MAX_BODY_BYTES, corsOrigins: v.CORS_ORIGINS }),
  ),
  attachments: section(
    "attachments",
    // R2 takes up to 5 GiB in one put; a Worker's request body is capped lower by the plan (100 MiB on Free and Pro).
    z.object({ MAX_ATTACHMENT_BYTES: count(10 * 1024 * 1024, 1, 5 * 1024 ** 3) }),
    (v): AttachmentSettings => ({ maxBytes: v.MAX_ATTACHMENT_BYTES }),
  ),
  auth: section("auth", z.object({ ADMIN_TOKEN: optional }), (v): AuthSettings => ({ adminToken: v.ADMIN_TOKEN })),
  database: section(
    "database",
    z.object({ DB_CONNECT_TIMEOUT_S: count(5, 1, 60), DB_STATEMENT_TIMEOUT_MS: count(5000, 100, 300_000) }),
    (v): DatabaseSettings => ({
      connectTimeoutSeconds: v.DB_CONNECT_TIMEOUT_S,
      statementTimeoutMs: v.DB_STATEMENT_TIMEOUT_MS,
    }),
  ),
  time: section(
    "time",
    z.object({ ALL_DAY_REMINDER_HOUR: count(9, 0, 23) }),
    (v): TimeSettings => ({ allDayReminderHour: v.ALL_DAY_REMINDER_HOUR }),
  ),
  realtime: section(
    "realtime",
    z.object({
      REALTIME_SECRET: optional,
      REALTIME_TOKEN_TTL_S: count(60, 5, 86_400),
      REALTIME_MAX_SESSION_S: count(3600, 1, 86_400),
    }),
    (v): RealtimeSettings => ({
      secret: v.REALTIME_SECRET,
      tokenTtlSeconds: v.REALTIME_TOKEN_TTL_S,
      maxSessionSeconds: v.REALTIME_MAX_SESSION_S,
    }),
  ),
  retention: section(
    "retention",
    z.object({ CHANGES_RETENTION_HOURS: count(168, 1, 24 * 366) }),
    (v): RetentionSettings => ({ changesHours: v.CHANGES_RETENTION_HOURS }),
  ),
  scan: { read: readScanConfig },
  webhooks: section(
    "webhooks",
    z.object({
      WEBHOOK_SECRETS_KEY: optional,
      ADMIN_TOKEN: optional,
      WEBHOOKS_ALLOW_HTTP: oneOf(["true", "false"], "false"),
      WEBHOOK_TIMEOUT_MS: count(10_000, 100, 30_000),
      WEBHOOK_MAX_FAILURES: count(14, 1, 100),
      WEBHOOK_LOG_DAYS: count(7, 1, 90),
    }),
    (v): WebhookSettings => ({
      secretsKey: v.WEBHOOK_SECRETS_KEY ?? v.ADMIN_TOKEN,
      allowHttp: v.WEBHOOKS_ALLOW_HTTP === "true",
      timeoutMs: v.WEBHOOK_TIMEOUT_MS,
      maxFailures: v.WEBHOOK_MAX_FAILURES,
      logDays: v.WEBHOOK_LOG_DAYS,
    }),
  ),
} satisfies { [K in keyof Settings]: { read(env: object): Settings[K] } };

const cache = new WeakMap<object, Settings>();

/**
 * The Worker's settings from its environment (wrangler.toml [vars], `.env` locally, secrets), parsed
 * once per isolate: the runtime hands every request and every cron run the same `env` object.
 *
 * Each section is checked on its own and only when first used, so one bad variable fails only the
 * job that needs it (a bad scan setting stops the scan, not pruning or the API). Reading a bad
 * section throws a `SettingsError` naming every bad variable in it.
 */
export function settingsOf(env: object): Settings {
  let settings = cache.get(env);
  if (!settings) {
    const read = new Map<keyof Settings, { value?: unknown; error?: unknown }>();
    settings = {} as Settings;
    for (const name of Object.keys(SECTIONS) as (keyof Settings)[]) {
      Object.defineProperty(settings, name, {
        enumerable: true,
        get() {
          let entry = read.get(name);
          if (!entry) {
            try {
              entry = { value: SECTIONS[name].read(env) };
            } catch (error) {
              entry = { error };
            }
            read.set(name, entry);
          }
          if (entry.error) throw entry.error;
          return entry.value;
        },
      });
    }
    cache.set(env, settings);
  }
  return settings;
}

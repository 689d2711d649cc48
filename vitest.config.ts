import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { configDefaults, defineConfig } from "vitest/config";
import { FAKE_TOKENS, FAKE_WHATSAPP_PHONE_NUMBER_ID } from "./test/setup/fakes.ts";
import { staticImports } from "./test/setup/static-imports.ts";

/** Test-only secrets; tests read them back from the environment to sign and compare. */
const TEST_BINDINGS = {
  ADMIN_TOKEN: "test-admin-token-not-a-secret",
  REALTIME_SECRET: "test-realtime-secret-not-a-secret-0123456789",
  // The chat webhooks: Telegram's secret token, Meta's app secret and verify token.
  TELEGRAM_WEBHOOK_SECRET: "test-telegram-webhook-secret-0123456789",
  TELEGRAM_ALLOWED_CHAT_IDS: "7700001,7700002",
  TELEGRAM_DEFAULT_TZ: "Europe/Berlin",
  WHATSAPP_APP_SECRET: "test-whatsapp-app-secret-not-a-secret",
  WHATSAPP_VERIFY_TOKEN: "test-whatsapp-verify-token",
  WHATSAPP_ALLOWED_NUMBERS: "+15550001001",
  WHATSAPP_DEFAULT_TZ: "America/New_York",
  // An approved template, as Meta's sample names it: what reaches a user outside the 24-hour window.
  WHATSAPP_TEMPLATE_NAME: "task_reminder",
  WHATSAPP_TEMPLATE_LANGUAGE: "en_US",
};

/**
 * The Worker inside workerd, its bindings pointed at the test databases and the fake providers.
 * `database` names the injected database behind HYPERDRIVE; `clock` is SCAN_CLOCK.
 */
function workersProject(options: {
  name: string;
  include: string[];
  exclude: string[];
  database: "databaseUrl" | "clockDatabaseUrl";
  clock: "on" | "off";
}) {
  return {
    plugins: [
      staticImports(),
      cloudflareTest(({ inject }) => ({
        // The source itself, not wrangler.toml's `main` (dist/worker/, the split bundle `wrangler dev` runs):
        // Vite bundles it for the tests, and the Node tests' `wrangler dev` covers the deployed bundle.
        main: "./worker/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          hyperdrives: { HYPERDRIVE: inject(options.database), SCRATCH: inject("scratchDatabaseUrl") },
          bindings: {
            ...TEST_BINDINGS,
            LOG_LEVEL: "warn",
            SCAN_CLOCK: options.clock,
            // More hostile-input cases than CI's default: FUZZ_RUNS=5000 npm test
            ...(process.env.FUZZ_RUNS ? { FUZZ_RUNS: process.env.FUZZ_RUNS } : {}),
            // Providers are the fakes; the OpenClaw gateway stays off unless a test turns it on.
            TELEGRAM_API_BASE: inject("fakes").urls.telegram,
            TELEGRAM_BOT_TOKEN: FAKE_TOKENS.telegram,
            WHATSAPP_API_BASE: inject("fakes").urls.whatsapp,
            WHATSAPP_TOKEN: FAKE_TOKENS.whatsapp,
            WHATSAPP_PHONE_NUMBER_ID: FAKE_WHATSAPP_PHONE_NUMBER_ID,
            // Webhook receivers are the loopback fake (test/setup/webhook-receiver.ts).
            WEBHOOKS_ALLOW_HTTP: "true",
          },
          // The suite makes thousands of requests as one admin; the limit itself is tested under wrangler dev.
          ratelimits: { RATE_LIMITER: { namespace_id: "1001", simple: { limit: 1_000_000, period: 60 } } },
        },
      })),
    ],
    test: {
      name: options.name,
      include: options.include,
      exclude: [...configDefaults.exclude, "test/node/**", "test/e2e/**", "test/faults/**", ...options.exclude],
      testTimeout: 30_000,
    },
  };
}

/**
 * Four projects share one global set-up (the databases and the fake providers): the Worker's tests
 * run inside workerd; `test/node/` runs in Node and starts its own `wrangler dev` where it needs one;
 * `test/e2e/` runs in Node against one shared `wrangler dev` (with the dashboard) and a headless browser.
 */
export default defineConfig({
  test: {
    globalSetup: ["./test/setup/global.ts"],
    projects: [
      workersProject({
        name: "workers",
        include: ["worker/**/*.test.ts", "party/**/*.test.ts", "test/**/*.test.ts"],
        exclude: ["worker/reminders/clock.test.ts"],
        database: "databaseUrl",
        // The clock's alarms would deliver every other test's due reminders; it has its own project.
        clock: "off",
      }),
      workersProject({
        name: "clock",
        include: ["worker/reminders/clock.test.ts"],
        exclude: [],
        database: "clockDatabaseUrl",
        clock: "on",
      }),
      {
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          globalSetup: ["./test/setup/wrangler-dev.ts"],
          provide: { testBindings: TEST_BINDINGS },
        },
      },
    ],
  },
});

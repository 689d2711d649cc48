import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { configDefaults, defineConfig } from "vitest/config";
import { FAKE_TOKENS, FAKE_WHATSAPP_PHONE_NUMBER_ID } from "./test/setup/fakes.ts";

/**
 * Two projects share one global set-up (the database and the fake providers): the Worker's tests run
 * inside workerd; `test/node/` and `test/e2e/` run in Node, for tests that start processes such as
 * `wrangler dev`.
 */
export default defineConfig({
  test: {
    globalSetup: ["./test/setup/global.ts"],
    projects: [
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              hyperdrives: { HYPERDRIVE: inject("databaseUrl") },
              bindings: {
                ADMIN_TOKEN: "test-admin-token-not-a-secret",
                LOG_LEVEL: "warn",
                // More hostile-input cases than CI's default: FUZZ_RUNS=5000 npm test
                ...(process.env.FUZZ_RUNS ? { FUZZ_RUNS: process.env.FUZZ_RUNS } : {}),
                // Providers are the fakes; the OpenClaw gateway stays off unless a test turns it on.
                TELEGRAM_API_BASE: inject("fakes").urls.telegram,
                TELEGRAM_BOT_TOKEN: FAKE_TOKENS.telegram,
                WHATSAPP_API_BASE: inject("fakes").urls.whatsapp,
                WHATSAPP_TOKEN: FAKE_TOKENS.whatsapp,
                WHATSAPP_PHONE_NUMBER_ID: FAKE_WHATSAPP_PHONE_NUMBER_ID,
              },
              // The suite makes thousands of requests as one admin; the limit itself is tested under wrangler dev.
              ratelimits: { RATE_LIMITER: { namespace_id: "1001", simple: { limit: 1_000_000, period: 60 } } },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["worker/**/*.test.ts", "party/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/node/**", "test/e2e/**", "test/faults/**"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts", "test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

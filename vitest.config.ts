import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
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
        },
        // The suite makes thousands of requests as one admin; the limit itself is tested under wrangler dev.
        ratelimits: { RATE_LIMITER: { namespace_id: "1001", simple: { limit: 1_000_000, period: 60 } } },
      },
    })),
  ],
  test: {
    globalSetup: ["./test/setup/global.ts"],
    include: ["worker/**/*.test.ts", "party/**/*.test.ts", "test/**/*.test.ts"],
    // Node-side suites with their own configs: they start wrangler dev and databases themselves.
    exclude: ["test/e2e/**", "test/faults/**", "node_modules/**"],
    testTimeout: 30_000,
  },
});

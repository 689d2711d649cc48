import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** Test-only secrets; tests read them back from the environment to sign and compare. */
const TEST_BINDINGS = {
  ADMIN_TOKEN: "test-admin-token-not-a-secret",
  REALTIME_SECRET: "test-realtime-secret-not-a-secret-0123456789",
};

export default defineConfig({
  test: {
    globalSetup: ["./test/setup/global.ts"],
    projects: [
      {
        // The Worker, its room and its routes, inside workerd with their real bindings.
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // SCRATCH: a second database for tests that would disturb the others (pruning, lock demos).
              hyperdrives: { HYPERDRIVE: inject("databaseUrl"), SCRATCH: inject("scratchDatabaseUrl") },
              bindings: TEST_BINDINGS,
            },
          })),
        ],
        test: {
          name: "worker",
          testTimeout: 30_000,
          include: ["worker/**/*.test.ts", "party/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["test/e2e/**"],
        },
      },
      {
        // Whole system from outside: `wrangler dev` on a free port, Node clients, a headless browser.
        test: {
          name: "e2e",
          testTimeout: 60_000,
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["./test/setup/wrangler-dev.ts"],
          provide: { testBindings: TEST_BINDINGS },
        },
      },
    ],
  },
});

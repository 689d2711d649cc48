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
    testTimeout: 30_000,
    projects: [
      {
        // The Worker, its room and its routes, inside workerd with their real bindings.
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              hyperdrives: { HYPERDRIVE: inject("databaseUrl") },
              bindings: { ...TEST_BINDINGS, SCRATCH_DATABASE_URL: inject("scratchDatabaseUrl") },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["worker/**/*.test.ts", "party/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["test/e2e/**"],
        },
      },
      {
        // Whole system from outside: `wrangler dev` on a free port, Node clients, a headless browser.
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["./test/setup/wrangler-dev.ts"],
          provide: { testBindings: TEST_BINDINGS },
        },
      },
    ],
  },
});

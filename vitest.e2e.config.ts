import { defineConfig } from "vitest/config";

/**
 * End-to-end tests in Node against the whole Worker under `wrangler dev` (each file starts its own
 * database and Worker): what the in-workerd suite cannot reach, such as the rate-limit simulation.
 */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    // One Worker at a time: two wrangler dev processes on a two-core machine slow each other enough
    // to stretch the rate-limit test's 301 requests across a window boundary.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

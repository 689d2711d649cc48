import { defineConfig } from "vitest/config";

/** Fault injection: stops and stalls a throwaway PostgreSQL under a running `wrangler dev`. */
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});

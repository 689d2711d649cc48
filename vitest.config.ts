import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        hyperdrives: { HYPERDRIVE: inject("databaseUrl") },
        bindings: { ADMIN_TOKEN: "test-admin-token-not-a-secret" },
      },
    })),
  ],
  test: {
    globalSetup: ["./test/setup/global.ts"],
    include: ["worker/**/*.test.ts", "party/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});

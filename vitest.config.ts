import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { FAKE_TOKENS, FAKE_WHATSAPP_PHONE_NUMBER_ID } from "./test/setup/fakes.ts";

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        hyperdrives: { HYPERDRIVE: inject("databaseUrl") },
        bindings: {
          ADMIN_TOKEN: "test-admin-token-not-a-secret",
          // Providers are the fakes from the global set-up; the OpenClaw gateway stays off unless a test turns it on.
          TELEGRAM_API_BASE: inject("fakes").urls.telegram,
          TELEGRAM_BOT_TOKEN: FAKE_TOKENS.telegram,
          WHATSAPP_API_BASE: inject("fakes").urls.whatsapp,
          WHATSAPP_TOKEN: FAKE_TOKENS.whatsapp,
          WHATSAPP_PHONE_NUMBER_ID: FAKE_WHATSAPP_PHONE_NUMBER_ID,
        },
      },
    })),
  ],
  test: {
    globalSetup: ["./test/setup/global.ts"],
    include: ["worker/**/*.test.ts", "party/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});

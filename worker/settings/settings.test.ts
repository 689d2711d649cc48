import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SettingsError, settingsOf } from ".";

// Issue #12: every setting error names its variable, and a bad section stops only what reads it.
describe("settingsOf", () => {
  it("names each bad variable of a section, and leaves the other sections readable", () => {
    const settings = settingsOf({ ...env, MAX_BODY_BYTES: "big", CORS_ORIGINS: "*", WEBHOOK_TIMEOUT_MS: "5" });
    expect(() => settings.http).toThrow(SettingsError);
    expect(() => settings.http).toThrow(
      "Invalid HTTP configuration:\n- MAX_BODY_BYTES: must be a whole number from 1 to 104857600 (got 'big')",
    );
    expect(() => settings.webhooks).toThrow("WEBHOOK_TIMEOUT_MS: must be a whole number from 100 to 30000 (got '5')");
    expect(() => settings.database).not.toThrow();
    expect(() => settings.realtime).not.toThrow();
  });

  it("parses an environment once: the same object answers every later call", () => {
    const vars = { ...env, LOG_LEVEL: "warn" };
    expect(settingsOf(vars)).toBe(settingsOf(vars));
    expect(settingsOf(vars).logLevel).toBe("warn");
    expect(() => settingsOf({ ...env, LOG_LEVEL: "loud" }).logLevel).toThrow(
      "LOG_LEVEL: must be one of debug, info, warn, error (got 'loud')",
    );
  });
});

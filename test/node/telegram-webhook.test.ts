import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { expect, inject, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const fakes = inject("fakes");
const run = promisify(execFile);

/** `npm run telegram:webhook` as an operator runs it, against the fake Bot API. */
async function setWebhook(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "scripts/telegram-webhook.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, TELEGRAM_API_BASE: fakes.urls.telegram, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const secret = `s${crypto.randomUUID().replace(/-/g, "")}`;
const env = { TELEGRAM_BOT_TOKEN: fakes.tokens.telegram, TELEGRAM_WEBHOOK_SECRET: secret };

it("registers the webhook with the secret token and only the update types the Worker handles", async () => {
  const url = "https://sync.example.com/integrations/telegram/webhook";
  const result = await setWebhook(["--url", url], env);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  const res = await fetch(`${fakes.control.telegram}/__control/received?to=setWebhook`);
  const calls = ((await res.json()) as { received: { body: any }[] }).received;
  // setWebhook's parameters (core.telegram.org/bots/api#setwebhook).
  expect(calls.map((c) => c.body)).toContainEqual({
    url,
    secret_token: secret,
    allowed_updates: ["message", "callback_query"],
  });
}, 60_000);

it("refuses a URL that Telegram would not call, and a missing secret, before calling Telegram", async () => {
  expect((await setWebhook(["--url", "http://sync.example.com/integrations/telegram/webhook"], env)).code).toBe(2);
  expect((await setWebhook(["--url", "https://sync.example.com/"], env)).code).toBe(2);
  const missing = await setWebhook(["--url", "https://sync.example.com/integrations/telegram/webhook"], {
    TELEGRAM_BOT_TOKEN: fakes.tokens.telegram,
    TELEGRAM_WEBHOOK_SECRET: "",
  });
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("TELEGRAM_WEBHOOK_SECRET");
}, 60_000);

import { Webhook } from "standardwebhooks";
import { afterAll, describe, expect, it } from "vitest";
import { call, createKey, database, expectProblem } from "../../../test/helpers";
import { received } from "../../../test/reminders";
import { cleanup, newReceiver, subscribe } from "../../../test/webhooks";

const sql = database();
afterAll(cleanup);

describe("webhook subscriptions over REST", () => {
  it("shows the secret once, never again, and stores it only sealed", async () => {
    const sub = await subscribe(["task.created"], { description: "n8n flow" });
    // Standard Webhooks secrets are `whsec_` and base64 (standardwebhooks.com, "Signature scheme").
    expect(sub.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const got = await call("GET", `/webhooks/${sub.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: sub.id, url: sub.url, events: ["task.created"], enabled: true });
    expect(JSON.stringify(got.body)).not.toContain(sub.secret.slice(6));
    const list = await call("GET", "/webhooks");
    expect(list.body.items.some((w: any) => w.id === sub.id)).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain("whsec_");
    const [row] = await sql`select secret_sealed from webhook_subscriptions where id = ${sub.id}`;
    expect(row!.secret_sealed).not.toContain(sub.secret.slice(6));
    expect(row!.secret_sealed).not.toContain(sub.secret.slice(6, 20));
  });

  it("a replayed create carries no secret", async () => {
    const receiver = newReceiver();
    const key = crypto.randomUUID();
    const body = { url: receiver.url, events: ["*"], enabled: false };
    const first = await call("POST", "/webhooks", body, { "idempotency-key": key });
    const replay = await call("POST", "/webhooks", body, { "idempotency-key": key });
    expect(first.status).toBe(201);
    expect(first.body.secret).toMatch(/^whsec_/);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.id).toBe(first.body.id);
    expect(replay.body.secret).toBeNull();
    await call("DELETE", `/webhooks/${first.body.id}`);
  });

  it("rotates the secret: pings are signed with the new one only", async () => {
    const sub = await subscribe(["task.created"]);
    const rotated = await call("POST", `/webhooks/${sub.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(sub.secret);
    const ping = await call("POST", `/webhooks/${sub.id}/ping`);
    expect(ping.status).toBe(200);
    expect(ping.body).toMatchObject({ event_type: "webhook.ping", outcome: "succeeded", response_status: 200 });
    const [receipt] = await received("webhooks", { to: sub.name });
    const headers = receipt!.webhook!.headers;
    expect(() => new Webhook(rotated.body.secret).verify(receipt!.webhook!.raw, headers)).not.toThrow();
    expect(() => new Webhook(sub.secret).verify(receipt!.webhook!.raw, headers)).toThrow();
    expect(receipt!.body).toMatchObject({ type: "webhook.ping", data: { webhook: { id: sub.id } } });
  });

  it("changes, disables, re-enables and deletes; the log lists attempts", async () => {
    const sub = await subscribe(["task.created"]);
    const patched = await call("PATCH", `/webhooks/${sub.id}`, {
      events: ["task.completed", "reminder.due"],
      description: null,
      enabled: false,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      events: ["task.completed", "reminder.due"],
      description: null,
      enabled: false,
    });
    await call("POST", `/webhooks/${sub.id}/ping`);
    const log = await call("GET", `/webhooks/${sub.id}/deliveries?limit=1`);
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(1);
    expect(log.body.items[0]).toMatchObject({ subscription_id: sub.id, event_type: "webhook.ping" });
    const retried = await call("POST", `/webhooks/${sub.id}/deliveries/${log.body.items[0].id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.event_id).toBe(log.body.items[0].event_id);
    const pings = await received("webhooks", { to: sub.name });
    expect(pings.map((p) => p.webhook!.headers["webhook-id"])).toEqual([
      log.body.items[0].event_id,
      log.body.items[0].event_id,
    ]);
    const enabled = await call("PATCH", `/webhooks/${sub.id}`, { enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, failures: 0, disabled_reason: null });
    expect((await call("DELETE", `/webhooks/${sub.id}`)).status).toBe(204);
    expectProblem(await call("GET", `/webhooks/${sub.id}`), 404);
    expectProblem(await call("GET", `/webhooks/${sub.id}/deliveries`), 404);
  });

  it("refuses unknown events, an empty list and extra fields with a 422 naming the field", async () => {
    const { url } = newReceiver();
    for (const body of [
      { url, events: ["task.exploded"] },
      { url, events: [] },
      { url, events: ["*"], secret: "mine" },
      { events: ["*"] },
    ]) {
      const res = await call("POST", "/webhooks", body);
      expectProblem(res, 422);
    }
  });

  // Server-side request forgery: the Worker calls whatever URL is written, so these never get stored.
  // (Tests run with WEBHOOKS_ALLOW_HTTP=true, which admits localhost and 127.0.0.1 for the fake
  // receiver; url-policy.test.ts refuses them with it off, as in production.)
  it.each([
    "http://example.com/hook",
    "ftp://example.com/hook",
    "file:///etc/passwd",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.1.2.3/hook",
    "https://192.168.1.1/hook",
    "https://172.20.0.1/hook",
    "https://100.64.0.1/hook",
    "https://0.0.0.0/hook",
    "https://[::1]/hook",
    "https://[fd00:ec2::254]/hook",
    "https://[fe80::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://api.localhost/hook",
    "https://user:pass@example.com/hook",
    "not a url",
    "http://localhost.evil.com/",
  ])("refuses %s with a 422 on url, on create and on change", async (url) => {
    const problem = expectProblem(await call("POST", "/webhooks", { url, events: ["*"] }), 422);
    expect(problem.errors?.map((e) => e.path)).toContain("url");
    const sub = await subscribe(["task.created"], { enabled: false });
    expectProblem(await call("PATCH", `/webhooks/${sub.id}`, { url }), 422);
  });

  it("accepts a public https URL", async () => {
    const res = await call("POST", "/webhooks", {
      url: "https://hooks.example.com/openclaw",
      events: ["*"],
      enabled: false,
    });
    expect(res.status).toBe(201);
    await call("DELETE", `/webhooks/${res.body.id}`);
  });

  it("needs webhooks:read to read and webhooks:write to change", async () => {
    const reader = await createKey(["webhooks:read"]);
    const tasksWriter = await createKey(["tasks:write", "tasks:read"]);
    const { url } = newReceiver();
    expect((await call("GET", "/webhooks", undefined, { authorization: reader.bearer })).status).toBe(200);
    expectProblem(await call("POST", "/webhooks", { url, events: ["*"] }, { authorization: reader.bearer }), 403);
    expectProblem(await call("GET", "/webhooks", undefined, { authorization: tasksWriter.bearer }), 403);
  });
});

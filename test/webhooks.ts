import { env } from "cloudflare:test";
import { expect } from "vitest";
import { settingsOf } from "../worker/settings";
import { call } from "./helpers";
import { fakes, type ReceivedCall, received } from "./reminders";

/** A receiver name no other test uses, and its URL at the fake. */
export function newReceiver() {
  const name = `rcv-${crypto.randomUUID()}`;
  return { name, url: `${fakes.urls.webhooks}/r/${name}` };
}

/** Tells the fake receiver the secret its operator configured, so it can verify what it gets. */
export async function configureReceiver(name: string, secret: string) {
  const res = await fetch(`${fakes.control.webhooks}/__control/secret`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ to: name, secret }),
  });
  if (res.status !== 204) throw new Error(`configuring the webhook receiver failed: ${res.status}`);
}

/** Creates a subscription over REST to a fresh receiver that knows its secret; deleted by `cleanup`. */
export async function subscribe(events: string[], extra: Record<string, unknown> = {}) {
  const receiver = newReceiver();
  const res = await call("POST", "/webhooks", { url: receiver.url, events, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await configureReceiver(receiver.name, res.body.secret);
  created.push(res.body.id);
  return { ...receiver, id: res.body.id as string, secret: res.body.secret as string };
}

const created: string[] = [];

/** Deletes every subscription `subscribe` made, so the rest of the suite's writes go nowhere. */
export async function cleanup() {
  await Promise.all(created.splice(0).map((id) => call("DELETE", `/webhooks/${id}`)));
}

/** What the receiver got, narrowed to events about `entityId` (other files share the database). */
export async function eventsAbout(name: string, entityId: string) {
  const calls = await received("webhooks", { to: name });
  return calls.filter((c: ReceivedCall) => c.body?.data?.id === entityId || c.body?.data?.task?.id === entityId);
}

/** Polls until `check` passes or `ms` pass. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 20_000): Promise<T> {
  const until = performance.now() + ms;
  let value = await read();
  while (!check(value) && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

export const webhookSettings = () => settingsOf(env).webhooks;

import type { Store } from "../../services/store";
import { recordInbound } from "../../services/whatsapp-window";
import type { ScanConfig, WhatsAppConfig } from "../../settings/scan";
import { applyChatAction } from "../actions";
import { verifyAction } from "../buttons";
import { runCommand } from "../commands";
import { once } from "../once";
import { applyStatus, instantOf, type StatusUpdate } from "./statuses";

/**
 * The parts of Meta's `messages` webhook this Worker acts on
 * (developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components): `entry[].changes[].value`
 * with `messages[]` (a reply button arrives as `interactive.button_reply { id, title }`, with
 * `context.id` naming the message it belonged to) and `statuses[]`.
 */
interface InboundMessage {
  id?: unknown;
  from?: unknown;
  timestamp?: unknown;
  type?: unknown;
  context?: { id?: unknown };
  interactive?: { type?: unknown; button_reply?: { id?: unknown } };
  text?: { body?: unknown };
}
interface Value {
  metadata?: { phone_number_id?: unknown };
  messages?: unknown;
  statuses?: unknown;
}
export interface Notification {
  object?: unknown;
  entry?: unknown;
}

const list = <T>(value: unknown): T[] =>
  Array.isArray(value) ? value.filter((v): v is T => typeof v === "object" && v !== null) : [];

/** A WhatsApp id: the user's number in digits (E.164 without "+"). */
const WA_ID = /^[1-9]\d{6,14}$/;

/** `/add …`, `add …`, `today`: WhatsApp has no command menu, so the slash is optional. */
const COMMAND = /^\/?(today|add)\b\s*([\s\S]*)$/i;

/** A text message: a command from an allowed number is answered; anything else is the user's own business. */
async function onText(store: Store, config: WhatsAppConfig, from: string, message: InboundMessage, now: Date) {
  const body = message.text?.body;
  const command = typeof body === "string" ? COMMAND.exec(body.trim()) : null;
  if (!command) return [];
  if (!config.allowedNumbers.includes(from)) {
    return [{ to: from, text: "Sorry, this number only answers the people its owner allowed." }];
  }
  const chat = { channel: "whatsapp" as const, recipient: `+${from}`, timezone: config.defaultTz };
  return [{ to: from, text: await runCommand(store, chat, command[1]!.toLowerCase(), command[2] ?? "", now) }];
}

/** One inbound message, once per message id: it opens the sender's window; a button reply acts, a command answers. */
async function onMessage(
  store: Store,
  config: WhatsAppConfig & { appSecret: string },
  message: InboundMessage,
  now: Date,
) {
  const secret = config.appSecret;
  if (typeof message.id !== "string" || typeof message.from !== "string" || !WA_ID.test(message.from)) return [];
  const from = message.from;
  const result = await once(store, "whatsapp", message.id, async () => {
    await recordInbound(store, { waId: from, at: instantOf(message.timestamp, now) });
    if (message.type === "text") return onText(store, config, from, message, now);
    const reply = message.type === "interactive" ? message.interactive?.button_reply : undefined;
    if (!reply) return [];
    const tap = await verifyAction(secret, reply.id, from);
    if (!tap) return [{ to: from, text: "This button is not valid." }];
    const messageId = typeof message.context?.id === "string" ? message.context.id : undefined;
    const outcome = await applyChatAction(store, { ...tap, ...(messageId ? { messageId } : {}), now });
    return [{ to: from, text: outcome.line }];
  });
  return result.kind === "done" ? result.value : [];
}

/**
 * Everything one notification asks of us, for our own phone number only (one Meta app may serve
 * several): messages first, so a status about a reply we send is never older than its cause.
 * Returns the text replies to send once the webhook is answered.
 */
export async function handleNotification(
  store: Store,
  scan: ScanConfig,
  config: WhatsAppConfig & { appSecret: string },
  notification: Notification,
  now = new Date(),
): Promise<{ to: string; text: string }[]> {
  const replies: { to: string; text: string }[] = [];
  if (notification.object !== "whatsapp_business_account") return replies;
  const values = list<{ value?: Value }>(notification.entry)
    .flatMap((entry) => list<{ value?: Value }>((entry as { changes?: unknown }).changes))
    .map((change) => change.value)
    .filter((value): value is Value => typeof value === "object" && value !== null)
    .filter((value) => value.metadata?.phone_number_id === config.phoneNumberId);
  for (const value of values) {
    for (const message of list<InboundMessage>(value.messages)) {
      replies.push(...(await onMessage(store, config, message, now)));
    }
    for (const status of list<StatusUpdate>(value.statuses)) await applyStatus(store, scan, status, now);
  }
  return replies;
}

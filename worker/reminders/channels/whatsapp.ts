import { ACTION_LABELS, type ChatAction, signAction } from "../../integrations/buttons";
import { OUTSIDE_WINDOW, TRANSIENT_CODES } from "../../integrations/whatsapp/codes";
import type { WhatsAppConfig } from "../../settings/scan";
import type { DueReminder } from "../claim";
import { formatDueTime, latenessLine, reminderText, truncate } from "../message";
import { accepted, type Channel, type DeliveryResult, noRecipient, permanent, transient } from "./channel";
import { classifyStatus, describeBody, isReply, postJson } from "./http";

interface GraphError {
  error?: { message?: string; code?: number; error_subcode?: number; error_data?: { details?: string } };
}

/** Template parameters may not contain newlines, tabs or more than four spaces in a row. */
const parameter = (text: string) => ({ type: "text", text: truncate(text.replace(/\s+/g, " ").trim(), 1024) });

/**
 * The message body: free-form text, or, when a template is configured, that template with the task's
 * title and due time as its two body parameters (e.g. "Reminder: {{1}}, due {{2}}"); a late
 * reminder says so after the due time, the only free text a template takes.
 */
function message(config: WhatsAppConfig, reminder: DueReminder) {
  if (!config.template) return { type: "text", text: { body: reminderText(reminder.task, reminder.late) } };
  const lateness = reminder.late ? ` (${latenessLine(reminder.late, reminder.task.timezone)})` : "";
  const due = `${formatDueTime(reminder.task)}${lateness}`;
  return {
    type: "template",
    template: {
      name: config.template.name,
      language: { code: config.template.language },
      components: [{ type: "body", parameters: [parameter(reminder.task.title), parameter(due)] }],
    },
  };
}

/** An interactive message's body text takes at most 1024 characters. */
const INTERACTIVE_BODY_LIMIT = 1024;

/**
 * Within the window: the reminder as an interactive message with three reply buttons, Done, 1 hour
 * and Tomorrow (at most 3, titles of at most 20 characters, ids of at most 256:
 * developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-reply-buttons-messages). Each
 * id is signed for this reminder and this number (integrations/buttons.ts).
 */
async function interactive(secret: string, reminder: DueReminder, waId: string) {
  const button = async (action: ChatAction) => ({
    type: "reply",
    reply: { id: await signAction(secret, action, reminder.id, waId), title: ACTION_LABELS[action] },
  });
  return {
    type: "interactive",
    interactive: {
      type: "button",
      body: { text: reminderText(reminder.task, reminder.late, INTERACTIVE_BODY_LIMIT) },
      action: { buttons: await Promise.all((["done", "snooze60", "tomorrow"] as const).map(button)) },
    },
  };
}

function classify(status: number, body: unknown, retryAfterSeconds?: number): DeliveryResult {
  const error = (body as GraphError)?.error;
  if (!error?.code) return classifyStatus(status, describeBody(body), retryAfterSeconds);
  const text = `${error.message ?? "error"} (code ${error.code}${error.error_data?.details ? `: ${error.error_data.details}` : ""})`;
  if (TRANSIENT_CODES.has(error.code)) return transient(text, retryAfterSeconds);
  if (error.code === OUTSIDE_WINDOW) {
    return permanent(`${text}; set WHATSAPP_TEMPLATE_NAME to an approved template to reach people outside the window`);
  }
  return status >= 500 ? transient(text, retryAfterSeconds) : permanent(text);
}

/** Whether the user behind a WhatsApp id wrote to us within the last 24 hours (services/whatsapp-window.ts). */
export type WindowLookup = (waId: string) => Promise<boolean>;

/**
 * WhatsApp Cloud API `messages`, to the reminder's number or the configured default number: with
 * buttons when the user's window is open and our webhook can hear the reply (WHATSAPP_APP_SECRET),
 * else the template, else plain text. A 200
 * with a message id means Meta accepted it, not that it reached the phone: the reminder is
 * `accepted`, with the id kept, which the `delivered`/`read` statuses of Meta's webhooks name when
 * they confirm it.
 */
export function whatsappChannel(config: WhatsAppConfig, defaultTo?: string, windowOf?: WindowLookup): Channel {
  return {
    async deliver(reminder, signal) {
      const to = reminder.recipient ?? defaultTo;
      if (!to) return noRecipient("WHATSAPP_DEFAULT_TO");
      const waId = to.replace(/^\+/, "");
      // Unknown is closed: the template reaches the user either way.
      const buttons = config.appSecret && windowOf && (await windowOf(waId).catch(() => false));
      const reply = await postJson(
        `${config.apiBase}/${config.phoneNumberId}/messages`,
        {
          messaging_product: "whatsapp",
          recipient_type: "individual",
          to: waId,
          ...(buttons ? await interactive(config.appSecret!, reminder, waId) : message(config, reminder)),
        },
        { authorization: `Bearer ${config.token}` },
        signal,
      );
      if (!isReply(reply)) return reply;
      if (reply.status === 200 && Array.isArray(reply.body?.messages)) return accepted(reply.body.messages[0]?.id);
      return classify(reply.status, reply.body, reply.retryAfterSeconds);
    },
  };
}

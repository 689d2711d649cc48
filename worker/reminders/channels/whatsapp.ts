import type { WhatsAppConfig } from "../../settings/scan";
import type { DueReminder } from "../claim";
import { formatDueTime, latenessLine, reminderText, truncate } from "../message";
import { accepted, type Channel, type DeliveryResult, noRecipient, permanent, transient } from "./channel";
import { classifyStatus, describeBody, isReply, postJson } from "./http";

/**
 * Error codes that mean "not now" rather than "never": throughput and pair-rate limits, and the
 * Graph API's own rate limits and temporary outages.
 */
const TRANSIENT_CODES = new Set([
  2, // service temporarily unavailable
  4, // application request limit reached
  80007, // WhatsApp Business Account rate limit
  130429, // throughput exceeded (80 messages/s per number by default)
  131016, // service overloaded
  131056, // too many messages to one recipient (about one per 6 s)
]);

/** Outside the 24-hour window only an approved template is delivered; say how to fix it. */
const OUTSIDE_WINDOW = 131047;

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

/**
 * WhatsApp Cloud API `messages`, to the reminder's number or the configured default number. A 200
 * with a message id means Meta accepted it, not that it reached the phone: the reminder is
 * `accepted`, with the id kept, which the `delivered`/`read` statuses of Meta's webhooks name when
 * they confirm it.
 */
export function whatsappChannel(config: WhatsAppConfig, defaultTo?: string): Channel {
  return {
    async deliver(reminder, signal) {
      const to = reminder.recipient ?? defaultTo;
      if (!to) return noRecipient("WHATSAPP_DEFAULT_TO");
      const reply = await postJson(
        `${config.apiBase}/${config.phoneNumberId}/messages`,
        {
          messaging_product: "whatsapp",
          recipient_type: "individual",
          to: to.replace(/^\+/, ""),
          ...message(config, reminder),
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

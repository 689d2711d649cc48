import type { OpenClawConfig } from "../../settings/scan";
import { reminderText } from "../message";
import type { Channel } from "./channel";
import { classifyStatus, describeBody, isReply, postJson } from "./http";

/**
 * Hands a Telegram or WhatsApp reminder to the OpenClaw gateway's agent webhook, so the user's own
 * agent delivers it in its conversation. 202 means the gateway accepted the run, which is as far as
 * this product can see: whether the agent's message reached the chat is the gateway's to report.
 */
export function openclawChannel(config: OpenClawConfig, channel: "telegram" | "whatsapp", defaultTo?: string): Channel {
  return {
    async deliver(reminder, signal) {
      // Without a recipient the gateway uses the last one it talked to on that channel.
      const to = reminder.recipient ?? defaultTo;
      const reply = await postJson(
        `${config.url}/hooks/agent`,
        {
          message: `Deliver this reminder to the user now, as written:\n\n${reminderText(reminder.task)}`,
          name: "Reminder",
          // One session per reminder: a retry continues the same run instead of starting another.
          sessionKey: `reminder:${reminder.id}`,
          wakeMode: "now",
          deliver: true,
          channel,
          ...(to ? { to } : {}),
        },
        { authorization: `Bearer ${config.token}` },
        signal,
      );
      if (!isReply(reply)) return reply;
      if (reply.status === 202 || reply.status === 200) return { outcome: "sent" };
      const message = typeof reply.body?.error === "string" ? reply.body.error : describeBody(reply.body);
      return classifyStatus(reply.status, message, reply.retryAfterSeconds);
    },
  };
}

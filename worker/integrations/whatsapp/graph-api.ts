import { log } from "../../http/log";
import type { WhatsAppConfig } from "../../settings/scan";

/**
 * Sends plain text replies (developers.facebook.com/docs/whatsapp/cloud-api/messages/text-messages),
 * after the webhook was answered (in `waitUntil`). A reply is a courtesy: the action it reports is
 * already applied, so a failure is logged and the rest still go.
 */
export async function sendTexts(config: WhatsAppConfig, replies: { to: string; text: string }[], timeoutMs = 10_000) {
  for (const reply of replies) {
    try {
      const res = await fetch(`${config.apiBase}/${config.phoneNumberId}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${config.token}` },
        body: JSON.stringify({
          messaging_product: "whatsapp",
          recipient_type: "individual",
          to: reply.to,
          type: "text",
          text: { body: reply.text.slice(0, 4096) },
        }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) log(undefined, "warn", "whatsapp reply refused", { status: res.status });
      await res.body?.cancel();
    } catch (error) {
      log(undefined, "warn", "whatsapp reply failed", { error: String(error).slice(0, 200) });
    }
  }
}

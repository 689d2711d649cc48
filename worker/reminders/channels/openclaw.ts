import type { OpenClawConfig } from "../../settings/scan";
import type { DueReminder } from "../claim";
import { reminderText } from "../message";
import { accepted, type Channel, type DeliveryResult, delivered, permanent, transient } from "./channel";
import { classifyStatus, describeBody, isReply, postJson, within } from "./http";

/*
 * The OpenClaw gateway's direct agent hook, as openclaw/openclaw `docs/gateway/config-hooks.md`
 * documents it ("Hook HTTP contract", "Hook agent payload", "Hook retries and fan-out"):
 * - `POST {base}/hooks/agent`, `Authorization: Bearer <hooks.token>`; `200 { ok: true, runId }` once
 *   the run is admitted, which "does not prove a model result or channel delivery".
 * - `sessionKey` is refused (400) unless the operator set `hooks.allowRequestSessionKey: true`;
 *   `channel` and `to` go together or not at all (400).
 * - Replay: the `Idempotency-Key` header; the same key with the same token, path and dispatch fields
 *   replays the run instead of starting another. A retry may add `waitForCompletion: true` without
 *   changing the dispatch, and then waits for that run and gets its terminal `completion`. A
 *   completed run's entry is kept 5 minutes; a restart of the gateway forgets them all.
 * - `completion`: `status` (ok, error, skipped) and, when known, `delivered`, `deliveryAttempted`,
 *   `deliveryError` ("delivery-failed") and `deliverySuppressionReason`; a missing field is unknown.
 */

/**
 * How long after a run ends the gateway replays it for its key. A delivery that failed in a completed
 * run is retried after this, so the same key starts a new run instead of replaying the failure.
 */
const REPLAY_KEPT_S = 5 * 60;
const RETRY_AFTER_COMPLETED_RUN_S = REPLAY_KEPT_S + 30;

/** The gateway's `completion`, as far as this channel reads it. */
interface Completion {
  status?: string;
  delivered?: boolean;
  deliveryAttempted?: boolean;
  deliveryError?: string;
  deliverySuppressionReason?: string;
}

/**
 * One key per firing of a reminder: the same across retries of that firing, a new one when the
 * reminder is armed for another time (the next occurrence of a recurring task, a snooze, a move).
 */
export const idempotencyKey = (reminder: Pick<DueReminder, "id" | "remind_at">) =>
  `openclaw-sync:${reminder.id}:${reminder.remind_at.getTime()}`;

/**
 * The agent payload. Everything in it is the run's dispatch identity, so it must not change between
 * retries of one firing: whether the lateness line is there was decided at the firing's first
 * attempt (claim.ts), and it names the time the reminder was for, not how late it is.
 */
function agentPayload(config: OpenClawConfig, channel: "telegram" | "whatsapp", reminder: DueReminder, to?: string) {
  const late = reminder.late && { remindAt: reminder.late.remindAt };
  return {
    message: `Deliver this reminder to the user now, as written:\n\n${reminderText(reminder.task, late)}`,
    name: "Reminder",
    ...(config.agentId ? { agentId: config.agentId } : {}),
    ...(config.sessionKeyPrefix ? { sessionKey: `${config.sessionKeyPrefix}${reminder.id}` } : {}),
    wakeMode: "now",
    deliver: true,
    // Without a recipient, no destination at all: the run's output goes to the agent's main session.
    ...(to ? { channel, to } : {}),
  };
}

/**
 * Admission failures: 409 (the session cannot take work now), 502 (agent preparation failed) and
 * 503 (no admission within 15 s, or the gateway restarting) pass, as do the body timeout (408),
 * auth throttling (429, after its Retry-After) and other 5xx; any other 4xx is the request's fault.
 */
function admissionFailure(status: number, body: unknown, retryAfterSeconds?: number): DeliveryResult {
  const error =
    typeof (body as { error?: unknown })?.error === "string" ? (body as { error: string }).error : describeBody(body);
  if (status === 409) return transient(`HTTP 409: ${error}`.slice(0, 1000), retryAfterSeconds);
  return classifyStatus(status, error, retryAfterSeconds);
}

/** What a run's terminal facts say about the reminder; no facts leave it `accepted`. */
function fromCompletion(runId: string, completion: Completion): DeliveryResult {
  if (completion.delivered === true) return delivered(runId);
  if (completion.deliveryError || completion.status === "error") {
    const what = completion.deliveryError ?? "the agent's run failed";
    return transient(
      `gateway run ${runId} ended with ${what} (status ${completion.status ?? "unknown"})`,
      RETRY_AFTER_COMPLETED_RUN_S,
    );
  }
  if (completion.deliverySuppressionReason) {
    return permanent(
      `gateway run ${runId} sent nothing to the chat (suppressed: ${completion.deliverySuppressionReason})`,
    );
  }
  return accepted(runId);
}

/**
 * Hands a Telegram or WhatsApp reminder to the OpenClaw gateway, whose agent delivers it in its
 * conversation, and confirms inline, within a bound: once the run is admitted, the same request
 * again with `waitForCompletion: true` waits up to `confirmWaitMs` (never past the scan's budget)
 * for the run's `completion`. `delivered: true` marks the reminder delivered; no answer in time, or
 * no delivery facts, leaves it `accepted`. Admission is its own call, bounded by PROVIDER_TIMEOUT_MS,
 * so a slow agent turn is never mistaken for a gateway that did not take the run.
 */
export function openclawChannel(
  config: OpenClawConfig,
  channel: "telegram" | "whatsapp",
  defaultTo: string | undefined,
  admissionTimeoutMs: number,
): Channel {
  const url = `${config.url}/hooks/agent`;
  return {
    confirmWaitMs: config.confirmWaitMs,
    async deliver(reminder, signal) {
      const payload = agentPayload(config, channel, reminder, reminder.recipient ?? defaultTo);
      const headers = { authorization: `Bearer ${config.token}`, "idempotency-key": idempotencyKey(reminder) };

      const admission = await within(signal, admissionTimeoutMs, (s) => postJson(url, payload, headers, s));
      if (!isReply(admission)) return admission;
      if (admission.status !== 200)
        return admissionFailure(admission.status, admission.body, admission.retryAfterSeconds);
      const runId = admission.body?.ok === true ? admission.body.runId : undefined;
      if (typeof runId !== "string") return transient(`HTTP 200 without a runId: ${describeBody(admission.body)}`);
      if (config.confirmWaitMs === 0) return accepted(runId);

      const waited = await within(signal, config.confirmWaitMs, (s) =>
        postJson(url, { ...payload, waitForCompletion: true }, headers, s),
      );
      const completion = isReply(waited) && waited.status === 200 ? (waited.body?.completion as Completion) : undefined;
      return completion && typeof completion === "object" ? fromCompletion(runId, completion) : accepted(runId);
    },
  };
}

import type { InferResponseType } from "hono/client";
import { useEffect, useState } from "preact/hooks";
import type { ApiClient } from "../../client/api";
import { unwrap } from "../../client/api";
import { problemText, type Session } from "./session";
import { inWords } from "./time";

type Webhook = InferResponseType<ApiClient["webhooks"]["$get"], 200>["items"][number];
type Delivery = InferResponseType<ApiClient["webhooks"][":id"]["deliveries"]["$get"], 200>["items"][number];

/** One delivery attempt, in words: what was sent, and what the receiver made of it. */
function attemptText(d: Delivery) {
  const answer = d.response_status ? `HTTP ${d.response_status}` : (d.error ?? "no answer");
  return `${d.event_type} · ${d.outcome} (${answer}, ${d.duration_ms} ms) · ${inWords(d.created_at)}`;
}

/**
 * Admin only: the webhook subscriptions, enabled or not (and why), each with its recent deliveries
 * on demand. Creating and editing subscriptions stays with the API, which shows the secret once.
 */
export function WebhooksView(props: { session: Session }) {
  const { api } = props.session;
  const [hooks, setHooks] = useState<Webhook[]>([]);
  const [open, setOpen] = useState<Record<string, Delivery[]>>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    unwrap(api.webhooks.$get())
      .then((answer) => setHooks(answer.items))
      .catch((err) => setError(problemText(err)));
  }, []);

  const toggle = (hook: Webhook) => {
    if (open[hook.id]) {
      const { [hook.id]: _, ...rest } = open;
      return setOpen(rest);
    }
    unwrap(api.webhooks[":id"].deliveries.$get({ param: { id: hook.id }, query: { limit: "10" } }))
      .then((page) => setOpen({ ...open, [hook.id]: page.items }))
      .catch((err) => setError(problemText(err)));
  };

  return (
    <section aria-labelledby="webhooks-heading">
      <h2 id="webhooks-heading">Webhooks</h2>
      {error && (
        <p role="alert" class="problem">
          {error}
        </p>
      )}
      {hooks.length === 0 && !error && <p>No subscriptions. Create one with POST /webhooks (see /docs).</p>}
      <ul id="webhooks" class="rows">
        {hooks.map((hook) => (
          <li key={hook.id} data-id={hook.id} data-enabled={hook.enabled ? "true" : "false"}>
            <span class="title">
              <code>{hook.url}</code>
            </span>
            <span class="meta">
              {hook.events.join(", ")} ·{" "}
              {hook.enabled ? "enabled" : `disabled${hook.disabled_reason ? `: ${hook.disabled_reason}` : ""}`}
              {hook.failures > 0 && ` · ${hook.failures} failures in a row`}
            </span>
            <button type="button" aria-expanded={Boolean(open[hook.id])} onClick={() => toggle(hook)}>
              {open[hook.id] ? "Hide deliveries" : "Recent deliveries"}
            </button>
            {open[hook.id] && (
              <ul class="deliveries">
                {open[hook.id]!.length === 0 && <li>None yet.</li>}
                {open[hook.id]!.map((d) => (
                  <li key={d.id} data-outcome={d.outcome}>
                    {attemptText(d)}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

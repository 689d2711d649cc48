import type { InferResponseType } from "hono/client";
import { useEffect, useState } from "preact/hooks";
import type { ApiClient } from "../../client/api";
import { unwrap } from "../../client/api";
import { ConfirmButton } from "./confirm-button";
import { problemText, type Session } from "./session";
import { dateTime, inWords } from "./time";

type ApiKey = InferResponseType<ApiClient["api-keys"]["$get"], 200>["items"][number];
type Scope = ApiKey["scopes"][number];

const SCOPES: Scope[] = [
  "tasks:read",
  "tasks:write",
  "reminders:read",
  "reminders:write",
  "webhooks:read",
  "webhooks:write",
  "admin",
];
const DEFAULT_SCOPES: Scope[] = ["tasks:read", "tasks:write", "reminders:read", "reminders:write"];

/** Admin only: create keys (the secret is shown once), list them with their last use, revoke them. */
export function KeysView(props: { session: Session }) {
  const { api } = props.session;
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(DEFAULT_SCOPES);
  const [secret, setSecret] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = () => unwrap(api["api-keys"].$get()).then((answer) => setKeys(answer.items));
  useEffect(() => {
    load().catch((err) => setError(problemText(err)));
  }, []);

  const act = (call: Promise<unknown>) =>
    call.then(load).then(
      () => setError(null),
      (err) => setError(problemText(err)),
    );
  const create = () =>
    act(
      unwrap(api["api-keys"].$post({ json: { name: name.trim(), scopes } })).then((created) => {
        setSecret(created.key);
        setCopied(false);
        setName("");
      }),
    );
  const toggle = (scope: Scope, on: boolean) => setScopes(on ? [...scopes, scope] : scopes.filter((s) => s !== scope));

  return (
    <section aria-labelledby="keys-heading">
      <h2 id="keys-heading">API keys</h2>
      <form
        id="new-key"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <label>
          Name
          <input id="key-name" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.map((scope) => (
            <label class="inline" key={scope}>
              <input
                type="checkbox"
                value={scope}
                checked={scopes.includes(scope)}
                onChange={(e) => toggle(scope, e.currentTarget.checked)}
              />{" "}
              {scope}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={scopes.length === 0}>
          Create key
        </button>
      </form>
      {secret && (
        <div id="new-secret" role="status" class="secret">
          <p>The new key, shown only now: store it before you leave this page.</p>
          <code>{secret}</code>{" "}
          <button
            type="button"
            onClick={() =>
              navigator.clipboard.writeText(secret).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? "Copied" : "Copy"}
          </button>
        </div>
      )}
      {error && (
        <p role="alert" class="problem">
          {error}
        </p>
      )}
      <ul id="keys" class="rows">
        {keys.map((key) => (
          <li key={key.id} data-id={key.id} data-revoked={key.revoked_at ? "true" : undefined}>
            <span class="title">
              {key.name} <code>{key.prefix}…</code>
            </span>
            <span class="meta">
              {key.scopes.join(", ")} · created {dateTime(key.created_at)} ·{" "}
              {key.last_used_at ? `last used ${inWords(key.last_used_at)}` : "never used"}
              {key.revoked_at && ` · revoked ${inWords(key.revoked_at)}`}
            </span>
            {!key.revoked_at && (
              <ConfirmButton
                label="Revoke"
                question={`Revoke “${key.name}”?`}
                onConfirm={() => act(unwrap(api["api-keys"][":id"].$delete({ param: { id: key.id } })))}
              />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

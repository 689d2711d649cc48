import { useState } from "preact/hooks";
import { ApiError } from "../../client/api";

/** The shape of an OAuth access token (`user:grant:secret`), which only /mcp accepts. */
const looksLikeOAuthToken = (key: string) => /^[^:]+:[^:]+:[^:]+$/.test(key);

/** Why a key was refused, in the user's words: a wrong key, an OAuth grant, and a missing scope differ. */
export function refusalText(err: unknown, key: string) {
  if (err instanceof ApiError && err.status === 401) {
    return looksLikeOAuthToken(key)
      ? "That is an OAuth access token, or its grant has expired: those work for /mcp only. Paste an API key instead."
      : "The API does not know this key: it is mistyped, or it was revoked. Paste another one.";
  }
  if (err instanceof ApiError && err.status === 403) {
    return `This key is valid but lacks a scope the dashboard needs (tasks:read and reminders:read at least): ${err.problem?.detail ?? ""}`;
  }
  return `Could not reach the API: ${err instanceof Error ? err.message : String(err)}`;
}

/** Paste a key; kept for this tab unless "Remember on this device" is ticked. */
export function SignIn(props: {
  problem: string | null;
  busy: boolean;
  onKey: (key: string, remember: boolean) => void;
}) {
  const [key, setKey] = useState("");
  const [remember, setRemember] = useState(false);
  return (
    <main class="sign-in">
      <h1>OpenClaw Sync</h1>
      <form
        id="key-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (key.trim()) props.onKey(key.trim(), remember);
        }}
      >
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autocomplete="off"
          required
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
        />
        <label class="inline">
          <input
            id="remember"
            type="checkbox"
            checked={remember}
            onChange={(e) => setRemember(e.currentTarget.checked)}
          />{" "}
          Remember on this device (otherwise the key is forgotten when this tab closes)
        </label>
        <button type="submit" disabled={props.busy}>
          {props.busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p id="message" role="alert">
        {props.problem}
      </p>
      <section aria-labelledby="where-keys">
        <h2 id="where-keys">Where do keys come from?</h2>
        <ul>
          <li>
            In development, <code>npm run dev</code> prints the admin token in its banner (the <code>admin</code> line).
          </li>
          <li>
            <code>npm run key:create -- --name me --scopes tasks:read,tasks:write,reminders:read,reminders:write</code>{" "}
            prints a new key once.
          </li>
          <li>An admin can create one for you on this dashboard's Keys page.</li>
        </ul>
        <p>
          The API itself is described at <a href="/docs">/docs</a>.
        </p>
      </section>
    </main>
  );
}

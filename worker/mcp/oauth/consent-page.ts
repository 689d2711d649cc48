import type { ConsentDescription } from "@cloudflare/workers-oauth-provider";
import { API_SCOPES } from "../../db/schema";

/** Everything on the page that came from the client is escaped (docs/consent-page.md: "Escape everything"). */
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const SCOPE_TEXT: Record<(typeof API_SCOPES)[number], string> = {
  "tasks:read": "read tasks and the agenda",
  "tasks:write": "create, change, complete and delete tasks",
  "reminders:read": "read reminders",
  "reminders:write": "create, change, snooze and delete reminders",
  "webhooks:read": "read webhook subscriptions and their delivery log",
  "webhooks:write": "subscribe URLs to events, change and delete subscriptions",
  admin: "everything, including API keys (admin token or admin keys only)",
};

/** The page's only style, allowed by its hash in the page's Content-Security-Policy. */
export const CONSENT_STYLE =
  "body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}" +
  "label{display:block}input[type=password]{width:100%;padding:.4rem;font:inherit}" +
  ".error{color:#a00;font-weight:bold}.warn{background:#fff4d6;padding:.5rem}button{font:inherit;margin-right:.5rem}";

export interface ConsentPageInput {
  details: ConsentDescription;
  handle: string;
  /** The authorization request's query string, to show the page again after a mistake. */
  request: string;
  checked: readonly string[];
  error?: string;
}

/**
 * The consent page of /authorize: who is asking (self-asserted for a registered client), where the
 * access goes (MUST show the redirect host; SHOULD warn for localhost), the scopes, and the one
 * credential this service knows people by: an API key or the admin token, pasted here. What the
 * MCP authorization spec asks of it is in @cloudflare/workers-oauth-provider's docs/consent-page.md.
 */
export function consentPage({ details, handle, request, checked, error }: ConsentPageInput): string {
  const name = escapeHtml(details.clientName);
  const origin = details.clientDomain
    ? `Published by <strong>${escapeHtml(details.clientDomain)}</strong>.`
    : "This app registered itself; its name is not verified.";
  const scopes = API_SCOPES.map(
    (scope) =>
      `<label><input type="checkbox" name="scope" value="${scope}"${checked.includes(scope) ? " checked" : ""}> <code>${scope}</code>: ${SCOPE_TEXT[scope]}</label>`,
  ).join("\n");
  const requested = details.scope.length
    ? `It asks for ${details.scope.map((s) => `<code>${escapeHtml(s)}</code>`).join(", ")}.`
    : "It asks for no particular scope.";
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Connect ${name} to OpenClaw Sync</title>
<style>${CONSENT_STYLE}</style>
<h1>Connect ${name} to OpenClaw Sync?</h1>
<p>${origin} Access will be sent to <strong>${escapeHtml(details.redirectHost)}</strong>. ${requested}</p>
${details.redirectIsLoopback ? '<p class="warn"><strong>This sends access to an app on your computer.</strong> Continue only if you just started connecting from it.</p>' : ""}
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post">
<input type="hidden" name="handle" value="${escapeHtml(handle)}">
<input type="hidden" name="request" value="${escapeHtml(request)}">
<p><label for="key">API key (<code>ocs_…</code>) or the admin token</label>
<input id="key" type="password" name="key" autocomplete="off" required></p>
<p>The app will act as this key, with the scopes you tick here (at most the key's own). Revoking the key ends its access.</p>
<fieldset><legend>Scopes</legend>
${scopes}
</fieldset>
<p><button name="decision" value="approve">Allow</button><button name="decision" value="deny" formnovalidate>Deny</button></p>
</form>
</html>`;
}

/**
 * API versioning: `/v1/…` is the canonical form of every REST path; the unversioned paths are
 * aliases of it, so the seed's examples keep working. A breaking change would be served as `/v2/…`
 * beside `/v1` (README, "API versions"), never by changing what `/v1` answers.
 */
export const API_VERSION = "1";
const PREFIX = `/v${API_VERSION}`;

/** The request with its `/v1` prefix taken off (the app's routes are unversioned), and whether it had one. */
export function withoutVersion(request: Request): { request: Request; versioned: boolean } {
  const url = new URL(request.url);
  if (url.pathname !== PREFIX && !url.pathname.startsWith(`${PREFIX}/`)) return { request, versioned: false };
  url.pathname = url.pathname.slice(PREFIX.length) || "/";
  return { request: new Request(url, request), versioned: true };
}

/**
 * Every answer says which version gave it; an answer to a versioned request names its resources
 * (`Location`) under the same version, so a client that started on `/v1` stays on it.
 */
export function versioned(response: Response, versionedRequest: boolean): Response {
  const location = response.headers.get("location");
  const relocated =
    versionedRequest && location?.startsWith("/") && !location.startsWith(`${PREFIX}/`)
      ? `${PREFIX}${location}`
      : undefined;
  // A WebSocket upgrade's headers are immutable, and it is no REST answer.
  if (response.status === 101) return response;
  try {
    // The app's own responses have mutable headers: setting them spares copying every response.
    setVersionHeaders(response.headers, relocated);
    return response;
  } catch {
    // A response passed through from fetch() has immutable headers: answer with a copy.
    const headers = new Headers(response.headers);
    setVersionHeaders(headers, relocated);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

function setVersionHeaders(headers: Headers, location: string | undefined) {
  headers.set("api-version", API_VERSION);
  if (location) headers.set("location", location);
}

/** The OpenAPI document's base path: clients should call the canonical `/v1` paths. */
export const versionedBase = (origin: string) => `${origin}${PREFIX}`;

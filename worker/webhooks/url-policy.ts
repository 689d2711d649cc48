/**
 * Where a subscription may point. The Worker calls whatever URL a key holder writes, so the URL is
 * checked when it is written: `https` only, or `http` to this machine when WEBHOOKS_ALLOW_HTTP=true
 * (development); no credentials in it; no IP literal in a private, loopback, link-local, carrier or
 * metadata range. A host name is not resolved here (a Worker cannot); Cloudflare's `fetch` from a
 * Worker does not reach private networks, and redirects are never followed (engine: redirect "manual").
 */

const DEV_HOSTS = new Set(["localhost", "127.0.0.1"]);

/** IPv4 ranges no receiver may live in: [first octets as a number, prefix length]. */
const BLOCKED_V4: [string, number][] = [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata (169.254.169.254)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
];

const v4Number = (ip: string) => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);

function blockedV4(ip: string): boolean {
  const n = v4Number(ip);
  return BLOCKED_V4.some(([base, bits]) => {
    const size = 2 ** (32 - bits);
    return Math.floor(n / size) === Math.floor(v4Number(base) / size);
  });
}

function blockedV6(ip: string): boolean {
  const lower = ip.toLowerCase();
  if (lower === "::" || lower === "::1") return true;
  // IPv4-mapped (::ffff:a.b.c.d, which the URL parser writes as ::ffff:xxxx:xxxx) and NAT64.
  const mapped = lower.match(/^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/);
  if (mapped) {
    const hi = Number.parseInt(mapped[1] ?? "0", 16);
    const lo = Number.parseInt(mapped[2] ?? "0", 16);
    return blockedV4(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  if (/^::ffff:\d/.test(lower)) return true;
  const first = Number.parseInt(lower.split(":")[0] || "0", 16);
  // fc00::/7 unique local (cloud metadata fd00:ec2::254 among them), fe80::/10 link-local, ff00::/8 multicast.
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00;
}

/** Why `raw` may not be a webhook URL, or undefined when it may. */
export function webhookUrlProblem(raw: string, { allowHttp }: { allowHttp: boolean }): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be an absolute https URL";
  }
  const host = url.hostname;
  const devHost = DEV_HOSTS.has(host);
  if (url.protocol === "http:") {
    if (!allowHttp) return "must use https (http is allowed only to localhost with WEBHOOKS_ALLOW_HTTP=true)";
    if (!devHost) return "http is allowed only to localhost or 127.0.0.1; use https";
  } else if (url.protocol !== "https:") {
    return "must use https";
  }
  if (url.username || url.password) return "must not carry credentials; receivers check the signature instead";
  if (devHost && allowHttp) return undefined;
  if (host === "localhost" || host.endsWith(".localhost")) return "must not point at this machine";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) && blockedV4(host)) return "must not point at a private or reserved address";
  if (host.startsWith("[") && blockedV6(host.slice(1, -1))) return "must not point at a private or reserved address";
  return undefined;
}

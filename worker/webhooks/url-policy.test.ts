import { describe, expect, it } from "vitest";
import { webhookUrlProblem } from "./url-policy";

// The ranges are IANA's special-purpose registries (RFC 6890, RFC 4193, RFC 4291) and the issue's
// examples; each case is written from them, not from the code.
const refused = [
  "http://10.0.0.1/hook",
  "https://10.0.0.1/hook",
  "https://169.254.169.254/latest/meta-data",
  "https://[::1]/hook",
  "http://[::1]/hook",
  "https://127.0.0.1/hook",
  "https://0x7f000001/hook", // the URL parser reads it as 127.0.0.1
  "https://172.16.5.4/",
  "https://172.31.255.255/",
  "https://192.168.1.1/",
  "https://100.64.0.1/",
  "https://0.0.0.0/",
  "https://[fd00:ec2::254]/",
  "https://[fe80::1]/",
  "https://[::ffff:127.0.0.1]/",
  "https://[::ffff:a9fe:a9fe]/",
  "https://localhost/",
  "https://api.localhost/",
  "file:///etc/passwd",
  "ftp://example.com/",
  "gopher://example.com/",
  "https://user:pass@example.com/",
  "not a url",
  "http://example.com/hook",
];
const allowed = ["https://example.com/hook", "https://8.8.8.8/", "https://172.32.0.1/", "https://[2606:4700::1]/"];

describe("webhook URLs", () => {
  for (const url of refused) {
    it(`refuses ${url}`, () => expect(webhookUrlProblem(url, { allowHttp: false })).toBeTypeOf("string"));
  }
  for (const url of allowed) {
    it(`allows ${url}`, () => expect(webhookUrlProblem(url, { allowHttp: false })).toBeUndefined());
  }
  it("allows http to localhost and 127.0.0.1 only with WEBHOOKS_ALLOW_HTTP", () => {
    for (const url of ["http://localhost:9000/hook", "http://127.0.0.1:9000/hook"]) {
      expect(webhookUrlProblem(url, { allowHttp: true })).toBeUndefined();
      expect(webhookUrlProblem(url, { allowHttp: false })).toBeTypeOf("string");
    }
    expect(webhookUrlProblem("http://10.0.0.1/", { allowHttp: true })).toBeTypeOf("string");
    expect(webhookUrlProblem("http://[::1]/", { allowHttp: true })).toBeTypeOf("string");
    expect(webhookUrlProblem("https://169.254.169.254/", { allowHttp: true })).toBeTypeOf("string");
  });
});

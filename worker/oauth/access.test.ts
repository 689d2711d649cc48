import { describe, expect, it } from "vitest";
import { ADMIN_PRINCIPAL, type Principal } from "../services/api-keys";
import { grantPrincipal } from "./access";
import type { GrantProps } from "./grant";

const key: Principal = { id: "k1", name: "agent", scopes: ["tasks:read", "tasks:write"] };
const props: GrantProps = { key_id: "k1", key_hash: "h", kind: "key", scopes: ["tasks:read", "tasks:write"] };

/**
 * What a grant may do, from issue #18: it acts as its key, with at most the scopes the person chose
 * and the token carries (a refresh may only narrow, RFC 6749 §6), and never once the key is gone.
 */
describe("grantPrincipal", () => {
  it("acts as the key with the chosen scopes the token carries", () => {
    expect(grantPrincipal(key, { props, scope: ["tasks:read", "tasks:write"] })).toEqual(key);
    expect(grantPrincipal(key, { props, scope: ["tasks:read"] })?.scopes).toEqual(["tasks:read"]);
  });

  it("is nobody once the key is revoked (no live holder) or another key has its hash", () => {
    expect(grantPrincipal(undefined, { props, scope: ["tasks:read"] })).toBeUndefined();
    expect(grantPrincipal({ ...key, id: "k2" }, { props, scope: ["tasks:read"] })).toBeUndefined();
  });

  it("never holds more than the key holds now, nor scopes nobody chose", () => {
    const narrowed = { ...key, scopes: ["tasks:read" as const] };
    expect(grantPrincipal(narrowed, { props, scope: ["tasks:read", "tasks:write"] })?.scopes).toEqual(["tasks:read"]);
    expect(grantPrincipal(key, { props, scope: ["tasks:read", "admin"] })?.scopes).toEqual(["tasks:read"]);
  });

  it("lets an admin grant use admin only if it was chosen", () => {
    const admin: GrantProps = { key_id: ADMIN_PRINCIPAL.id, key_hash: "h", kind: "admin", scopes: ["tasks:read"] };
    expect(grantPrincipal(ADMIN_PRINCIPAL, { props: admin, scope: ["tasks:read"] })?.scopes).toEqual(["tasks:read"]);
  });
});

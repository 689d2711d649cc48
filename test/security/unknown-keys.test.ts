import { describe, expect, it } from "vitest";
import { generateApiKey, sha256Hex } from "../../worker/services/api-keys";
import { call, createKey, database } from "../helpers";

const sql = database();

describe("unknown API keys", () => {
  it("a miss is cached (the key is not looked up again), and creating a key drops the misses", async () => {
    const secret = generateApiKey();
    const asIt = { authorization: `Bearer ${secret}` };
    expect((await call("GET", "/tasks?limit=1", undefined, asIt)).status).toBe(401);

    // The key comes to exist behind the Worker's back (as a restore or another process would).
    await sql`insert into api_keys (name, prefix, hash, scopes)
              values ('appeared later', ${secret.slice(0, 12)}, ${await sha256Hex(secret)}, '{tasks:read}')`;
    // Still refused: the request was answered from the cached miss, without a database read.
    expect((await call("GET", "/tasks?limit=1", undefined, asIt)).status).toBe(401);

    await createKey(["tasks:read"], "drops the misses");
    expect((await call("GET", "/tasks?limit=1", undefined, asIt)).status).toBe(200);
  });
});

import { describe, expect, it } from "vitest";
import { unwrap } from "../../client/api";
import { api, baseUrl, eventually, startClient } from "./helpers";

/** Opens a plain WebSocket (Node's own) and reports whether the server accepted it. */
function tryConnect(url: string): Promise<"open" | "refused"> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.addEventListener("open", () => {
      ws.close();
      resolve("open");
    });
    ws.addEventListener("error", () => resolve("refused"));
  });
}

describe("realtime over the network (wrangler dev)", () => {
  it("a Node client subscribes and receives a change made over REST", async () => {
    const { client, applied } = await startClient();
    try {
      const created = await unwrap(api().tasks.$post({ json: { title: "seen from node" } }));
      await eventually(() => applied.some((c) => c.id === created.id), 2000, "task.created over the socket");
      expect(applied.find((c) => c.id === created.id)?.data).toEqual(created);
    } finally {
      client.stop();
    }
  });

  it("refuses a WebSocket handshake without a valid token", async () => {
    const room = `${baseUrl().replace(/^http/, "ws")}/parties/main/default`;
    expect(await tryConnect(room)).toBe("refused");
    expect(await tryConnect(`${room}?token=forged.token.value`)).toBe("refused");
    const { token } = await unwrap(api().realtime.token.$post());
    expect(await tryConnect(`${room}?token=${token}`)).toBe("open");
    const plain = await fetch(`${baseUrl()}/parties/main/default?token=${token}`, { method: "POST", body: "{}" });
    expect(plain.status).toBe(404);
  });

  it("serves the dashboard at / without shadowing the API", async () => {
    const page = await fetch(`${baseUrl()}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>OpenClaw Sync</title>");
    expect((await fetch(`${baseUrl()}/assets/app.js`)).status).toBe(200);
    expect((await api().tasks.$get({ query: { limit: "1" } })).status).toBe(200);
    expect((await fetch(`${baseUrl()}/health`)).headers.get("content-type")).toContain("application/json");
  });
});

import { describe, expect, it } from "vitest";
import { call } from "../../../test/helpers";

describe("GET /health", () => {
  it("answers ok with the database and the version", async () => {
    const res = await call("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok", db: "ok", version: expect.any(String) });
  });
});

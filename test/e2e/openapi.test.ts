import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenApiClient } from "../../client/openapi-client";
import { openApiTypes } from "../../scripts/openapi-typescript/generate.ts";
import { adminKey, baseUrl } from "./helpers";

const ROOT = new URL("../..", import.meta.url).pathname;
let dir: string;
let document: any;
let documentFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ocs-openapi-"));
  const res = await fetch(`${baseUrl()}/openapi.json`);
  expect(res.status).toBe(200);
  document = await res.json();
  documentFile = join(dir, "openapi.json");
  writeFileSync(documentFile, JSON.stringify(document));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type LintProblem = { ruleId: string; severity: "error" | "warn"; location: { pointer: string }[] };

describe("the OpenAPI document, as tools read it", () => {
  it("passes `redocly lint` with the project's rules: no error, and only the accepted warnings", async () => {
    // --format json prints the problems on stdout; the exit code is 1 when there is an error.
    const { stdout } = await promisify(execFile)(
      join(ROOT, "node_modules/.bin/redocly"),
      ["lint", documentFile, "--config", join(ROOT, "redocly.yaml"), "--format", "json"],
      // Offline: no usage data sent, no check for a newer version.
      { cwd: ROOT, env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } },
    ).catch((err: { stdout: string }) => ({ stdout: err.stdout }));
    const problems = (JSON.parse(stdout) as { problems: LintProblem[] }).problems.map(
      (p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}`,
    );
    // The warnings redocly.yaml lists as accepted: public GETs with no 4xx to answer.
    expect(problems.sort()).toEqual([
      "warn operation-4xx-response #/paths/~1docs/get/responses",
      "warn operation-4xx-response #/paths/~1health/get/responses",
      "warn operation-4xx-response #/paths/~1openapi.json/get/responses",
    ]);
  });

  it("names every operation with a unique camelCase operationId, and marks only the public ones security: []", () => {
    const operations = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ at: `${method.toUpperCase()} ${path}`, op })),
    );
    const ids = operations.map(({ op }) => op.operationId);
    expect(ids.every((id) => /^[a-z]+(?:[A-Z][a-z0-9]*)+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const open = operations.filter(({ op }) => Array.isArray(op.security) && op.security.length === 0);
    // The calendar feed's address is its credential: calendar apps cannot send a header.
    expect(open.map(({ at }) => at).sort()).toEqual([
      "GET /calendar/{file}",
      "GET /docs",
      "GET /health",
      "GET /openapi.json",
    ]);
    // The canonical /v1 first, then the unversioned aliases.
    expect(document.servers).toEqual([
      { url: `${baseUrl()}/v1`, description: expect.any(String) },
      { url: baseUrl(), description: expect.any(String) },
    ]);
  });

  it("documents the headers the API honours and sends", () => {
    const parameters = (method: string, path: string) =>
      document.paths[path][method].parameters.map((p: { $ref?: string; name?: string }) => p.$ref ?? p.name);
    expect(parameters("patch", "/tasks/{id}")).toEqual(
      expect.arrayContaining([
        "#/components/parameters/IfMatch",
        "#/components/parameters/IdempotencyKey",
        "#/components/parameters/RequestId",
      ]),
    );
    expect(parameters("get", "/reminders/{id}")).toContain("#/components/parameters/IfNoneMatch");
    const created = document.paths["/tasks"].post.responses["201"].headers;
    expect(Object.keys(created).sort()).toEqual([
      "API-Version",
      "ETag",
      "Idempotent-Replayed",
      "Location",
      "X-Request-Id",
    ]);
    expect(Object.keys(document.paths["/tasks"].get.responses["429"].headers)).toContain("Retry-After");
    expect(Object.keys(document.components.headers).sort()).toEqual(
      [
        "API-Version",
        "ETag",
        "Idempotent-Replayed",
        "Location",
        "Retry-After",
        "WWW-Authenticate",
        "X-Request-Id",
      ].sort(),
    );
  });

  it("shows as nullable the PATCH fields that null clears", () => {
    const fields = document.components.schemas.UpdateTask.properties;
    for (const name of ["description", "due_time", "due_date", "rrule"]) {
      expect(fields[name].type, name).toEqual(["string", "null"]);
    }
    expect(document.components.schemas.UpdateReminder.properties.recipient.type).toEqual(["string", "null"]);
  });

  it("is what client/openapi.d.ts was generated from (npm run openapi:types regenerates it)", async () => {
    const committed = readFileSync(join(ROOT, "client/openapi.d.ts"), "utf8");
    const fresh = await openApiTypes(document);
    expect(fresh === committed, "client/openapi.d.ts is stale: run `npm run openapi:types`").toBe(true);
    expect(fresh).toMatch(/export interface operations \{\n\s+getHealth: \{/);
  });
});

describe("the openapi-fetch client (client/openapi-client.ts) runs the seed's examples", () => {
  const api = () => createOpenApiClient(baseUrl(), adminKey());

  it("creates a task, lists pending ones, completes it and sets a reminder, with the documented headers", async () => {
    const idempotencyKey = crypto.randomUUID();
    const body = {
      title: "Review pull requests",
      description: "Check and merge pending PRs",
      status: "pending" as const,
      source: "ui" as const,
      due_time: "2026-03-01T10:00:00Z",
    };
    const created = await api().POST("/tasks", { body, params: { header: { "Idempotency-Key": idempotencyKey } } });
    expect(created.response.status).toBe(201);
    const task = created.data!;
    expect(task).toMatchObject({ ...body, due_time: "2026-03-01T10:00:00.000Z", version: 1 });
    expect(created.response.headers.get("location")).toBe(`/tasks/${task.id}`);
    expect(created.response.headers.get("etag")).toBe('"1"');

    const retried = await api().POST("/tasks", { body, params: { header: { "Idempotency-Key": idempotencyKey } } });
    expect(retried.data?.id).toBe(task.id);
    expect(retried.response.headers.get("idempotent-replayed")).toBe("true");

    const pending = await api().GET("/tasks", { params: { query: { status: "pending", limit: 10 } } });
    expect(pending.response.status).toBe(200);
    expect(pending.data!.items.every((t) => t.status === "pending")).toBe(true);
    expect(pending.data!.items.map((t) => t.id)).toContain(task.id);

    const completed = await api().PATCH("/tasks/{id}", {
      params: { path: { id: task.id }, header: { "If-Match": created.response.headers.get("etag")! } },
      body: { status: "completed" },
    });
    expect(completed.data).toMatchObject({ id: task.id, status: "completed", version: 2 });
    const stale = await api().PATCH("/tasks/{id}", {
      params: { path: { id: task.id }, header: { "If-Match": '"1"' } },
      body: { title: "lost update" },
    });
    expect(stale.response.status).toBe(412);
    expect(stale.error).toMatchObject({ status: 412, type: "/problems/stale-version" });

    const reminder = await api().POST("/reminders", {
      body: { task_id: task.id, remind_at: "2026-03-01T09:30:00Z", channel: "telegram" },
    });
    expect(reminder.response.status).toBe(201);
    expect(reminder.data).toMatchObject({
      task_id: task.id,
      remind_at: "2026-03-01T09:30:00.000Z",
      channel: "telegram",
    });

    const cleared = await api().PATCH("/tasks/{id}", { params: { path: { id: task.id } }, body: { due_time: null } });
    expect(cleared.data).toMatchObject({ due_time: null });
  });

  it("types the error answers as problem documents", async () => {
    const missing = await api().GET("/tasks/{id}", { params: { path: { id: crypto.randomUUID() } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ status: 404, type: "/problems/not-found" });
    const refused = await createOpenApiClient(baseUrl(), "ocs_not-a-key").GET("/tasks");
    expect(refused.response.status).toBe(401);
    expect(refused.response.headers.get("www-authenticate")).toMatch(/^Bearer /);
  });
});

import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, call, changeOf, createKey, database, expectProblem, testStore } from "../../../test/helpers";
import { sweepOrphanObjects } from "../../services/attachment-sweep";

const ADMIN = `Bearer ${(env as { ADMIN_TOKEN?: string }).ADMIN_TOKEN}`;
const MiB = 1024 * 1024;

async function newTask() {
  const res = await call("POST", "/tasks", { title: `With files ${crypto.randomUUID().slice(0, 8)}` });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** Bytes that differ from offset to offset, so a shifted or truncated range shows. */
function bytes(n: number) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + (i >> 8)) & 0xff;
  return out;
}

const sha256 = async (data: BufferSource) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", data))].map((b) => b.toString(16).padStart(2, "0")).join("");

interface UploadOptions {
  filename?: string;
  type?: string;
  authorization?: string;
  headers?: Record<string, string>;
}

async function upload(
  task: string,
  body: BodyInit,
  { filename, type = "application/octet-stream", authorization = ADMIN, headers = {} }: UploadOptions = {},
) {
  const query = filename === undefined ? "" : `?${new URLSearchParams({ filename })}`;
  const res = await SELF.fetch(`${BASE}/tasks/${task}/attachments${query}`, {
    method: "POST",
    headers: { authorization, "content-type": type, ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const download = (id: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`${BASE}/attachments/${id}`, { headers: { authorization: ADMIN, ...headers } });

const objectKey = (task: string, id: string) => `tasks/${task}/${id}`;

describe("attachments", () => {
  it("store a raw upload: the row after the object, its sha256 and size; the download's bytes match", async () => {
    const task = await newTask();
    const data = bytes(300_000);
    const res = await upload(task, data, { filename: "photo.png", type: "image/png" });
    expect(res.status).toBe(201);
    const expected = await sha256(data);
    expect(res.body).toMatchObject({
      task_id: task,
      filename: "photo.png",
      content_type: "image/png",
      size: data.length,
      sha256: expected,
    });
    expect(res.headers.get("location")).toBe(`/attachments/${res.body.id}`);
    const [row] = await database()`select size, sha256 from attachments where id = ${res.body.id}`;
    expect(row).toEqual({ size: String(data.length), sha256: expected });
    expect((await env.ATTACHMENTS.head(objectKey(task, res.body.id)))?.size).toBe(data.length);
    // curl --data-binary's default label is no file type.
    const curl = await upload(task, "abc", { filename: "a.bin", type: "application/x-www-form-urlencoded" });
    expect(curl.body.content_type).toBe("application/octet-stream");

    const got = await download(res.body.id);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("image/png");
    expect(got.headers.get("content-length")).toBe(String(data.length));
    expect(got.headers.get("etag")).toBe(`"${expected}"`);
    const body = new Uint8Array(await got.arrayBuffer());
    expect(await sha256(body)).toBe(expected);
    expect(body).toEqual(data);
    expect((await download(res.body.id, { "if-none-match": `"${expected}"` })).status).toBe(304);
  });

  it("take multipart/form-data with one file part, streamed: the part's name and type", async () => {
    const task = await newTask();
    const data = bytes(70_000);
    const form = new FormData();
    form.append("file", new File([data], "notes ü.txt", { type: "text/plain" }));
    const req = new Request("http://x", { method: "POST", body: form });
    const res = await upload(task, await req.arrayBuffer(), { type: req.headers.get("content-type")! });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ filename: "notes ü.txt", content_type: "text/plain", size: data.length });
    expect(res.body.sha256).toBe(await sha256(data));
    expect(new Uint8Array(await (await download(res.body.id)).arrayBuffer())).toEqual(data);

    // As curl -F writes it (RFC 7578): a CRLF after the close delimiter, filename* for the exact name.
    const boundary = "------------------------d74496d66958873e";
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.bin"; filename*=UTF-8''r%C3%A9sum%C3%A9.bin\r\nContent-Type: application/pdf\r\n\r\n`;
    const body = new Blob([head, data, `\r\n--${boundary}--\r\n`]);
    const curl = await upload(task, await body.arrayBuffer(), { type: `multipart/form-data; boundary=${boundary}` });
    expect(curl.body).toMatchObject({ filename: "résumé.bin", content_type: "application/pdf", size: data.length });
    expect(curl.body.sha256).toBe(await sha256(data));
  });

  it("refuse a form that is not one file part (422) and keep nothing of it", async () => {
    const task = await newTask();
    const two = new FormData();
    two.append("file", new File([bytes(1000)], "a.bin"));
    two.append("note", "a second part");
    const noFile = new FormData();
    noFile.append("note", "no file here");
    for (const form of [two, noFile]) {
      const req = new Request("http://x", { method: "POST", body: form });
      const res = await upload(task, await req.arrayBuffer(), { type: req.headers.get("content-type")! });
      expectProblem(res, 422);
    }
    expectProblem(await upload(task, "x", { type: "multipart/form-data" }), 422);
    expect((await env.ATTACHMENTS.list({ prefix: `tasks/${task}/` })).objects).toEqual([]);
    expect((await call("GET", `/tasks/${task}/attachments`)).body.items).toEqual([]);
  });

  it("refuse 10 MiB + 1 with 413, from Content-Length, before anything is stored; a file of the limit is taken", async () => {
    const task = await newTask();
    const over = await upload(task, new Uint8Array(10 * MiB + 1), { filename: "big.bin" });
    expectProblem(over, 413);
    const form = new FormData();
    form.append("file", new File([new Uint8Array(10 * MiB + 1)], "big.bin"));
    const req = new Request("http://x", { method: "POST", body: form });
    expectProblem(await upload(task, await req.arrayBuffer(), { type: req.headers.get("content-type")! }), 413);
    expect((await env.ATTACHMENTS.list({ prefix: `tasks/${task}/` })).objects).toEqual([]);
    const limit = await upload(task, new Uint8Array(10 * MiB), { filename: "exact.bin" });
    expect(limit.status).toBe(201);
    expect(limit.body.size).toBe(10 * MiB);
  });

  it("refuse an empty body or a raw one without a filename (422), an unknown task (404), no Content-Length (411)", async () => {
    const task = await newTask();
    expectProblem(await upload(task, "", { filename: "empty.txt" }), 422);
    const unnamed = expectProblem(await upload(task, "abc"), 422);
    expect(unnamed.errors?.[0]?.path).toBe("filename");
    expectProblem(await upload(task, "abc", { filename: "a\u0000b" }), 422);
    expectProblem(await upload(task, "abc", { filename: "x".repeat(256) }), 422);
    expectProblem(await upload(task, "abc", { filename: "a.txt", type: "not a type" }), 422);
    const missing = crypto.randomUUID();
    expectProblem(await upload(missing, "abc", { filename: "a.txt" }), 404);
    expect((await env.ATTACHMENTS.list({ prefix: `tasks/${missing}/` })).objects).toEqual([]);
    expectProblem(await call("GET", `/tasks/${missing}/attachments`), 404);
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("chunked"));
        controller.close();
      },
    });
    expectProblem(await upload(task, stream, { filename: "chunked.txt" }), 411);
  });

  it("are listed per task, newest first, with cursor paging", async () => {
    const task = await newTask();
    const ids: string[] = [];
    for (const name of ["one.txt", "two.txt", "three.txt"]) {
      ids.push((await upload(task, `file ${name}`, { filename: name, type: "text/plain" })).body.id);
    }
    const first = await call("GET", `/tasks/${task}/attachments?limit=2`);
    expect(first.body.items.map((a: any) => a.id)).toEqual([ids[2], ids[1]]);
    const next = await call("GET", `/tasks/${task}/attachments?limit=2&cursor=${first.body.next_cursor}`);
    expect(next.body).toEqual({
      items: [expect.objectContaining({ id: ids[0], filename: "one.txt" })],
      next_cursor: null,
    });
    expectProblem(await call("GET", `/tasks/${task}/attachments?cursor=forged`), 422);
  });

  it("serve one byte range with 206 and Content-Range, and 416 outside the file", async () => {
    const task = await newTask();
    const data = bytes(10_000);
    const { id, sha256: hash } = (await upload(task, data, { filename: "r.bin" })).body;
    const cases: [string, number, number][] = [
      ["bytes=0-99", 0, 99],
      ["bytes=9990-", 9990, 9999],
      ["bytes=-10", 9990, 9999],
      ["bytes=5000-999999", 5000, 9999],
    ];
    for (const [range, first, last] of cases) {
      const res = await download(id, { range });
      expect(res.status, range).toBe(206);
      expect(res.headers.get("content-range"), range).toBe(`bytes ${first}-${last}/10000`);
      expect(res.headers.get("content-length")).toBe(String(last - first + 1));
      expect(new Uint8Array(await res.arrayBuffer()), range).toEqual(data.slice(first, last + 1));
    }
    for (const range of ["bytes=10000-", "bytes=-0"]) {
      const res = await download(id, { range });
      expect(res.status, range).toBe(416);
      expect(res.headers.get("content-range")).toBe("bytes */10000");
      await res.body?.cancel();
    }
    // Several ranges, another unit or a stale If-Range: the whole file (RFC 9110 §14.2 lets a server ignore Range).
    const ignored: Record<string, string>[] = [
      { range: "bytes=0-1,5-6" },
      { range: "items=0-1" },
      { range: "bytes=0-9", "if-range": '"x"' },
    ];
    for (const headers of ignored) {
      const res = await download(id, headers);
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(10_000);
    }
    expect((await download(id, { range: "bytes=0-9", "if-range": `"${hash}"` })).status).toBe(206);

    // From the dashboard's origin (CORS_ORIGINS), a browser may send Range and read what answers it.
    const origin = "http://localhost:8787";
    const preflight = await SELF.fetch(`${BASE}/attachments/${id}`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "range,if-range" },
    });
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/range.*if-range|if-range.*range/);
    const ranged = await download(id, { range: "bytes=0-9", origin });
    expect(ranged.headers.get("access-control-expose-headers")).toContain("content-range");
    expect(ranged.headers.get("access-control-expose-headers")).toContain("content-disposition");
    await ranged.body?.cancel();
  });

  it("store a path-traversal name as given and serve it only inside a safe Content-Disposition", async () => {
    const task = await newTask();
    const name = '../../etc/pass"wd\\ é;.txt';
    const res = await upload(task, "secret", { filename: name, type: "text/plain" });
    expect(res.body.filename).toBe(name);
    const got = await download(res.body.id);
    const disposition = got.headers.get("content-disposition")!;
    // RFC 6266: attachment; the fallback has no quote, backslash or slash; filename* has the name exactly.
    expect(disposition).toBe(
      `attachment; filename=".._.._etc_pass_wd_ _;.txt"; filename*=UTF-8''..%2F..%2Fetc%2Fpass%22wd%5C%20%C3%A9%3B.txt`,
    );
    const encoded = /filename\*=UTF-8''(.*)$/.exec(disposition)![1]!;
    expect(decodeURIComponent(encoded)).toBe(name);
    await got.body?.cancel();
  });

  it("serve text/html as a download with nosniff, never as a page", async () => {
    const task = await newTask();
    const html = "<script>alert(document.cookie)</script>";
    const { id } = (await upload(task, html, { filename: "page.html", type: "text/html" })).body;
    const got = await download(id);
    expect(got.headers.get("content-type")).toBe("text/html");
    expect(got.headers.get("x-content-type-options")).toBe("nosniff");
    expect(got.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(got.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await got.text()).toBe(html);
  });

  it("need tasks:write to upload or delete and tasks:read to list or download (403 otherwise)", async () => {
    const task = await newTask();
    const { id } = (await upload(task, "x", { filename: "x.txt" })).body;
    const reader = await createKey(["tasks:read"]);
    const other = await createKey(["reminders:read", "reminders:write"]);
    expectProblem(await upload(task, "y", { filename: "y.txt", authorization: reader.bearer }), 403);
    expectProblem(await call("DELETE", `/attachments/${id}`, undefined, { authorization: reader.bearer }), 403);
    expectProblem(await call("GET", `/tasks/${task}/attachments`, undefined, { authorization: other.bearer }), 403);
    expectProblem(await call("GET", `/attachments/${id}`, undefined, { authorization: other.bearer }), 403);
    expect((await download(id, { authorization: reader.bearer })).status).toBe(200);
    expect((await env.ATTACHMENTS.list({ prefix: `tasks/${task}/` })).objects).toHaveLength(1);
  });

  it("are deleted one by one, object and row, and with their task", async () => {
    const task = await newTask();
    const a = (await upload(task, "a", { filename: "a.txt" })).body;
    const b = (await upload(task, "b", { filename: "b.txt" })).body;
    expect((await call("DELETE", `/attachments/${a.id}`)).status).toBe(204);
    expect(await env.ATTACHMENTS.head(objectKey(task, a.id))).toBeNull();
    expectProblem(await call("GET", `/attachments/${a.id}`), 404);
    expectProblem(await call("DELETE", `/attachments/${a.id}`), 404);

    expect(await env.ATTACHMENTS.head(objectKey(task, b.id))).not.toBeNull();
    expect((await call("DELETE", `/tasks/${task}`)).status).toBe(204);
    expect(await env.ATTACHMENTS.head(objectKey(task, b.id))).toBeNull();
    expect(await database()`select id from attachments where task_id = ${task}`).toHaveLength(0);
  });

  it("under an Idempotency-Key, lose their object only once the row's deletion commits", async () => {
    const task = await newTask();
    const a = (await upload(task, "a", { filename: "a.txt" })).body;
    const b = (await upload(task, "b", { filename: "b.txt" })).body;
    expect(
      (await call("DELETE", `/attachments/${a.id}`, undefined, { "idempotency-key": crypto.randomUUID() })).status,
    ).toBe(204);
    expect(await env.ATTACHMENTS.head(objectKey(task, a.id))).toBeNull();

    // A retry whose first answer is stored: its DELETE runs before the claim's answer arrives and is
    // rolled back, so the task, its attachment and the object must all still be there.
    const key = crypto.randomUUID();
    const hash = await sha256(new TextEncoder().encode(`DELETE /tasks/${task}\n`));
    await database()`insert into idempotency_keys (owner, key, request_hash, state, locked_until, response_status, response_headers, response_body)
      values ('admin-token', ${key}, ${hash}, 'done', now(), 204, '{}', '')`;
    const replay = await call("DELETE", `/tasks/${task}`, undefined, { "idempotency-key": key });
    expect(replay.status).toBe(204);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect((await call("GET", `/tasks/${task}`)).status).toBe(200);
    expect(await env.ATTACHMENTS.head(objectKey(task, b.id))).not.toBeNull();
  });

  it("leave objects without a row to the sweep, which spares young ones and those with a row", async () => {
    const task = await newTask();
    const kept = (await upload(task, "kept", { filename: "kept.txt" })).body;
    const orphan = objectKey(task, crypto.randomUUID());
    await env.ATTACHMENTS.put(orphan, "no row");
    const store = testStore();
    // Only this task's objects: other files' uploads may be between their object and their row.
    const prefix = `tasks/${task}/`;
    const young = await sweepOrphanObjects(store, { now: new Date(), graceMs: 3_600_000, maxPages: 100, prefix });
    expect(young).toEqual({ seen: 2, deleted: 0 });
    expect(await env.ATTACHMENTS.head(orphan)).not.toBeNull();
    const later = new Date(Date.now() + 7_200_000);
    expect(await sweepOrphanObjects(store, { now: later, graceMs: 3_600_000, maxPages: 100, prefix })).toEqual({
      seen: 2,
      deleted: 1,
    });
    expect(await env.ATTACHMENTS.head(orphan)).toBeNull();
    expect(await env.ATTACHMENTS.head(objectKey(task, kept.id))).not.toBeNull();
  });
});

describe("attachments in the change log", () => {
  it("record attachment.created with the metadata REST shows, and attachment.deleted on DELETE and on the task's deletion", async () => {
    const task = await newTask();
    const kept = (await upload(task, bytes(10), { filename: "notes.txt", type: "text/plain" })).body;
    const removed = (await upload(task, bytes(20), { filename: "old.txt", type: "text/plain" })).body;
    const created = await changeOf(kept.id, (c) => c.type === "attachment.created");
    expect(created).toMatchObject({ entity: "attachment", op: "created", id: kept.id, data: kept });

    expect((await call("DELETE", `/attachments/${removed.id}`)).status).toBe(204);
    expect(await changeOf(removed.id, (c) => c.type === "attachment.deleted")).toMatchObject({ data: removed });

    // A task's deletion cascades to its attachments' rows, and each is recorded.
    expect((await call("DELETE", `/tasks/${task}`)).status).toBe(204);
    expect(await changeOf(kept.id, (c) => c.type === "attachment.deleted")).toMatchObject({ data: kept });
  });
});

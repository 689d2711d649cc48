import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { IdParam } from "../../http/fields";
import { empty, json, problems } from "../../http/openapi";
import { problem, problemResponse } from "../../http/problem";
import { scoped } from "../../middleware/auth";
import * as service from "../../services/attachments";
import { settingsOf } from "../../settings";
import { attachmentEtag, contentDisposition, matchesNoneOf, rangeOf } from "./download";
import { Attachment, AttachmentIdParam, AttachmentListQuery, AttachmentPage, UploadQuery } from "./schemas";
import { readUpload } from "./upload";
import { toAttachment } from "./view";

const binary = { type: "string", format: "binary" } as const;

const downloadHeaders = {
  ETag: { $ref: "#/components/headers/ETag" },
  "Content-Disposition": {
    description: "`attachment`, with the name as `filename*` (UTF-8) and an ASCII `filename` fallback.",
    schema: { type: "string" as const },
  },
  "X-Content-Type-Options": {
    description: "Always `nosniff`.",
    schema: { type: "string" as const, enum: ["nosniff"] },
  },
};

/** A task's attachments: upload and list, under /tasks/{id}/attachments. */
export const taskAttachmentRoutes = new OpenAPIHono<HonoEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/attachments",
      tags: ["attachments"],
      operationId: "uploadAttachment",
      summary: "Attach a file to a task",
      description:
        "The file's bytes as the body, with their Content-Type and `?filename=`; or multipart/form-data with one file part. Content-Length is required (411); above MAX_ATTACHMENT_BYTES (default 10 MiB) the answer is 413 before anything is stored, and an empty file is 422. The file streams to storage and its row is written once it is stored. Not replayed for an Idempotency-Key: a retry stores a second copy.",
      ...scoped("tasks:write"),
      request: {
        params: IdParam,
        query: UploadQuery,
        body: {
          required: true,
          description:
            "Any media type: the raw file (its type is stored and served back), or a form with one file part.",
          content: {
            "application/octet-stream": { schema: binary },
            "multipart/form-data": {
              schema: { type: "object", required: ["file"], properties: { file: binary } },
            },
          },
        },
      },
      responses: {
        201: json(Attachment, "The stored attachment; Location names its download.", "Location"),
        ...problems(400, 404, 411, 413, 422),
      },
    }),
    async (c) => {
      const { maxBytes } = settingsOf(c.env).attachments;
      const upload = await readUpload(c, maxBytes, c.req.valid("query").filename);
      const row = await service.createAttachment(c.var.store, { task_id: c.req.valid("param").id, ...upload });
      return c.json(toAttachment(row), 201, { location: `/attachments/${row.id}` });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/attachments",
      tags: ["attachments"],
      operationId: "listAttachments",
      summary: "List a task's attachments, newest first",
      description: "Their metadata; each one's bytes are `GET /attachments/{id}`. Pass `next_cursor` back as `cursor`.",
      ...scoped("tasks:read"),
      request: { params: IdParam, query: AttachmentListQuery },
      responses: { 200: json(AttachmentPage, "One page of attachments."), ...problems(404, 422) },
    }),
    async (c) => {
      const { items, next_cursor } = await service.listAttachments(c.var.store, {
        task_id: c.req.valid("param").id,
        ...c.req.valid("query"),
      });
      return c.json({ items: items.map(toAttachment), next_cursor }, 200);
    },
  );

/** One attachment: its bytes, and its deletion. */
export const attachmentRoutes = new OpenAPIHono<HonoEnv>()
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["attachments"],
      operationId: "downloadAttachment",
      summary: "Download an attachment",
      description:
        "The bytes as a download (`Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`), with the stored Content-Type. One `Range: bytes=…` is answered with 206 and Content-Range, an unsatisfiable one with 416; the ETag is the SHA-256, for If-None-Match (304) and If-Range.",
      ...scoped("tasks:read"),
      request: {
        params: AttachmentIdParam,
      },
      parameters: [
        {
          name: "Range",
          in: "header",
          required: false,
          description: "One byte range, such as `bytes=0-1023`, `bytes=1024-` or `bytes=-512`.",
          schema: { type: "string", example: "bytes=0-1023" },
        },
        {
          name: "If-Range",
          in: "header",
          required: false,
          description: "The ETag you hold: the Range is honoured only while it is current.",
          schema: { type: "string" },
        },
        {
          name: "If-None-Match",
          in: "header",
          required: false,
          description: "ETags you hold; while one is current the answer is 304 without a body.",
          schema: { type: "string" },
        },
      ],
      responses: {
        200: {
          description: "The whole file.",
          headers: downloadHeaders,
          content: { "*/*": { schema: binary } },
        },
        206: {
          description: "The requested range.",
          headers: {
            ...downloadHeaders,
            "Content-Range": { description: "bytes first-last/size", schema: { type: "string" } },
          },
          content: { "*/*": { schema: binary } },
        },
        304: { description: "Unchanged since the ETag given in If-None-Match." },
        ...problems(404),
        416: {
          description: "The Range lies outside the file; Content-Range gives its size.",
          headers: { "Content-Range": { description: "bytes */size", schema: { type: "string" } } },
          content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        },
      },
    }),
    async (c) => {
      const row = await service.getAttachment(c.var.store, c.req.valid("param"));
      const etag = attachmentEtag(row.sha256);
      if (matchesNoneOf(c.req.header("if-none-match"), etag)) return c.body(null, 304, { etag });
      const ifRange = c.req.header("if-range");
      const range = ifRange && ifRange.trim() !== etag ? undefined : rangeOf(c.req.header("range"), row.size);
      if (range === "unsatisfiable") {
        return problemResponse(
          c,
          problem(416, "range-not-satisfiable", `The Range lies outside the file's ${row.size} bytes.`),
          { "content-range": `bytes */${row.size}` },
        );
      }
      const object = await service.readAttachment(c.var.store, { row, range });
      if (!object) throw new Error(`The object of attachment ${row.id} is missing from R2.`);
      const headers: Record<string, string> = {
        "content-type": row.content_type,
        "content-disposition": contentDisposition(row.filename),
        "x-content-type-options": "nosniff",
        "accept-ranges": "bytes",
        "cache-control": "private, no-cache",
        etag,
      };
      if (!range)
        return new Response(object.body, { status: 200, headers: { ...headers, "content-length": String(row.size) } });
      const last = range.offset + range.length - 1;
      return new Response(object.body, {
        status: 206,
        headers: {
          ...headers,
          "content-length": String(range.length),
          "content-range": `bytes ${range.offset}-${last}/${row.size}`,
        },
      });
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["attachments"],
      operationId: "deleteAttachment",
      summary: "Delete an attachment",
      description: "Its row, then its stored bytes.",
      ...scoped("tasks:write"),
      request: { params: AttachmentIdParam },
      responses: { 204: empty("Deleted."), ...problems(404) },
    }),
    async (c) => {
      await service.deleteAttachment(c.var.store, c.req.valid("param"));
      return c.body(null, 204);
    },
  );

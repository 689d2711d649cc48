/**
 * The one route whose body is a file, streamed to R2 as it arrives: POST /tasks/{id}/attachments.
 * The app-wide middleware that reads a whole body (the JSON size limit, curl's form relabelling,
 * Idempotency-Key's request hash) leaves it alone; it has its own limit, MAX_ATTACHMENT_BYTES.
 */
const UPLOAD_PATH = /^\/tasks\/[^/]+\/attachments\/?$/;

/** Whether this request is a file upload whose body must not be buffered. */
export const isStreamedUpload = (method: string, path: string) => method === "POST" && UPLOAD_PATH.test(path);

/** The same route as the OpenAPI document names it. */
export const UPLOAD_OPERATION = { method: "post", path: "/tasks/{id}/attachments" } as const;

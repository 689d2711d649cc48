import { z } from "../../http/zod";
import { AttachmentListQuery, AttachmentPage } from "../../routes/attachments/schemas";
import { toAttachment } from "../../routes/attachments/view";
import * as service from "../../services/attachments";
import { defineTool } from "../tool";

/** Attachments to agents: their list only. Files go up and down over REST, which streams them. */
export const attachmentTools = [
  defineTool({
    name: "list_attachments",
    title: "List a task's attachments",
    description:
      "List the files attached to a task, newest first: each one's filename, content_type, size (bytes) and sha256. Returns { items, next_cursor }. The bytes are not in the result: the user downloads one at GET /attachments/{id}.",
    scope: "tasks:read",
    input: AttachmentListQuery.extend({ task_id: z.uuid() }),
    output: AttachmentPage,
    arguments: { task_id: "The task's id (from list_tasks or get_task)." },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run: async ({ store }, args) => {
      const { items, next_cursor } = await service.listAttachments(store, args);
      return { items: items.map(toAttachment), next_cursor };
    },
  }),
];

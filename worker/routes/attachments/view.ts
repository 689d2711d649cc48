import type { z } from "@hono/zod-openapi";
import { attachmentView } from "../../services/views";
import type { Attachment } from "./schemas";

/** An attachment row as the API shows it (REST and the MCP tool alike). */
export const toAttachment = (row: Record<string, unknown>) => attachmentView(row) as z.infer<typeof Attachment>;

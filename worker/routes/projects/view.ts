import type { z } from "@hono/zod-openapi";
import { projectView } from "../../services/views";
import type { Project } from "./schemas";

/** A project row as the API shows it (REST and the MCP tools alike). */
export const toProject = (row: Record<string, unknown>) => projectView(row) as z.infer<typeof Project>;

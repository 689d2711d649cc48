import type { z } from "@hono/zod-openapi";
import { completionView, taskView } from "../../services/views";
import type { Task, TaskCompletion } from "./schemas";

export type TaskResource = z.infer<typeof Task>;

/** A task row as the API shows it (REST, the agenda and the MCP tools alike). */
export const toTask = (row: Record<string, unknown>) => taskView(row) as TaskResource;

/** A completion row as `GET /tasks/{id}/completions` shows it. */
export const toCompletion = (row: Record<string, unknown>) => completionView(row) as z.infer<typeof TaskCompletion>;

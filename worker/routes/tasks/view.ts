import type { z } from "@hono/zod-openapi";
import type { QuickAdded as QuickAddedRow } from "../../services/quick-add";
import { completionView, taskView } from "../../services/views";
import { toReminder } from "../reminders/view";
import type { QuickAdded, Task, TaskCompletion } from "./schemas";

export type TaskResource = z.infer<typeof Task>;

/** A task row as the API shows it (REST, the agenda and the MCP tools alike). */
export const toTask = (row: Record<string, unknown>) => taskView(row) as TaskResource;

/** A completion row as `GET /tasks/{id}/completions` shows it. */
export const toCompletion = (row: Record<string, unknown>) => completionView(row) as z.infer<typeof TaskCompletion>;

/** A quick add's result as REST and the MCP tool show it. */
export const toQuickAdded = ({ task, reminder, understood }: QuickAddedRow): z.infer<typeof QuickAdded> => ({
  task: toTask(task),
  reminder: reminder && toReminder(reminder),
  understood,
});

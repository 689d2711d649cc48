import type { z } from "@hono/zod-openapi";
import type { QuickAdded } from "../../services/quick-add";
import { toReminder } from "../reminders/view";
import type { QuickAdded as QuickAddedSchema } from "./quick-schemas";
import { toTask } from "./view";

/** A quick add's result as REST and the MCP tool show it. */
export const toQuickAdded = ({ task, reminder, understood }: QuickAdded): z.infer<typeof QuickAddedSchema> => ({
  task: toTask(task),
  reminder: reminder && toReminder(reminder),
  understood,
});

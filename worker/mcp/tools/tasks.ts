import { IdParam } from "../../http/fields";
import { z } from "../../http/zod";
import { LabelList } from "../../routes/labels/schemas";
import {
  CreateTask,
  QuickAdd,
  QuickAdded,
  Task,
  TaskListQuery,
  TaskPage,
  UpdateTask,
} from "../../routes/tasks/schemas";
import { toQuickAdded, toTask } from "../../routes/tasks/view";
import { hasScope } from "../../services/api-keys";
import { listLabels } from "../../services/labels";
import { quickAdd } from "../../services/quick-add";
import * as service from "../../services/tasks";
import { updateTask } from "../../services/update-task";
import { Deleted, defineTool, TIME_RULE } from "../tool";

const TaskId = z.strictObject({ id: IdParam.shape.id });
const ID = "The task's id (a UUID), as returned by create_task, list_tasks or agenda.";

export const taskTools = [
  defineTool({
    name: "create_task",
    title: "Create a task",
    description: `Add a task (a to-do) to the user's task list, the one list their other agents and dashboard share. Use it when the user asks you to remember, track or do something. Give due_time only when the user names a time. To have the user notified at a time, then call create_reminder with the returned id. ${TIME_RULE}`,
    scope: "tasks:write",
    input: CreateTask,
    output: Task,
    arguments: {
      title: "Short, as the user would say it.",
      due_time: "When it is due, with an offset; omit if the user named no time.",
      source: "Where the request came from: telegram, whatsapp, ui or system (default).",
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run: async ({ store }, args) => toTask(await service.createTask(store, args)),
  }),
  defineTool({
    name: "quick_add",
    title: "Quick add a task from the user's words",
    description:
      'Create a task, and a reminder if asked, from one line in English as the user said it: "call the dentist tomorrow at 9", "pay rent on the 1st, remind me 1 hour before", "remind me to stretch in 20 minutes". The server reads the date and time in `timezone` (an IANA name such as Europe/Berlin; default UTC): pass the user\'s zone, and if you do not know it, ask them; never guess one. A date without a time makes an all-day task. The result\'s `understood` (due_text, due_local, all_day, reminder_text) says how the words were read: tell the user, and fix it with update_task if it is wrong. Adding a reminder also needs the scope \'reminders:write\'.',
    scope: "tasks:write",
    input: QuickAdd,
    output: QuickAdded,
    arguments: {
      text: "The user's words, e.g. 'call the dentist tomorrow at 9, remind me 1 hour before'.",
      timezone: "The user's IANA time zone, e.g. Europe/Berlin; default UTC.",
      channel: "Where the reminder goes, if the text asks for one: telegram, whatsapp, ui (default) or webhook.",
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run: async ({ store, principal }, args) =>
      toQuickAdded(await quickAdd(store, { ...args, allowReminder: hasScope(principal, "reminders:write") })),
  }),
  defineTool({
    name: "list_tasks",
    title: "List tasks",
    description: `List tasks, newest first, optionally filtered by status (pending, completed, cancelled), source, project, assignee (a person's id from list_people, or none), label (several: tasks with all of them), and due time (due_after inclusive, due_before exclusive). Returns { items, next_cursor }; pass next_cursor back as cursor for the next page. For "what do I have today or this week", prefer agenda, which groups by the user's local day. ${TIME_RULE}`,
    scope: "tasks:read",
    input: TaskListQuery,
    output: TaskPage,
    arguments: { limit: "Page size, 1–200 (default 50)." },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run: async ({ store }, args) => {
      const { items, next_cursor } = await service.listTasks(store, args);
      return { items: items.map(toTask), next_cursor };
    },
  }),
  defineTool({
    name: "list_labels",
    title: "List labels",
    description:
      "The labels in use on the user's tasks, most used first, with how many tasks carry each. Use the names as written when labelling a task (labels match case-insensitively), or to filter list_tasks by label.",
    scope: "tasks:read",
    input: z.strictObject({}),
    output: LabelList,
    arguments: {},
    annotations: { readOnlyHint: true, idempotentHint: true },
    run: async ({ store }) => ({ items: await listLabels(store) }),
  }),
  defineTool({
    name: "get_task",
    title: "Get a task",
    description: "Fetch one task by id, with its current status, due time and version.",
    scope: "tasks:read",
    input: TaskId,
    output: Task,
    arguments: { id: ID },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run: async ({ store }, { id }) => toTask(await service.getTask(store, { id })),
  }),
  defineTool({
    name: "update_task",
    title: "Change a task",
    description: `Change some fields of a task: put only the fields to change in \`changes\` (title, description, status, due_time, source, labels, project_id, assignee_id); a null description or due_time clears it. To mark a task done, use complete_task. ${TIME_RULE}`,
    scope: "tasks:write",
    input: z.strictObject({ id: IdParam.shape.id, changes: UpdateTask, version: Task.shape.version.optional() }),
    output: Task,
    arguments: {
      id: ID,
      changes: 'The fields to change, e.g. { "due_time": "2026-03-02T09:00:00+01:00" }.',
      version:
        "Optional: the task's version as you last read it. If someone has changed the task since, nothing changes and you get an error: read it again and redo the change.",
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run: async ({ store }, { id, changes, version }) =>
      toTask(await updateTask(store, { id, changes, expectedVersion: version })),
  }),
  defineTool({
    name: "complete_task",
    title: "Complete a task",
    description:
      "Mark a task as done (status completed). Use it when the user says they did it. Its reminders are kept; delete them with delete_reminder if the user no longer wants them.",
    scope: "tasks:write",
    input: TaskId,
    output: Task,
    arguments: { id: ID },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run: async ({ store }, { id }) => toTask(await updateTask(store, { id, changes: { status: "completed" } })),
  }),
  defineTool({
    name: "delete_task",
    title: "Delete a task",
    description:
      "Permanently delete a task and all its reminders. Only when the user asks to remove it: if they finished it, use complete_task; if they dropped it, update_task with status cancelled.",
    scope: "tasks:write",
    input: TaskId,
    output: Deleted("task"),
    arguments: { id: ID },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    run: async ({ store }, { id }) => {
      await service.deleteTask(store, { id });
      return { deleted: "task" as const, id };
    },
  }),
];

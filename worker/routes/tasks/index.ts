import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { etagOf, ifMatchVersion, notModified } from "../../http/etag";
import { IdParam } from "../../http/fields";
import { empty, json, jsonBody, notModifiedResponse, problems, requestHeaders } from "../../http/openapi";
import { scoped } from "../../middleware/auth";
import { hasScope } from "../../services/api-keys";
import { quickAdd } from "../../services/quick-add";
import { listCompletions } from "../../services/task-completions";
import * as service from "../../services/tasks";
import { updateTask } from "../../services/update-task";
import {
  CompletionListQuery,
  CreateTask,
  QuickAdd,
  QuickAdded,
  Task,
  TaskCompletionPage,
  TaskListQuery,
  TaskPage,
  UpdateTask,
} from "./schemas";
import { toCompletion, toQuickAdded, toTask } from "./view";

export const taskRoutes = new OpenAPIHono<HonoEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["tasks"],
      operationId: "createTask",
      summary: "Create a task",
      description:
        "A task with a title and, optionally, a due: `due_time` (an instant with an offset) or `due_date` (all-day, in `timezone`), and an RFC 5545 `rrule` to recur.",
      ...scoped("tasks:write"),
      request: jsonBody(CreateTask),
      responses: {
        201: json(Task, "The created task; Location names it.", "ETag", "Location"),
        ...problems(400, 413, 415, 422),
      },
    }),
    async (c) => {
      const task = toTask(await service.createTask(c.var.store, c.req.valid("json")));
      return c.json(task, 201, { location: `/tasks/${task.id}`, etag: etagOf(task.version) });
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/quick",
      tags: ["tasks"],
      operationId: "quickAddTask",
      summary: "Create a task from one line of text",
      description:
        'Reads a due and an optional reminder out of `text` (English, by chrono), in `timezone`: "call the dentist tomorrow at 9", "pay rent on the 1st, remind me 1 hour before", "remind me to stretch in 20 minutes". A date without a time makes an all-day task; text without a date makes an undated task. The task and its reminder are created together; `understood` says how the text was read. A reminder also needs the scope `reminders:write` (403 otherwise, and nothing is created); asking for one without a date or time is a 422 naming `text`.',
      ...scoped("tasks:write"),
      request: jsonBody(QuickAdd),
      responses: {
        201: json(QuickAdded, "The created task and reminder; Location names the task.", "Location"),
        ...problems(400, 413, 415, 422),
      },
    }),
    async (c) => {
      const added = toQuickAdded(
        await quickAdd(c.var.store, {
          ...c.req.valid("json"),
          allowReminder: hasScope(c.var.principal, "reminders:write"),
        }),
      );
      return c.json(added, 201, { location: `/tasks/${added.task.id}` });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["tasks"],
      operationId: "listTasks",
      summary: "List tasks, newest first",
      description:
        "Filters combine; `due_after` is inclusive, `due_before` exclusive. Pass `next_cursor` back as `cursor`.",
      ...scoped("tasks:read"),
      request: { query: TaskListQuery },
      responses: { 200: json(TaskPage, "One page of tasks."), ...problems(422) },
    }),
    async (c) => {
      const { items, next_cursor } = await service.listTasks(c.var.store, c.req.valid("query"));
      return c.json({ items: items.map(toTask), next_cursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["tasks"],
      operationId: "getTask",
      summary: "Get a task",
      description: "If-None-Match with the task's current ETag answers 304 without a body.",
      ...scoped("tasks:read"),
      ...requestHeaders("IfNoneMatch"),
      request: { params: IdParam },
      responses: {
        200: json(Task, "The task; ETag is its version.", "ETag"),
        ...notModifiedResponse,
        ...problems(404),
      },
    }),
    async (c) => {
      const task = toTask(await service.getTask(c.var.store, c.req.valid("param")));
      const etag = etagOf(task.version);
      if (notModified(c, task.version)) return c.body(null, 304, { etag });
      return c.json(task, 200, { etag });
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags: ["tasks"],
      operationId: "updateTask",
      summary: "Change some fields of a task",
      description:
        "Send only the fields to change; null clears `description`, `due_time`, `due_date` or `rrule`. Moving the due moves its relative reminders; completing a recurring task advances it to its next occurrence. If-Match guards against lost updates.",
      ...scoped("tasks:write"),
      ...requestHeaders("IfMatch"),
      request: { params: IdParam, ...jsonBody(UpdateTask) },
      responses: { 200: json(Task, "The updated task.", "ETag"), ...problems(400, 404, 412, 413, 415, 422) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const changes = c.req.valid("json");
      const task = toTask(await updateTask(c.var.store, { id, changes, expectedVersion: ifMatchVersion(c) }));
      return c.json(task, 200, { etag: etagOf(task.version) });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/completions",
      tags: ["tasks"],
      operationId: "listTaskCompletions",
      summary: "List a task's completions, newest first",
      description: "One per completion: for a recurring task, one per completed occurrence.",
      ...scoped("tasks:read"),
      request: { params: IdParam, query: CompletionListQuery },
      responses: { 200: json(TaskCompletionPage, "One page of completions."), ...problems(404, 422) },
    }),
    async (c) => {
      const { items, next_cursor } = await listCompletions(c.var.store, {
        task_id: c.req.valid("param").id,
        ...c.req.valid("query"),
      });
      return c.json({ items: items.map(toCompletion), next_cursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["tasks"],
      operationId: "deleteTask",
      summary: "Delete a task and its reminders",
      description:
        "For good, with every reminder of the task. If-Match guards against deleting a version you have not seen.",
      ...scoped("tasks:write"),
      ...requestHeaders("IfMatch"),
      request: { params: IdParam },
      responses: { 204: empty("Deleted."), ...problems(404, 412) },
    }),
    async (c) => {
      await service.deleteTask(c.var.store, { id: c.req.valid("param").id, expectedVersion: ifMatchVersion(c) });
      return c.body(null, 204);
    },
  );

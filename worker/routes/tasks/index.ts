import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { etagOf, ifMatchVersion, notModified } from "../../http/etag";
import { IdParam } from "../../http/fields";
import { json, jsonBody, notModifiedResponse, problems, withIfMatch } from "../../http/openapi";
import { scoped } from "../../middleware/auth";
import { listCompletions } from "../../services/task-completions";
import * as service from "../../services/tasks";
import { updateTask } from "../../services/update-task";
import {
  CompletionListQuery,
  CreateTask,
  Task,
  TaskCompletionPage,
  TaskListQuery,
  TaskPage,
  UpdateTask,
} from "./schemas";
import { toCompletion, toTask } from "./view";

export const taskRoutes = new OpenAPIHono<HonoEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["tasks"],
      summary: "Create a task",
      ...scoped("tasks:write"),
      request: jsonBody(CreateTask),
      responses: { 201: json(Task, "The created task; Location names it."), ...problems(400, 413, 415, 422) },
    }),
    async (c) => {
      const task = toTask(await service.createTask(c.var.store, c.req.valid("json")));
      return c.json(task, 201, { location: `/tasks/${task.id}`, etag: etagOf(task.version) });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["tasks"],
      summary: "List tasks, newest first",
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
      summary: "Get a task (If-None-Match answers 304 while it is unchanged)",
      ...scoped("tasks:read"),
      request: { params: IdParam },
      responses: { 200: json(Task, "The task; ETag is its version."), ...notModifiedResponse, ...problems(404) },
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
      summary: "Change some fields of a task (If-Match guards against lost updates)",
      ...scoped("tasks:write"),
      request: { params: IdParam, ...withIfMatch, ...jsonBody(UpdateTask) },
      responses: { 200: json(Task, "The updated task."), ...problems(400, 404, 412, 413, 415, 422) },
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
      summary: "List a task's completions, newest first (one per completed occurrence of a recurring task)",
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
      summary: "Delete a task and its reminders",
      ...scoped("tasks:write"),
      request: { params: IdParam, ...withIfMatch },
      responses: { 204: { description: "Deleted." }, ...problems(404, 412) },
    }),
    async (c) => {
      await service.deleteTask(c.var.store, { id: c.req.valid("param").id, expectedVersion: ifMatchVersion(c) });
      return c.body(null, 204);
    },
  );

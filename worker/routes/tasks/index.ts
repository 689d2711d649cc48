import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import { toResource } from "../../db/resource";
import { taskCompletions, tasks } from "../../db/schema";
import type { HonoEnv } from "../../env";
import { IdParam } from "../../http/fields";
import { json, jsonBody, problems } from "../../http/openapi";
import { listCompletions } from "../../services/task-completions";
import { timeSettings } from "../../services/task-schedule";
import * as service from "../../services/tasks";
import { updateTask } from "../../services/update-task";
import {
  CompletionListQuery,
  CreateTask,
  HIDDEN_TASK_COLUMNS,
  Task,
  type TaskCompletion,
  TaskCompletionPage,
  TaskListQuery,
  TaskPage,
  UpdateTask,
} from "./schemas";

type TaskResource = z.infer<typeof Task>;
const toCompletion = (row: Record<string, unknown>) =>
  toResource(taskCompletions, row) as z.infer<typeof TaskCompletion>;
const toTask = (row: Record<string, unknown>) => toResource(tasks, row, HIDDEN_TASK_COLUMNS) as TaskResource;

export const taskRoutes = new OpenAPIHono<HonoEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["tasks"],
      summary: "Create a task",
      request: jsonBody(CreateTask),
      responses: { 201: json(Task, "The created task; Location names it."), ...problems(400, 413, 415, 422) },
    }),
    async (c) => {
      const task = toTask(await service.createTask(c.var.store, c.req.valid("json"), timeSettings(c.env)));
      return c.json(task, 201, { location: `/tasks/${task.id}` });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["tasks"],
      summary: "List tasks, newest first",
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
      summary: "Get a task",
      request: { params: IdParam },
      responses: { 200: json(Task, "The task."), ...problems(404) },
    }),
    async (c) => c.json(toTask(await service.getTask(c.var.store, c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags: ["tasks"],
      summary: "Change some fields of a task",
      request: { params: IdParam, ...jsonBody(UpdateTask) },
      responses: { 200: json(Task, "The updated task."), ...problems(400, 404, 413, 415, 422) },
    }),
    async (c) => {
      const task = await updateTask(c.var.store, c.req.valid("param").id, c.req.valid("json"), timeSettings(c.env));
      return c.json(toTask(task), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/completions",
      tags: ["tasks"],
      summary: "List a task's completions, newest first (one per completed occurrence of a recurring task)",
      request: { params: IdParam, query: CompletionListQuery },
      responses: { 200: json(TaskCompletionPage, "One page of completions."), ...problems(404, 422) },
    }),
    async (c) => {
      const { items, next_cursor } = await listCompletions(c.var.store, c.req.valid("param").id, c.req.valid("query"));
      return c.json({ items: items.map(toCompletion), next_cursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["tasks"],
      summary: "Delete a task and its reminders",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted." }, ...problems(404) },
    }),
    async (c) => {
      await service.deleteTask(c.var.store, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

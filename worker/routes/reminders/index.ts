import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import { toResource } from "../../db/resource";
import { reminders } from "../../db/schema";
import type { HonoEnv } from "../../env";
import { IdParam } from "../../http/fields";
import { json, jsonBody, problems } from "../../http/openapi";
import * as service from "../../services/reminders";
import {
  CreateReminder,
  HIDDEN_REMINDER_COLUMNS,
  Reminder,
  ReminderListQuery,
  ReminderPage,
  SnoozeReminder,
  UpdateReminder,
} from "./schemas";

type ReminderResource = z.infer<typeof Reminder>;
const toReminder = (row: Record<string, unknown>) =>
  ({ ...toResource(reminders, row, HIDDEN_REMINDER_COLUMNS), timezone: row.timezone }) as ReminderResource;

export const reminderRoutes = new OpenAPIHono<HonoEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["reminders"],
      summary: "Create a reminder",
      request: jsonBody(CreateReminder),
      responses: { 201: json(Reminder, "The created reminder; Location names it."), ...problems(400, 413, 415, 422) },
    }),
    async (c) => {
      const reminder = toReminder(await service.createReminder(c.var.store, c.req.valid("json")));
      return c.json(reminder, 201, { location: `/reminders/${reminder.id}` });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["reminders"],
      summary: "List reminders, newest first",
      request: { query: ReminderListQuery },
      responses: { 200: json(ReminderPage, "One page of reminders."), ...problems(422) },
    }),
    async (c) => {
      const { items, next_cursor } = await service.listReminders(c.var.store, c.req.valid("query"));
      return c.json({ items: items.map(toReminder), next_cursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["reminders"],
      summary: "Get a reminder",
      request: { params: IdParam },
      responses: { 200: json(Reminder, "The reminder."), ...problems(404) },
    }),
    async (c) => c.json(toReminder(await service.getReminder(c.var.store, c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags: ["reminders"],
      summary: "Move it (remind_at, or offset_minutes from the task's due; either re-arms it) or change the channel",
      request: { params: IdParam, ...jsonBody(UpdateReminder) },
      responses: { 200: json(Reminder, "The updated reminder."), ...problems(400, 404, 413, 415, 422) },
    }),
    async (c) => {
      const reminder = await service.updateReminder(c.var.store, c.req.valid("param").id, c.req.valid("json"));
      return c.json(toReminder(reminder), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/snooze",
      tags: ["reminders"],
      summary: "Snooze a reminder that has fired: fire again in `minutes` or at `until`",
      request: { params: IdParam, ...jsonBody(SnoozeReminder) },
      responses: { 200: json(Reminder, "The re-armed reminder."), ...problems(400, 404, 409, 413, 415, 422) },
    }),
    async (c) => {
      const { minutes, until } = c.req.valid("json");
      const at = until ?? new Date(Date.now() + minutes! * 60_000);
      const reminder = await service.snoozeReminder(c.var.store, c.req.valid("param").id, at);
      return c.json(toReminder(reminder), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["reminders"],
      summary: "Delete a reminder",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted." }, ...problems(404) },
    }),
    async (c) => {
      await service.deleteReminder(c.var.store, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

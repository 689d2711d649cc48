import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { etagOf, ifMatchVersion, notModified } from "../../http/etag";
import { IdParam } from "../../http/fields";
import { json, jsonBody, notModifiedResponse, problems, withIfMatch } from "../../http/openapi";
import { scoped } from "../../middleware/auth";
import * as service from "../../services/reminders";
import {
  CreateReminder,
  Reminder,
  ReminderListQuery,
  ReminderPage,
  SnoozeReminder,
  snoozeUntil,
  UpdateReminder,
} from "./schemas";
import { toReminder } from "./view";

export const reminderRoutes = new OpenAPIHono<HonoEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["reminders"],
      summary: "Create a reminder",
      ...scoped("reminders:write"),
      request: jsonBody(CreateReminder),
      responses: { 201: json(Reminder, "The created reminder; Location names it."), ...problems(400, 413, 415, 422) },
    }),
    async (c) => {
      const reminder = toReminder(await service.createReminder(c.var.store, c.req.valid("json")));
      return c.json(reminder, 201, { location: `/reminders/${reminder.id}`, etag: etagOf(reminder.version) });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["reminders"],
      summary: "List reminders, newest first",
      ...scoped("reminders:read"),
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
      summary: "Get a reminder (If-None-Match answers 304 while it is unchanged)",
      ...scoped("reminders:read"),
      request: { params: IdParam },
      responses: {
        200: json(Reminder, "The reminder; ETag is its version."),
        ...notModifiedResponse,
        ...problems(404),
      },
    }),
    async (c) => {
      const reminder = toReminder(await service.getReminder(c.var.store, c.req.valid("param")));
      const etag = etagOf(reminder.version);
      if (notModified(c, reminder.version)) return c.body(null, 304, { etag });
      return c.json(reminder, 200, { etag });
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags: ["reminders"],
      summary:
        "Move it (remind_at, or offset_minutes from the task's due; either re-arms it), change channel or recipient; If-Match guards against lost updates",
      ...scoped("reminders:write"),
      request: { params: IdParam, ...withIfMatch, ...jsonBody(UpdateReminder) },
      responses: { 200: json(Reminder, "The updated reminder."), ...problems(400, 404, 412, 413, 415, 422) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const changes = c.req.valid("json");
      const reminder = toReminder(
        await service.updateReminder(c.var.store, { id, changes, expectedVersion: ifMatchVersion(c) }),
      );
      return c.json(reminder, 200, { etag: etagOf(reminder.version) });
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/snooze",
      tags: ["reminders"],
      summary: "Snooze a reminder that has fired: fire again in `minutes` or at `until`",
      ...scoped("reminders:write"),
      request: { params: IdParam, ...jsonBody(SnoozeReminder) },
      responses: { 200: json(Reminder, "The re-armed reminder."), ...problems(400, 404, 409, 413, 415, 422) },
    }),
    async (c) => {
      const until = snoozeUntil(c.req.valid("json"));
      const reminder = toReminder(await service.snoozeReminder(c.var.store, { id: c.req.valid("param").id, until }));
      return c.json(reminder, 200, { etag: etagOf(reminder.version) });
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["reminders"],
      summary: "Delete a reminder",
      ...scoped("reminders:write"),
      request: { params: IdParam, ...withIfMatch },
      responses: { 204: { description: "Deleted." }, ...problems(404, 412) },
    }),
    async (c) => {
      await service.deleteReminder(c.var.store, {
        id: c.req.valid("param").id,
        expectedVersion: ifMatchVersion(c),
      });
      return c.body(null, 204);
    },
  );

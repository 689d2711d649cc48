import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { etagOf, ifMatchVersion, notModified } from "../../http/etag";
import { IdParam } from "../../http/fields";
import { empty, json, jsonBody, notModifiedResponse, problems, requestHeaders } from "../../http/openapi";
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
      operationId: "createReminder",
      summary: "Create a reminder",
      description:
        "For an existing task: at `remind_at` (an instant), or `offset_minutes` from the task's due (it follows the due when it moves). `recipient` must suit the channel; without one the channel's default is used.",
      ...scoped("reminders:write"),
      request: jsonBody(CreateReminder),
      responses: {
        201: json(Reminder, "The created reminder; Location names it.", "ETag", "Location"),
        ...problems(400, 413, 415, 422),
      },
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
      operationId: "listReminders",
      summary: "List reminders, newest first",
      description:
        "Filters combine; `status=due` is what the next scan would try. Pass `next_cursor` back as `cursor`.",
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
      operationId: "getReminder",
      summary: "Get a reminder",
      description: "If-None-Match with the reminder's current ETag answers 304 without a body.",
      ...scoped("reminders:read"),
      ...requestHeaders("IfNoneMatch"),
      request: { params: IdParam },
      responses: {
        200: json(Reminder, "The reminder; ETag is its version.", "ETag"),
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
      operationId: "updateReminder",
      summary: "Move a reminder, or change its channel or recipient",
      description:
        "`remind_at` makes it absolute, `offset_minutes` relative to the task's due; either re-arms it (status `scheduled`, attempts and error cleared). null `recipient` falls back to the channel's default. If-Match guards against lost updates.",
      ...scoped("reminders:write"),
      ...requestHeaders("IfMatch"),
      request: { params: IdParam, ...jsonBody(UpdateReminder) },
      responses: { 200: json(Reminder, "The updated reminder.", "ETag"), ...problems(400, 404, 412, 413, 415, 422) },
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
      operationId: "snoozeReminder",
      summary: "Snooze a reminder that has fired",
      description:
        "Fire it again in `minutes` (1–43,200) or at `until` (within 30 days). 409 while it has not fired yet: move it instead.",
      ...scoped("reminders:write"),
      request: { params: IdParam, ...jsonBody(SnoozeReminder) },
      responses: {
        200: json(Reminder, "The re-armed reminder.", "ETag"),
        ...problems(400, 404, 409, 413, 415, 422),
      },
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
      operationId: "deleteReminder",
      summary: "Delete a reminder",
      description: "Its task stays. If-Match guards against deleting a version you have not seen.",
      ...scoped("reminders:write"),
      ...requestHeaders("IfMatch"),
      request: { params: IdParam },
      responses: { 204: empty("Deleted."), ...problems(404, 412) },
    }),
    async (c) => {
      await service.deleteReminder(c.var.store, {
        id: c.req.valid("param").id,
        expectedVersion: ifMatchVersion(c),
      });
      return c.body(null, 204);
    },
  );

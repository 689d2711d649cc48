import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import { calendarFeeds } from "../../db/schema";
import type { HonoEnv } from "../../env";
import { IdParam } from "../../http/fields";
import { empty, json, jsonBody, problems } from "../../http/openapi";
import { scoped } from "../../middleware/auth";
import { withholdOnReplay } from "../../middleware/idempotency";
import * as service from "../../services/calendar-feeds";
import { toResource } from "../../services/views";
import { type CalendarFeed, CalendarFeedList, CreateCalendarFeed, CreatedCalendarFeed } from "./schemas";

const toFeed = (row: Record<string, unknown>) => toResource(calendarFeeds, row) as z.infer<typeof CalendarFeed>;

const SHOWN_ONCE =
  "The feed's address holds its secret, so it is shown once, in the first response. If it was lost, revoke the feed and create another.";

/**
 * Secret calendar feeds: creating one needs only `tasks:read`, since the feed shows nothing the key
 * could not read itself; revoking one needs the same.
 */
export const calendarFeedRoutes = new OpenAPIHono<HonoEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["tasks"],
      operationId: "createCalendarFeed",
      summary: "Create a secret calendar feed (its address is shown once)",
      description:
        "A feed of the pending tasks with a due, as iCalendar, at a secret address for calendar apps that cannot send an Authorization header (Apple Calendar, Google Calendar, Thunderbird). Only this response carries the address.",
      ...scoped("tasks:read"),
      request: jsonBody(CreateCalendarFeed),
      responses: {
        201: json(CreatedCalendarFeed, "The feed, with its address (withheld from an idempotent replay).", "Location"),
        ...problems(400, 413, 415, 422),
      },
    }),
    async (c) => {
      const { feed, token } = await service.createCalendarFeed(c.var.store, {
        name: c.req.valid("json").name ?? "Tasks",
      });
      withholdOnReplay(c, { url: SHOWN_ONCE, webcal_url: SHOWN_ONCE });
      const url = `${new URL(c.req.url).origin}/calendar/${token}.ics`;
      return c.json({ ...toFeed(feed), url, webcal_url: url.replace(/^https?:/, "webcal:") }, 201, {
        location: `/calendar-feeds/${feed.id}`,
      });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["tasks"],
      operationId: "listCalendarFeeds",
      summary: "List the calendar feeds that are not revoked (never their addresses)",
      description: "Newest first.",
      ...scoped("tasks:read"),
      responses: { 200: json(CalendarFeedList, "The live feeds."), ...problems() },
    }),
    async (c) => c.json({ items: (await service.listCalendarFeeds(c.var.store)).map(toFeed) }, 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["tasks"],
      operationId: "revokeCalendarFeed",
      summary: "Revoke a calendar feed",
      description: "Its address answers 404 from then on. Revoking twice is harmless.",
      ...scoped("tasks:read"),
      request: { params: IdParam },
      responses: { 204: empty("Revoked."), ...problems(404) },
    }),
    async (c) => {
      await service.revokeCalendarFeed(c.var.store, c.req.valid("param"));
      return c.body(null, 204);
    },
  );

import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { problems } from "../../http/openapi";
import { problem, problemResponse } from "../../http/problem";
import { z } from "../../http/zod";
import { sha256Hex } from "../../services/api-keys";
import { feedTasks, findCalendarFeed } from "../../services/calendar-feeds";
import { FeedFile } from "./schemas";

const notFound = "No such calendar feed: it was revoked, or the address is wrong.";

/**
 * `GET /calendar/<token>.ics`: the feed itself, opened by its secret address alone (no
 * Authorization header; calendar apps cannot send one). Apps poll it, so the answer carries a
 * strong ETag of its bytes and `If-None-Match` gets a 304. The iCalendar library loads on the
 * first feed an isolate serves.
 */
export const calendarFeedFile = new OpenAPIHono<HonoEnv>().openapi(
  createRoute({
    method: "get",
    path: "/{file}",
    tags: ["tasks"],
    operationId: "getCalendarFeed",
    summary: "A calendar feed, as iCalendar (no auth: the address is the secret)",
    description:
      "Pending tasks with a due as VEVENTs (all-day tasks as dates, timed ones in their own zone with its VTIMEZONE, recurrence as RRULE, reminders as VALARMs). Honours If-None-Match.",
    security: [],
    request: { params: FeedFile },
    responses: {
      200: {
        description: "The feed.",
        headers: { ETag: { $ref: "#/components/headers/ETag" } },
        content: { "text/calendar": { schema: z.string() } },
      },
      304: { description: "Unchanged since the ETag sent in If-None-Match." },
      ...problems(404),
    },
  }),
  async (c) => {
    const { file } = c.req.valid("param");
    const feed = file.endsWith(".ics") ? await findCalendarFeed(c.var.store, { token: file.slice(0, -4) }) : undefined;
    if (!feed) return problemResponse(c, problem(404, "not-found", notFound));
    const [{ renderCalendar }, items] = await Promise.all([import("./ics"), feedTasks(c.var.store)]);
    const body = renderCalendar(feed.name, items, c.var.store.time.allDayReminderHour);
    const etag = `"${(await sha256Hex(body)).slice(0, 32)}"`;
    const headers = { etag, "cache-control": "private, no-cache" };
    const sent = c.req.header("if-none-match");
    if (sent?.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*")) {
      return c.body(null, 304, headers);
    }
    return c.body(body, 200, {
      ...headers,
      "content-type": "text/calendar; charset=utf-8",
      "content-disposition": `inline; filename="tasks.ics"`,
    });
  },
);

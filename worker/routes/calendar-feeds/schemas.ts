import { CALENDAR_FEED_INTERNAL, calendarFeeds } from "../../db/schema";
import { createSelectSchema, text, timestampOutput } from "../../http/fields";
import { z } from "../../http/zod";

export const CalendarFeed = createSelectSchema(calendarFeeds, {
  prefix: z
    .string()
    .openapi({ description: "The token's first characters, to tell feeds apart.", example: "ocf_Q2hp" }),
  created_at: timestampOutput(),
  revoked_at: timestampOutput().nullable(),
})
  .omit(CALENDAR_FEED_INTERNAL)
  .openapi("CalendarFeed");

const shownOnce = (what: string) =>
  z
    .string()
    .nullable()
    .openapi({
      description: `${what} Shown only in this response: it holds the feed's secret. Null in an idempotent replay (\`Idempotent-Replayed: true\`).`,
    });

export const CreatedCalendarFeed = CalendarFeed.extend({
  url: shownOnce("The feed's address, `https://<host>/calendar/<token>.ics`, to subscribe to in a calendar app."),
  webcal_url: shownOnce("The same address as `webcal://`, which calendar apps open as a subscription."),
  redacted: z
    .record(z.string(), z.string())
    .optional()
    .openapi({ description: "Only in an idempotent replay: each withheld field, with why." }),
}).openapi("CreatedCalendarFeed");

export const CreateCalendarFeed = z
  .strictObject({ name: text(1, 100).optional().openapi({ example: "My tasks", description: "Default: Tasks." }) })
  .openapi("CreateCalendarFeed");

export const CalendarFeedList = z.object({ items: z.array(CalendarFeed) }).openapi("CalendarFeedList");

export const FeedFile = z.strictObject({
  file: z.string().max(200).openapi({ description: "The feed's token followed by `.ics`.", example: "ocf_….ics" }),
});

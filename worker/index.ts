import { app } from "./app";
import { scanReminders } from "./reminders/scheduled";

export default {
  fetch: app.fetch,
  scheduled: scanReminders,
} satisfies ExportedHandler<Cloudflare.Env>;

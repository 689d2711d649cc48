import { and, eq, gt, lte, sql } from "drizzle-orm";
import { whatsappContacts } from "../db/schema";
import type { Store } from "./store";

/** Meta's customer-service window: free-form and interactive messages only within 24 hours of the user's last. */
export const WINDOW_MS = 24 * 3_600_000;

/** Notes that `waId` wrote to us at `at` (an inbound message), keeping the latest. */
export async function recordInbound(store: Store, { waId, at }: { waId: string; at: Date }) {
  await store.db
    .insert(whatsappContacts)
    .values({ wa_id: waId, last_inbound_at: at })
    .onConflictDoUpdate({
      target: whatsappContacts.wa_id,
      set: { last_inbound_at: sql`greatest(${whatsappContacts.last_inbound_at}, excluded.last_inbound_at)` },
    });
}

/** Whether a free-form or interactive message to `waId` may go out at `now`. */
export async function windowOpen(
  store: Store,
  { waId, now = new Date() }: { waId: string; now?: Date },
): Promise<boolean> {
  const [row] = await store.db
    .select({ wa_id: whatsappContacts.wa_id })
    .from(whatsappContacts)
    .where(
      and(eq(whatsappContacts.wa_id, waId), gt(whatsappContacts.last_inbound_at, new Date(now.getTime() - WINDOW_MS))),
    );
  return row !== undefined;
}

/** Meta said the window was closed at `at` (error 131047): forget inbound messages from before then. */
export async function closeWindow(store: Store, { waId, at }: { waId: string; at: Date }) {
  await store.db
    .delete(whatsappContacts)
    .where(and(eq(whatsappContacts.wa_id, waId), lte(whatsappContacts.last_inbound_at, at)));
}

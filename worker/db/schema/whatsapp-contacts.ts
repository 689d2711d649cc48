import { pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";

/**
 * When each WhatsApp user last wrote to us. Free-form and interactive messages reach a user only
 * within 24 hours of their last message (the customer-service window); after it only an approved
 * template does (developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages). Kept from
 * the inbound messages Meta's webhooks bring.
 */
export const whatsappContacts = pgTable("whatsapp_contacts", {
  /** The user's WhatsApp id: their number in digits, without "+", as the webhooks' `from` names it. */
  wa_id: text("wa_id").primaryKey(),
  last_inbound_at: timestamptz("last_inbound_at").notNull(),
});

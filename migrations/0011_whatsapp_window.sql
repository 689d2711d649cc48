CREATE TABLE "whatsapp_contacts" (
	"wa_id" text PRIMARY KEY NOT NULL,
	"last_inbound_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "reminders_provider_message_idx" ON "reminders" USING btree ("provider_message_id") WHERE "reminders"."provider_message_id" is not null;
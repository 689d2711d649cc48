import { API_KEY_INTERNAL, API_SCOPES, apiKeys } from "../../db/schema";
import { createSelectSchema, text, timestampOutput } from "../../http/fields";
import { z } from "../../http/zod";

export const ApiKey = createSelectSchema(apiKeys, {
  created_at: timestampOutput(),
  last_used_at: timestampOutput().nullable(),
  revoked_at: timestampOutput().nullable(),
})
  .omit(API_KEY_INTERNAL)
  .openapi("ApiKey");

export const CreatedApiKey = ApiKey.extend({
  key: z.string().nullable().openapi({
    description:
      "The secret. Shown only in this response; store it now. Null in an idempotent replay (`Idempotent-Replayed: true`), which never carries it.",
  }),
  redacted: z
    .record(z.string(), z.string())
    .optional()
    .openapi({ description: "Only in an idempotent replay: each withheld field, with why." }),
}).openapi("CreatedApiKey");

export const CreateApiKey = z
  .strictObject({
    name: text(1, 100).openapi({ example: "telegram-bot" }),
    scopes: z
      .array(z.enum(API_SCOPES))
      .min(1)
      .openapi({ example: ["tasks:write", "reminders:write"] }),
  })
  .openapi("CreateApiKey");

export const ApiKeyList = z.object({ items: z.array(ApiKey) }).openapi("ApiKeyList");

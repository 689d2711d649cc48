export * from "./api-keys";
export * from "./changes";
export * from "./enums";
export * from "./idempotency";
export * from "./reminders";
export * from "./task-completions";
export * from "./tasks";
export * from "./webhooks";

export * from "./api-keys";
export * from "./changes";
export * from "./enums";
export * from "./idempotency";
export * from "./reminders";
export * from "./tasks";

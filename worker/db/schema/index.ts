export * from "./changes";
export * from "./enums";
export * from "./reminders";
export * from "./tasks";

import { CreatePerson, Person, PersonListQuery, PersonPage } from "../../routes/people/schemas";
import { toPerson } from "../../routes/people/view";
import * as service from "../../services/people";
import { defineTool } from "../tool";

export const peopleTools = [
  defineTool({
    name: "list_people",
    title: "List people",
    description:
      "List the people tasks can be assigned to, newest first, with their Telegram chat id, WhatsApp number and time zone. Returns { items, next_cursor }. To list someone's tasks, call list_tasks with assignee set to their id.",
    scope: "tasks:read",
    input: PersonListQuery,
    output: PersonPage,
    arguments: { limit: "Page size, 1–200 (default 50)." },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run: async ({ store }, args) => {
      const { items, next_cursor } = await service.listPeople(store, args);
      return { items: items.map(toPerson), next_cursor };
    },
  }),
  defineTool({
    name: "create_person",
    title: "Add a person",
    description:
      "Add a person to assign tasks to (list_people first: names need not be unique, so reuse the one that exists). Assign a task with create_task or update_task and its assignee_id; its reminders without a recipient then go to the person's Telegram chat or WhatsApp number.",
    scope: "tasks:write",
    input: CreatePerson,
    output: Person,
    arguments: {
      name: "As the user calls them.",
      telegram_chat_id: "Optional: their Telegram chat id (an integer) or @channelusername.",
      whatsapp_number: "Optional: their WhatsApp number in E.164 form, e.g. +14155550123.",
      timezone: "Optional: their IANA time zone, e.g. Europe/Berlin.",
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run: async ({ store }, args) => toPerson(await service.createPerson(store, args)),
  }),
];

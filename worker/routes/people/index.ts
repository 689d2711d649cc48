import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { etagOf, ifMatchVersion, notModified } from "../../http/etag";
import { IdParam } from "../../http/fields";
import { empty, json, jsonBody, notModifiedResponse, problems, requestHeaders } from "../../http/openapi";
import { scoped } from "../../middleware/auth";
import * as service from "../../services/people";
import { CreatePerson, DeletePersonQuery, Person, PersonListQuery, PersonPage, UpdatePerson } from "./schemas";
import { toPerson } from "./view";

/** People tasks are assigned to (the seed's "task assignments"): read and written with the tasks' scopes. */
export const peopleRoutes = new OpenAPIHono<HonoEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["people"],
      operationId: "createPerson",
      summary: "Add a person to assign tasks to",
      description:
        "`telegram_chat_id` and `whatsapp_number` are checked as a reminder's `recipient` is on those channels; a reminder of their tasks without a recipient goes there.",
      ...scoped("tasks:write"),
      request: jsonBody(CreatePerson),
      responses: {
        201: json(Person, "The created person; Location names them.", "ETag", "Location"),
        ...problems(400, 413, 415, 422),
      },
    }),
    async (c) => {
      const person = toPerson(await service.createPerson(c.var.store, c.req.valid("json")));
      return c.json(person, 201, { location: `/people/${person.id}`, etag: etagOf(person.version) });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["people"],
      operationId: "listPeople",
      summary: "List people, newest first",
      description: "Pass `next_cursor` back as `cursor`. Tasks of one: `GET /tasks?assignee=<id>`.",
      ...scoped("tasks:read"),
      request: { query: PersonListQuery },
      responses: { 200: json(PersonPage, "One page of people."), ...problems(422) },
    }),
    async (c) => {
      const { items, next_cursor } = await service.listPeople(c.var.store, c.req.valid("query"));
      return c.json({ items: items.map(toPerson), next_cursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["people"],
      operationId: "getPerson",
      summary: "Get a person",
      description: "If-None-Match with the person's current ETag answers 304 without a body.",
      ...scoped("tasks:read"),
      ...requestHeaders("IfNoneMatch"),
      request: { params: IdParam },
      responses: {
        200: json(Person, "The person; ETag is their version.", "ETag"),
        ...notModifiedResponse,
        ...problems(404),
      },
    }),
    async (c) => {
      const person = toPerson(await service.getPerson(c.var.store, c.req.valid("param")));
      const etag = etagOf(person.version);
      if (notModified(c, person.version)) return c.body(null, 304, { etag });
      return c.json(person, 200, { etag });
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags: ["people"],
      operationId: "updatePerson",
      summary: "Rename a person or change their handles or zone",
      description:
        "Send only the fields to change; null clears a handle or the zone. If-Match guards against lost updates.",
      ...scoped("tasks:write"),
      ...requestHeaders("IfMatch"),
      request: { params: IdParam, ...jsonBody(UpdatePerson) },
      responses: { 200: json(Person, "The updated person.", "ETag"), ...problems(400, 404, 412, 413, 415, 422) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const changes = c.req.valid("json");
      const person = toPerson(
        await service.updatePerson(c.var.store, { id, changes, expectedVersion: ifMatchVersion(c) }),
      );
      return c.json(person, 200, { etag: etagOf(person.version) });
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["people"],
      operationId: "deletePerson",
      summary: "Delete a person",
      description:
        "A person who still has tasks answers 409 unless `reassign_to` says who takes them: another person's id, or `none`. The reassignment and the deletion are one statement.",
      ...scoped("tasks:write"),
      ...requestHeaders("IfMatch"),
      request: { params: IdParam, query: DeletePersonQuery },
      responses: { 204: empty("Deleted."), ...problems(404, 409, 412, 422) },
    }),
    async (c) => {
      await service.deletePerson(c.var.store, {
        id: c.req.valid("param").id,
        reassignTo: c.req.valid("query").reassign_to,
        expectedVersion: ifMatchVersion(c),
      });
      return c.body(null, 204);
    },
  );

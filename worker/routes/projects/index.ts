import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { etagOf, ifMatchVersion, notModified } from "../../http/etag";
import { IdParam } from "../../http/fields";
import { empty, json, jsonBody, notModifiedResponse, problems, requestHeaders } from "../../http/openapi";
import { scoped } from "../../middleware/auth";
import * as service from "../../services/projects";
import { CreateProject, DeleteProjectQuery, Project, ProjectListQuery, ProjectPage, UpdateProject } from "./schemas";
import { toProject } from "./view";

/** Projects (the seed's "categories"): tasks read and write them with the tasks' scopes. */
export const projectRoutes = new OpenAPIHono<HonoEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["projects"],
      operationId: "createProject",
      summary: "Create a project",
      description: "`name` is unique, ignoring case (409 otherwise); `color` is `#rrggbb`.",
      ...scoped("tasks:write"),
      request: jsonBody(CreateProject),
      responses: {
        201: json(Project, "The created project; Location names it.", "ETag", "Location"),
        ...problems(400, 409, 413, 415, 422),
      },
    }),
    async (c) => {
      const project = toProject(await service.createProject(c.var.store, c.req.valid("json")));
      return c.json(project, 201, { location: `/projects/${project.id}`, etag: etagOf(project.version) });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["projects"],
      operationId: "listProjects",
      summary: "List projects, newest first",
      description:
        "Filter with `archived`; pass `next_cursor` back as `cursor`. Tasks of one: `GET /tasks?project=<id>`.",
      ...scoped("tasks:read"),
      request: { query: ProjectListQuery },
      responses: { 200: json(ProjectPage, "One page of projects."), ...problems(422) },
    }),
    async (c) => {
      const { items, next_cursor } = await service.listProjects(c.var.store, c.req.valid("query"));
      return c.json({ items: items.map(toProject), next_cursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["projects"],
      operationId: "getProject",
      summary: "Get a project",
      description: "If-None-Match with the project's current ETag answers 304 without a body.",
      ...scoped("tasks:read"),
      ...requestHeaders("IfNoneMatch"),
      request: { params: IdParam },
      responses: {
        200: json(Project, "The project; ETag is its version.", "ETag"),
        ...notModifiedResponse,
        ...problems(404),
      },
    }),
    async (c) => {
      const project = toProject(await service.getProject(c.var.store, c.req.valid("param")));
      const etag = etagOf(project.version);
      if (notModified(c, project.version)) return c.body(null, 304, { etag });
      return c.json(project, 200, { etag });
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags: ["projects"],
      operationId: "updateProject",
      summary: "Rename, recolour or archive a project",
      description: "Send only the fields to change; null clears `color`. If-Match guards against lost updates.",
      ...scoped("tasks:write"),
      ...requestHeaders("IfMatch"),
      request: { params: IdParam, ...jsonBody(UpdateProject) },
      responses: { 200: json(Project, "The updated project.", "ETag"), ...problems(400, 404, 409, 412, 413, 415, 422) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const changes = c.req.valid("json");
      const project = toProject(
        await service.updateProject(c.var.store, { id, changes, expectedVersion: ifMatchVersion(c) }),
      );
      return c.json(project, 200, { etag: etagOf(project.version) });
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["projects"],
      operationId: "deleteProject",
      summary: "Delete a project",
      description:
        "A project that still holds tasks answers 409 unless `move_tasks_to` says where they go: another project's id, or `none`. The move and the deletion are one statement.",
      ...scoped("tasks:write"),
      ...requestHeaders("IfMatch"),
      request: { params: IdParam, query: DeleteProjectQuery },
      responses: { 204: empty("Deleted."), ...problems(404, 409, 412, 422) },
    }),
    async (c) => {
      await service.deleteProject(c.var.store, {
        id: c.req.valid("param").id,
        moveTasksTo: c.req.valid("query").move_tasks_to,
        expectedVersion: ifMatchVersion(c),
      });
      return c.body(null, 204);
    },
  );

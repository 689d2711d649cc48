import { CreateProject, Project, ProjectListQuery, ProjectPage } from "../../routes/projects/schemas";
import { toProject } from "../../routes/projects/view";
import * as service from "../../services/projects";
import { defineTool } from "../tool";

export const projectTools = [
  defineTool({
    name: "list_projects",
    title: "List projects",
    description:
      "List the user's projects (groups of tasks), newest first, optionally only archived or only active ones. Returns { items, next_cursor }. To list a project's tasks, call list_tasks with project set to its id.",
    scope: "tasks:read",
    input: ProjectListQuery,
    output: ProjectPage,
    arguments: { archived: "'true' for archived projects only, 'false' for active ones; omit for both." },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run: async ({ store }, args) => {
      const { items, next_cursor } = await service.listProjects(store, args);
      return { items: items.map(toProject), next_cursor };
    },
  }),
  defineTool({
    name: "create_project",
    title: "Create a project",
    description:
      "Create a project to group tasks under (names are unique, ignoring case: list_projects first to reuse one). Put a task in it with create_task or update_task and its project_id.",
    scope: "tasks:write",
    input: CreateProject,
    output: Project,
    arguments: { name: "Short, as the user calls it.", color: "Optional, as #rrggbb." },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run: async ({ store }, args) => toProject(await service.createProject(store, args)),
  }),
];

import { PROJECT_INTERNAL, PROJECT_NAME_MAX, projects } from "../../db/schema";
import { createSelectSchema, cursor, limit, page, text, timestampOutput } from "../../http/fields";
import { z } from "../../http/zod";

const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, "a colour as #rrggbb")
  .transform((c) => c.toLowerCase())
  .openapi({ example: "#3b82f6", description: "`#rrggbb`." });

export const Project = createSelectSchema(projects, {
  name: z.string().openapi({ example: "Home" }),
  color: z.string().nullable().openapi({ example: "#3b82f6" }),
  created_at: timestampOutput(),
  updated_at: timestampOutput(),
})
  .omit(PROJECT_INTERNAL)
  .openapi("Project");

const name = () =>
  text(1, PROJECT_NAME_MAX).openapi({
    example: "Home",
    description: `1–${PROJECT_NAME_MAX} characters; unique, ignoring case.`,
  });

export const CreateProject = z
  .strictObject({ name: name(), color: color.nullish(), archived: z.boolean().optional() })
  .openapi("CreateProject");

export const UpdateProject = z
  .strictObject({ name: name().optional(), color: color.nullish(), archived: z.boolean().optional() })
  .refine((v) => Object.keys(v).length > 0, "Send at least one field to change.")
  .openapi("UpdateProject");

export const ProjectListQuery = z.strictObject({
  archived: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .openapi({ description: "Only archived (`true`) or only active (`false`) projects; default both." }),
  limit: limit(),
  cursor: cursor(),
});

export const ProjectPage = page(Project).openapi("ProjectPage");

export const DeleteProjectQuery = z.strictObject({
  move_tasks_to: z
    .union([z.literal("none"), z.uuid()])
    .optional()
    .openapi({
      description:
        "Where the project's tasks go: another project's id, or `none` for no project. Without it, deleting a project that holds tasks answers 409.",
    }),
});

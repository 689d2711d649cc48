import { changes } from "../../db/schema";
import { timestampOutput } from "../../http/fields";
import { z } from "../../http/zod";
import { Attachment } from "../attachments/schemas";
import { Person } from "../people/schemas";
import { Project } from "../projects/schemas";
import { Reminder } from "../reminders/schemas";
import { Task } from "../tasks/schemas";

export const CHANGES_LIMIT_MAX = 1000;

const entity = changes.entity.enumValues;
const op = changes.op.enumValues;

export const Change = z
  .object({
    seq: z.number().int().openapi({ description: "Gap-free in commit order: the cursor to continue from." }),
    type: z.string().openapi({ example: "task.created", description: "`<entity>.<op>`." }),
    entity: z.enum(entity),
    op: z.enum(op),
    id: z.uuid().openapi({ description: "The id of the task, reminder, project, person or attachment." }),
    data: z.union([Task, Reminder, Project, Person, Attachment]).openapi({
      description: "The resource after the change (before it, for `deleted`), as the REST API shows it.",
    }),
    at: timestampOutput(),
  })
  .openapi("Change");

export const ChangeQuery = z.strictObject({
  since: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().openapi({
    description:
      "Return changes with a larger seq. Omit it to learn the current position (no changes): take it before loading lists, then continue from it.",
  }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(CHANGES_LIMIT_MAX)
    .default(200)
    .openapi({ description: `Changes per page, 1–${CHANGES_LIMIT_MAX} (default 200).` }),
});

export const ChangePage = z
  .object({
    changes: z.array(Change),
    next_since: z.number().int().openapi({ description: "Pass as `since` next time." }),
    has_more: z.boolean().openapi({ description: "True when more changes follow; ask again at once." }),
  })
  .openapi("ChangePage");

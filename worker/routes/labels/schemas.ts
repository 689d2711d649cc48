import { z } from "../../http/zod";

export const LabelList = z
  .object({
    items: z.array(
      z.object({
        name: z.string().openapi({ description: "The label as first written.", example: "home" }),
        task_count: z.number().int().openapi({ description: "How many tasks carry it, whatever their status." }),
      }),
    ),
  })
  .openapi("LabelList");

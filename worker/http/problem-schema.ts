import { FIELD_LOCATIONS } from "../services/errors";
import { z } from "./zod";

/**
 * RFC 9457 problem details, the one error format of the API; the OpenAPI document shows this schema.
 * Apart from problem.ts, which only borrows its type, so the code in front of the app (the room's gateway,
 * OAuth's paths) answers problems without loading zod at startup (issue #21).
 */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "/problems/validation" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string(), location: z.enum(FIELD_LOCATIONS).optional() }))
      .optional(),
    request_id: z.string().optional(),
  })
  .openapi("Problem");

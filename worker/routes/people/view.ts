import type { z } from "@hono/zod-openapi";
import { personView } from "../../services/views";
import type { Person } from "./schemas";

/** A person row as the API shows it (REST and the MCP tools alike). */
export const toPerson = (row: Record<string, unknown>) => personView(row) as z.infer<typeof Person>;

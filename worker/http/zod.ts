import { extendZodWithOpenApi } from "@hono/zod-openapi";
import { z as zod } from "zod";

extendZodWithOpenApi(zod);

/**
 * zod with `.openapi()`, for every module that builds a schema. `@hono/zod-openapi` extends zod
 * when its own module runs, but the deployed Worker is split into chunks (scripts/build-worker.ts),
 * and esbuild's code splitting keeps a side effect's order only through the bindings a chunk
 * imports: a shared chunk that imports `z` through `@hono/zod-openapi` (a re-export) is linked
 * straight to zod's chunk and could run before the extension ("….openapi is not a function").
 * `z` is this module's own binding, so every module that uses it imports this module's chunk and
 * runs after the line above. Extending twice is a no-op.
 */
export const z: typeof zod = zod;
// zod's types under the same name, for `z.infer<…>` and the like (a namespace of types only).
export declare namespace z {
  export type infer<T> = zod.infer<T>;
  export type input<T> = zod.input<T>;
  export type output<T> = zod.output<T>;
  export type ZodType<O = unknown, I = unknown> = zod.ZodType<O, I>;
  export type RefinementCtx = zod.RefinementCtx;
}

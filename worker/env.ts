import type { Sql } from "./db/client";
import type { Store } from "./services/store";

/** Bindings from `wrangler types` (worker-configuration.d.ts) plus the secrets set with `wrangler secret put`. */
export type Env = Cloudflare.Env;

export interface HonoEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    store: Store;
    sql: Sql;
  };
}

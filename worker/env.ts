import type { Sql } from "./db/client";
import type { Store } from "./services/store";

/** Secrets: `.env` locally, `wrangler secret put` in production. */
interface Secrets {
  /** Signs the short-lived room tokens of POST /realtime/token; without it the room admits no one. */
  REALTIME_SECRET?: string;
}

/** Bindings from `wrangler types` (worker-configuration.d.ts) plus the secrets. */
export type Env = Cloudflare.Env & Secrets;

export interface HonoEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    store: Store;
    sql: Sql;
  };
}

import type { RunningWorker } from "../../scripts/lib/wrangler.ts";
import type { StartupProfile } from "../lib/startup-profile.ts";
import type { WorkerBuild } from "../lib/worker-build.ts";

/** One Worker and everything measured of it: what scenario 5 collects and its rows and notes read. */
export interface Measured {
  name: "app" | "hello";
  build: WorkerBuild;
  start: () => Promise<RunningWorker>;
  /** workerd's startup, profiled by `wrangler check startup`. */
  profiles: StartupProfile[];
  imports: { wallMs: number; cpuMs: number }[];
  /** The import in Node, profiled finely enough to attribute by package. */
  nodeProfiles: StartupProfile[];
  coldStartsMs: number[];
}

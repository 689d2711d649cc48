import { getServerByName } from "partyserver";
import { DEFAULT_ROOM } from "../../party/protocol";
import type { Env } from "../env";

/** The workspace's room, through the `MAIN` Durable Object binding (served at /parties/main/default). */
export const workspaceRoom = (env: Pick<Env, "MAIN">) => getServerByName(env.MAIN, DEFAULT_ROOM);

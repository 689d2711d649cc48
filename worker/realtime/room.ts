import { getServerByName } from "partyserver";
import { DEFAULT_ROOM } from "../../party/protocol";
import type { Env } from "../env";

/** The workspace's room, through the `MAIN` Durable Object binding (served at /parties/main/default). */
export const workspaceRoom = (env: Pick<Env, "MAIN">) => getServerByName(env.MAIN, DEFAULT_ROOM);

/** A room that does not answer in this time is given up on. */
export const ROOM_CALL_TIMEOUT_MS = 5_000;

type Room = Awaited<ReturnType<typeof workspaceRoom>>;

/** Calls the workspace's room over RPC; rejects if reaching it and the call take over ROOM_CALL_TIMEOUT_MS. */
export async function callRoom<T>(env: Pick<Env, "MAIN">, call: (room: Room) => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the room did not answer in ${ROOM_CALL_TIMEOUT_MS} ms`)),
      ROOM_CALL_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([workspaceRoom(env).then(call), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

import { DEFAULT_ROOM } from "../../party/protocol";
import type { Env } from "../env";

/**
 * The workspace's room, through the `MAIN` Durable Object binding (served at /parties/main/default).
 * Addressed by name, so the room knows its name from `ctx.id.name`; partyserver's `getServerByName`
 * would first call `setName` over RPC, which its own docs call redundant for a DO addressed by name
 * (`Server.setName`, partyserver 0.5): one round trip to the room on every write that publishes, and
 * ~2.3 ms of workerd CPU per POST /tasks with the room's side (issue #21, bench/history.md section 5).
 */
export const workspaceRoom = (env: Pick<Env, "MAIN">) => env.MAIN.getByName(DEFAULT_ROOM);

/** A room that does not answer in this time is given up on. */
export const ROOM_CALL_TIMEOUT_MS = 5_000;

type Room = ReturnType<typeof workspaceRoom>;

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
    return await Promise.race([call(workspaceRoom(env)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

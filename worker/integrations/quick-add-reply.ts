import type { Store } from "../services/store";

/** Placeholder until quick add lands (same session). */
export async function quickAddReply(_store: Store, _text: string, _timezone: string): Promise<string> {
  return "Quick add is not available yet.";
}

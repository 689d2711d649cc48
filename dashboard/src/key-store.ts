/**
 * Where the dashboard keeps its API key: `sessionStorage` by default, so it is gone when the tab is
 * closed, and `localStorage` only when the user ticks "Remember on this device". Either is readable
 * by any script on this origin, which the CSP limits to the dashboard's own (README: Dashboard).
 */
const KEY = "openclaw-sync.api-key";

/** The key in use: this tab's, else the one remembered on this device. */
export const storedKey = (): string | null => sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY);

/** Keeps `key` for this tab only, or on this device; it is never in both. */
export function storeKey(key: string, remember: boolean) {
  (remember ? localStorage : sessionStorage).setItem(KEY, key);
  (remember ? sessionStorage : localStorage).removeItem(KEY);
}

/** Signing out forgets the key in both places. */
export function forgetKey() {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
}

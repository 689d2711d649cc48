/**
 * What `load` resolves to, loaded on the first call and kept for the isolate's life. Each caller
 * awaits its own `load()` until one has finished: a promise shared between requests is refused by
 * workerd ("Cannot perform I/O on behalf of a different request"), and a module import is I/O under
 * the vitest plugin's module runner. Concurrent first callers may each load; the first result is kept.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: { value: T } | undefined;
  return async () => {
    if (loaded) return loaded.value;
    const value = await load();
    loaded ??= { value };
    return loaded.value;
  };
}

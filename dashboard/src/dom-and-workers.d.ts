/*
 * The dashboard's program reaches the Worker's source through the typed client's `AppType`, so it
 * loads the Worker's ambient types (@cloudflare/workers-types, and node's, without which drizzle's
 * column types, and so the API's response types, silently turn into `any`) beside the DOM. Where
 * workers-types and the DOM declare one name, the first declaration hides the other's members;
 * these restore the ones each side uses.
 */

/** The DOM's ParentNode methods, hidden by the HTMLRewriter `Element` of workers-types. */
interface Element {
  append(...nodes: (Node | string)[]): void;
  prepend(...nodes: (Node | string)[]): void;
}

/** Workers' constant-time comparison (the Worker's auth), hidden by the DOM's `SubtleCrypto`. */
interface SubtleCrypto {
  timingSafeEqual(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean;
}

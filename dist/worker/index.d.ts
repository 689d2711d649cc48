// The types of what dist/worker/index.mjs exports (scripts/build-worker.ts builds it from
// worker/index.ts): `wrangler types` names wrangler.toml's `main` in worker-configuration.d.ts, so the
// Durable Objects' classes reach the Env's types through this file. Committed; the build leaves it.
export * from "../../worker/index";
export { default } from "../../worker/index";

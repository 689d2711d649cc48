import { Hono } from "hono";

/** The smallest Hono Worker: the runtime's ceiling and the bundle-size floor the app is compared with. */
const app = new Hono();
app.get("/health", (c) => c.json({ status: "ok" }));
app.get("/", (c) => c.json({ hello: "world" }));

export default app;

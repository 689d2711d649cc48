import { buildDashboard } from "./lib/dashboard";

await buildDashboard();
console.log("dashboard built: dashboard/public/assets/ (app.js, app.css, docs/)");

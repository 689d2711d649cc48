import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { type Browser, chromium, type Page } from "playwright-core";
import { unwrap } from "../../client/api";
import { adminKey, api, baseUrl } from "./helpers";

export const CHROMIUM = "/usr/bin/chromium";
// CI installs Chromium (.ci/run); elsewhere the tests say why they did not run instead of failing.
export const runnable = existsSync(CHROMIUM) || Boolean(process.env.CI);
if (!runnable) console.warn(`Skipping the browser tests: ${CHROMIUM} is missing (apt-get install chromium).`);

/** The browser's zone in every test: tasks in another zone then show theirs. */
export const BROWSER_ZONE = "Europe/Berlin";

/** Where screenshots go (git-ignored); docs/ holds the one the README shows. */
export const ARTIFACTS = new URL("../../test-artifacts/", import.meta.url).pathname;

export const launchBrowser = () =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });

export interface WatchedPage {
  page: Page;
  /** Page errors, console errors, and requests that failed or answered 4xx/5xx (minus the expected). */
  problems: string[];
  violations: string[];
  foreign: string[];
}

/**
 * A fresh page (its own context, so its own storage) that records page errors, console errors,
 * failed requests and error statuses other than `expected`, every CSP violation, and every request
 * to another origin.
 */
export async function watchedPage(
  browser: Browser,
  options: { width?: number; expected?: number[]; zone?: string } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    timezoneId: options.zone ?? BROWSER_ZONE,
    viewport: { width: options.width ?? 1280, height: 900 },
  });
  const page = await context.newPage();
  page.on("close", () => void context.close().catch(() => {}));
  const expected = new Set(options.expected ?? []);
  const problems: string[] = [];
  const violations: string[] = [];
  const foreign: string[] = [];
  page.on("pageerror", (err) => problems.push(`page error: ${err}`));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    // Chromium logs every error status as a console error; those are judged by status below.
    else if (message.type() === "error" && !/Failed to load resource/.test(message.text()))
      problems.push(`console: ${message.text()}`);
  });
  page.on("requestfailed", (request) => {
    // A socket or a fetch cut short by the page closing is not a failure of the dashboard.
    if (!/ERR_ABORTED/.test(request.failure()?.errorText ?? "")) problems.push(`failed: ${request.url()}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400 && !expected.has(response.status()))
      problems.push(`${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(`${baseUrl()}/`) && !url.startsWith("data:")) foreign.push(url);
  });
  await page.exposeFunction("reportViolation", (text: string) => violations.push(text));
  await page.addInitScript(() => {
    // Runs in the page; the Node-side program has no DOM types.
    const page = globalThis as unknown as { document: EventTarget; reportViolation(text: string): void };
    page.document.addEventListener("securitypolicyviolation", (event) => {
      const { violatedDirective, blockedURI } = event as Event & { violatedDirective: string; blockedURI: string };
      page.reportViolation(`${violatedDirective} blocked ${blockedURI || "inline"}`);
    });
  });
  return { page, problems, violations, foreign };
}

/**
 * A key with the `admin` scope for one test file: each key has its own rate limit (300 a minute), which
 * the dashboards of a whole file, reloading their views on every change, would use up as one key.
 */
export async function adminScopedKey(name: string) {
  const created = await unwrap(api()["api-keys"].$post({ json: { name, scopes: ["admin"] } }));
  return created.key!;
}

/** The dashboard signed in as the admin, with the key remembered on this device, and live. */
export async function openDashboard(
  browser: Browser,
  options: { width?: number; expected?: number[]; key?: string; zone?: string } = {},
) {
  const watched = await watchedPage(browser, options);
  await watched.page.addInitScript(
    (key) => localStorage.setItem("openclaw-sync.api-key", key),
    options.key ?? adminKey(),
  );
  await watched.page.goto(`${baseUrl()}/`);
  await watched.page.waitForSelector('#status[data-status="live"]', { timeout: 10_000 });
  return watched;
}

let axeSource: Promise<string> | undefined;

/**
 * axe-core's serious and critical violations on the page as it is now. The script goes in through
 * the DevTools protocol (`evaluate`), not a `<script>` tag, which the page's CSP would block.
 */
export async function accessibilityProblems(page: Page) {
  axeSource ??= readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/** Saves the page as test-artifacts/<name>-<width>.png. */
export async function screenshot(page: Page, name: string) {
  await mkdir(ARTIFACTS, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: `${ARTIFACTS}${name}-${width}.png`, fullPage: true });
}

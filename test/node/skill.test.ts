import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The OpenClaw packaging (integrations/openclaw/), checked against OpenClaw's documented formats:
 * - a skill is a folder with SKILL.md: YAML frontmatter whose required keys are `name` and
 *   `description`; the embedded agent's parser "supports single-line frontmatter keys only;
 *   metadata should be a single-line JSON object" (docs.openclaw.ai/skills); gating lives under
 *   `metadata.openclaw` (`requires.env`, `requires.bins`, `primaryEnv`); ClawHub slugs match
 *   `^[a-z0-9][a-z0-9-]*$` (docs.openclaw.ai/clawhub/skill-format);
 * - an MCP server entry lives under `mcp.servers.<name>` with `url` and `transport:
 *   "streamable-http"` (openclaw/openclaw docs/tools/mcp.md).
 */

const ROOT = resolve(import.meta.dirname, "../..");
const DIR = join(ROOT, "integrations/openclaw");
const skill = readFileSync(join(DIR, "openclaw-sync/SKILL.md"), "utf8");

function frontmatter(text: string) {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!match) throw new Error("SKILL.md does not start with a --- frontmatter block");
  const fields: Record<string, string> = {};
  for (const line of match[1]!.split("\n")) {
    const pair = /^([a-z][a-z-]*): (.+)$/.exec(line);
    if (!pair) throw new Error(`not a single-line key: ${JSON.stringify(line)}`);
    fields[pair[1]!] = pair[2]!;
  }
  return { fields, body: text.slice(match[0].length) };
}

/** The tool names the MCP server defines, read from the tool files (not from the skill). */
function toolNames() {
  const dir = join(ROOT, "worker/mcp/tools");
  return readdirSync(dir).flatMap((file) =>
    [...readFileSync(join(dir, file), "utf8").matchAll(/^\s+name: "([a-z_]+)",$/gm)].map((m) => m[1]!),
  );
}

describe("the OpenClaw skill", () => {
  const { fields, body } = frontmatter(skill);

  it("has the required single-line keys, a ClawHub slug and a description that says when to use it", () => {
    expect(fields.name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    expect(fields.description!.length).toBeGreaterThan(40);
    expect(fields.description).toMatch(/Use it when/i);
  });

  it("declares the env it needs as single-line JSON metadata", () => {
    const metadata = JSON.parse(fields.metadata!);
    expect(metadata.openclaw.requires.env).toEqual(["OPENCLAW_SYNC_URL", "OPENCLAW_SYNC_KEY"]);
    expect(metadata.openclaw.primaryEnv).toBe("OPENCLAW_SYNC_KEY");
  });

  it("names only tools the server has, and every one of them", () => {
    const tools = toolNames();
    expect(tools.length).toBeGreaterThan(10);
    const named = [...body.matchAll(/`([a-z]+_[a-z_]+|agenda)`/g)].map((m) => m[1]!);
    const unknown = named.filter(
      (n) =>
        !tools.includes(n) &&
        ![
          "idempotency_key",
          "offset_minutes",
          "remind_at",
          "local_time",
          "due_date",
          "delivery_state",
          "project_id",
          "assignee_id",
        ].includes(n),
    );
    expect(unknown).toEqual([]);
    for (const tool of tools) expect(body, tool).toContain(`\`${tool}\``);
  });

  it("states the time rules the server enforces", () => {
    expect(body).toContain("explicit UTC offset");
    expect(body).toMatch(/time zone, ask/);
  });
});

describe("the OpenClaw MCP server entry", () => {
  it("is a streamable-http server under mcp.servers", () => {
    const config = JSON.parse(readFileSync(join(DIR, "openclaw.mcp.json"), "utf8"));
    const server = config.mcp.servers["openclaw-sync"];
    expect(server.transport).toBe("streamable-http");
    expect(new URL(server.url).pathname).toBe("/mcp");
  });
});

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverArgs } from "./fixtures.js";

const repoRoot = join(import.meta.dirname, "..", "..", "..");
const dirs: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

/** A real client of factory-mcp over stdio, with the server's stderr collected. */
async function connect(dir: string, extra: readonly string[] = []) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: serverArgs(["--dir", dir, "--actor", "agent", ...extra]),
    cwd: repoRoot,
    stderr: "pipe",
  });
  const server = { stderr: "" };
  transport.stderr?.on("data", (chunk: Buffer) => {
    server.stderr += chunk.toString();
  });
  const client = new Client({ name: "tool-answers-test", version: "1.0.0" });
  await client.connect(transport);
  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as {
      isError?: boolean;
      content: { text: string }[];
      structuredContent?: Record<string, unknown>;
    };
  return { client, call, server };
}

let dir: string;

beforeAll(async () => {
  dir = temp("mcp-answers-");
  const factory = await openFactory({ dir, actor: "ana" });
  // Two lines lack a description and paths (four warnings); `hub` has many neighbours.
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: [
      { id: "checkout", owner: "ana" },
      { id: "search", owner: "bo" },
      {
        id: "hub",
        owner: "ana",
        description: "The hub every other line talks to, for orders, stock, prices and customers",
        paths: ["/src/hub/"],
      },
      ...Array.from({ length: 12 }, (_, index) => ({
        id: `spoke-${index}`,
        owner: index % 2 === 0 ? "ana" : "bo",
        description: `Spoke ${index}`,
        paths: [`/src/spoke-${index}/`],
        dependsOn: [
          {
            line: "hub",
            kind: "api" as const,
            contract: `GET /hub/spoke-${index} returns the spoke's orders`,
          },
        ],
      })),
    ],
  });
  await factory.close();
}, 60_000);

afterAll(() => {
  for (const folder of dirs) rmSync(folder, { recursive: true, force: true });
});

describe("check_standards", () => {
  it("reports the same findings as `factory check`, and refuses an unknown kind or target", async () => {
    const cli = await promisify(execFile)(
      process.execPath,
      [join(repoRoot, "packages/cli/dist/cli.js"), "check", "--json", "--fail-on", "never", "--dir", dir],
      { cwd: repoRoot, timeout: 60_000 },
    );
    const expected = JSON.parse(cli.stdout) as { warnings: number; findings: unknown[] };
    expect(expected.warnings).toBeGreaterThanOrEqual(4);

    const { client, call } = await connect(dir);
    try {
      const checked = await call("check_standards", {});
      expect(checked.structuredContent?.total).toBe(expected.findings.length);
      expect(checked.structuredContent?.findings).toEqual(expected.findings);

      const bogus = await call("check_standards", { kind: "bogus" });
      expect(bogus.isError).toBe(true);
      expect(bogus.content[0]?.text).toContain("kind");
      const nope = await call("check_standards", { kind: "line", id: "nope" });
      expect(nope.isError).toBe(true);
      expect(nope.content[0]?.text).toContain('no line "nope"');
      const one = await call("check_standards", { kind: "line", id: "checkout" });
      expect(one.structuredContent?.total).toBe(2);
    } finally {
      await client.close();
    }
  }, 120_000);
});

describe("unknown ids and bad arguments come back as errors that name them", () => {
  it("refuses an unknown work item, line or operator, and a git range that does not exist, without git noise", async () => {
    const { client, call, server } = await connect(dir);
    try {
      const suspect = await call("list_suspect_links", { workItem: "wi_nope" });
      expect(suspect.isError).toBe(true);
      expect(suspect.content[0]?.text).toBe(
        'E_NOT_FOUND: workItem: no work item "wi_nope"; list_work lists them',
      );
      const line = await call("list_suspect_links", { line: "nowhere" });
      expect(line.content[0]?.text).toBe(
        'E_NOT_FOUND: line: no line "nowhere" in the floor plan (factory://floorplan lists them)',
      );
      const inbox = await call("get_inbox", { operator: "nobody" });
      expect(inbox.isError).toBe(true);
      expect(inbox.content[0]?.text).toContain('no operator "nobody"');
      expect((await call("get_inbox", { operator: "bo" })).structuredContent).toEqual({
        items: [],
        unread: 0,
      });

      const impact = await call("impact_of_change", { gitRange: "nonexistent..HEAD" });
      expect(impact.isError).toBe(true);
      expect(impact.content[0]?.text).toContain('gitRange "nonexistent..HEAD" cannot be diffed');
      expect(impact.content[0]?.text).not.toContain("Command failed");
      expect(server.stderr).not.toContain("fatal:");
    } finally {
      await client.close();
    }
  }, 120_000);

  it("takes a span or a date for get_metrics since, as `factory metrics --since` does", async () => {
    const { client, call } = await connect(dir);
    try {
      const window = async (since: string) =>
        ((await call("get_metrics", { since })).structuredContent?.window as { from: string } | undefined)
          ?.from;
      const before = Date.now();
      const span = Date.parse((await window("30d")) as string);
      expect(Math.abs(span - (before - 30 * 86_400_000))).toBeLessThan(3_600_000);
      expect(await window("2026-03-01")).toBe("2026-03-01T00:00:00.000Z");
      expect(await window("2026-03-01T09:00:00+02:00")).toBe("2026-03-01T07:00:00.000Z");
      const bad = await call("get_metrics", { since: "last week" });
      expect(bad.isError).toBe(true);
      expect(bad.content[0]?.text).toContain("30d");
    } finally {
      await client.close();
    }
  }, 120_000);
});

describe("get_context on a small budget", () => {
  it("leaves the neighbouring lines out rather than refusing, and says so", async () => {
    const { client, call } = await connect(dir);
    try {
      const full = await call("get_context", { line: "hub", budgetTokens: 2000 });
      expect(full.structuredContent?.omitted).toMatchObject({ neighbours: 0 });
      expect(full.structuredContent?.tokens).toBeGreaterThan(100);

      const small = await call("get_context", { line: "hub", budgetTokens: 100 });
      expect(small.isError).toBeUndefined();
      expect(small.structuredContent?.tokens).toBeLessThanOrEqual(100);
      expect(small.structuredContent?.omitted).toMatchObject({ neighbours: 12 });
      expect(small.structuredContent?.markdown).toContain("Used by: 12 lines, left out to fit the budget");

      const paths = Array.from({ length: 12 }, (_, index) => `src/spoke-${index}/index.ts`);
      const many = await call("get_context", { paths, budgetTokens: 100 });
      expect(many.isError).toBe(true);
      expect(many.content[0]?.text).toMatch(
        /budgetTokens 100 is below the (\d+) tokens that the lines spoke-0, .* take even without their neighbouring lines; ask for at least \1/,
      );
      expect(many.content[0]?.text).not.toContain("work item");
    } finally {
      await client.close();
    }
  }, 120_000);
});

describe("many calls at once", () => {
  it("answers fifty parallel calls with large results without a listener leak warning", async () => {
    const { client, call, server } = await connect(dir);
    try {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          call("get_context", { line: index % 2 === 0 ? "hub" : "spoke-1", budgetTokens: 20_000 }),
        ),
      );
      expect(answers.filter((answer) => answer.isError === true)).toEqual([]);
      expect(server.stderr).not.toContain("MaxListenersExceededWarning");
    } finally {
      await client.close();
    }
  }, 120_000);
});

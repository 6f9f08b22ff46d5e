/**
 * The impact of a git range, from both faces (`factory impact --since` and the
 * `impact_of_change` tool of `factory mcp`), on a repository whose changed
 * names git quotes in its line output; and an unknown line refused by both.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, runFactory } from "./runFactory.js";

const PLAN = `version: 1
product: { id: shop }
operators:
  - { id: ana }
  - { id: bo }
lines:
  - id: checkout
    description: Cart and order confirmation
    owner: ana
    paths: [/services/checkout/]
    dependsOn:
      - { line: payments, kind: api, criticality: high }
  - id: payments
    description: Card payments and refunds
    owner: bo
    paths: [/services/payments/]
`;

/** Names git quotes in `git diff --name-only`: non-ASCII letters beside a space, a tab. */
const ODD_NAMES = ["services/payments/src/ü file.ts", "services/payments/src/tab\tname.ts"];
const RENAMED_FROM = "services/payments/src/old.ts";
const RENAMED_TO = "services/checkout/src/moved.ts";
/** Each test runs the bin, a few seconds on a loaded machine. */
const SLOW = { timeout: 240_000 };

let cwd: string;
const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-impact-git-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "commit.gpgsign=false", ...args], { cwd, stdio: "pipe" });
  const write = (path: string, text: string) => {
    mkdirSync(join(cwd, path, ".."), { recursive: true });
    writeFileSync(join(cwd, path), text);
  };
  git("init", "-q", "-b", "main");
  git("config", "user.email", "t@example.com");
  git("config", "user.name", "t");
  write("factory.yaml", PLAN);
  write(RENAMED_FROM, "export const old = 1;\n");
  git("add", ".");
  git("commit", "-q", "-m", "start");
  git("checkout", "-q", "-b", "feature");
  for (const name of ODD_NAMES) write(name, "export {};\n");
  mkdirSync(join(cwd, "services", "checkout", "src"), { recursive: true });
  git("mv", RENAMED_FROM, RENAMED_TO);
  git("add", ".");
  git("commit", "-q", "-m", "odd names and a move");
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
}, SLOW.timeout);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** What both faces must report for the feature branch. */
function expectFeatureImpact(report: {
  changed: { line: string; paths: string[] }[];
  unclaimedPaths: string[];
  affected: { line: string }[];
}): void {
  expect(report.unclaimedPaths).toEqual([]);
  const payments = report.changed.find((changed) => changed.line === "payments");
  expect([...(payments?.paths ?? [])].sort()).toEqual([...ODD_NAMES, RENAMED_FROM].sort());
  expect(report.changed.find((changed) => changed.line === "checkout")?.paths).toEqual([RENAMED_TO]);
}

describe("factory impact --since", () => {
  it(
    "claims changed paths with non-ASCII letters, spaces and tabs, and both paths of a rename",
    SLOW,
    async () => {
      const impact = await factory("impact", "--since", "main", "--json");
      expect(impact.stderr).toBe("");
      expect(impact.code).toBe(0);
      expectFeatureImpact(JSON.parse(impact.stdout));
    },
  );

  it(
    "prints a changed path holding a tab quoted, as who-owns does, so the text shows where it ends",
    SLOW,
    async () => {
      const impact = await factory("impact", "--since", "main");
      expect(impact.code).toBe(0);
      expect(impact.stdout).toContain(JSON.stringify("services/payments/src/tab\tname.ts"));
      expect(impact.stdout).not.toContain("tab\tname.ts");
    },
  );

  it("says so under each heading when no line claims the changed paths", SLOW, async () => {
    const impact = await factory("impact", "docs/notes.md");
    expect(impact.code).toBe(0);
    expect(impact.stdout).toBe(
      [
        "changed",
        "  no line claims the changed paths",
        "  unclaimed paths:",
        "    docs/notes.md",
        "affected",
        "  nothing depends on the changed lines",
        "notify",
        "  nobody",
        "",
      ].join("\n"),
    );
  });

  it("refuses a ref the repository lacks as a usage error naming --since", SLOW, async () => {
    const bad = await factory("impact", "--since", "no-such-ref");
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/^error: E_USAGE: --since "no-such-ref" cannot be diffed in .+no-such-ref/);
  });

  it(
    "refuses a --line the floor plan lacks with E_NOT_FOUND, alone or beside a known one",
    SLOW,
    async () => {
      for (const args of [
        ["--line", "nope"],
        ["--line", "payments", "--line", "nope"],
      ]) {
        const refused = await factory("impact", ...args, "--json");
        expect(refused.code).toBe(1);
        expect(refused.stdout).toBe("");
        expect(refused.stderr).toMatch(/^error: E_NOT_FOUND: --line: no line "nope" in the floor plan/);
      }
    },
  );
});

describe("impact_of_change over factory mcp", () => {
  it("reads the same git range as factory impact, and refuses an unknown line", SLOW, async () => {
    const client = new Client({ name: "impact-git-test", version: "1.0.0" });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [BIN, "--dir", ".factory", "--actor", "agent", "mcp"],
        cwd,
        env: { ...process.env, FACTORY_DATABASE_URL: "", FACTORY_DIR: "" } as Record<string, string>,
        stderr: "pipe",
      }),
    );
    try {
      const ranged = (await client.callTool({
        name: "impact_of_change",
        arguments: { gitRange: "main...HEAD" },
      })) as { isError?: boolean; structuredContent: Parameters<typeof expectFeatureImpact>[0] };
      expect(ranged.isError).toBeFalsy();
      expectFeatureImpact(ranged.structuredContent);

      for (const lines of [["nope"], ["payments", "nope"]]) {
        const refused = (await client.callTool({ name: "impact_of_change", arguments: { lines } })) as {
          isError?: boolean;
          content: { text: string }[];
        };
        expect(refused.isError).toBe(true);
        expect(refused.content[0]?.text).toBe(
          `E_NOT_FOUND: lines[${lines.indexOf("nope")}]: no line "nope" in the floor plan; its lines are checkout, payments`,
        );
      }
    } finally {
      await client.close();
    }
  });
});

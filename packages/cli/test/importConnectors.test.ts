import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRepo, type TestRepo } from "../../intelligence/test/codebase/makeRepo.js";
import { runFactory } from "./runFactory.js";

const json = (value: unknown) => `${JSON.stringify(value)}\n`;
const summaryOf = (stdout: string) =>
  JSON.parse(stdout) as {
    created: number;
    updated: number;
    unchanged: number;
    skipped: number;
    truncated: number;
    problems: unknown[];
  };

describe("factory import git|junit|issues|jsonl", () => {
  let repo: TestRepo;
  let cwd: string;

  beforeAll(async () => {
    repo = makeRepo([
      {
        author: { name: "Fay Gold", email: "fay@app.example" },
        files: {
          "package.json": json({ name: "app", private: true, workspaces: ["packages/*"] }),
          "packages/billing/package.json": json({ name: "@app/billing" }),
          "packages/billing/src/invoice.ts": "export const total = (a: number, b: number) => a + b;\n",
          "packages/billing/test/invoice.test.ts":
            'import { describe, expect, it } from "vitest";\nimport { total } from "../src/invoice.js";\ndescribe("invoice", () => {\n  it("adds two amounts", () => expect(total(1, 2)).toBe(3));\n});\n',
        },
      },
      {
        author: { name: "Fay Gold", email: "fay@app.example" },
        message: "billing: round totals",
        files: {
          "packages/billing/src/invoice.ts":
            "export const total = (a: number, b: number) => Math.round(a + b);\n",
        },
      },
    ]);
    cwd = mkdtempSync(join(tmpdir(), "factory-cli-connectors-"));
    const imported = await runFactory(["import", "codebase", repo.root, "--json"], { cwd });
    expect(imported.code).toBe(0);
    writeFileSync(
      join(cwd, "junit.xml"),
      `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="vitest tests" tests="1" failures="0" errors="0" time="0.01">
  <testsuite name="packages/billing/test/invoice.test.ts" timestamp="2026-11-25T10:00:00" hostname="ci" tests="1" failures="0" errors="0" skipped="0" time="0.01">
    <testcase classname="packages/billing/test/invoice.test.ts" name="invoice &gt; adds two amounts" time="0.001"/>
  </testsuite>
</testsuites>
`,
    );
    writeFileSync(
      join(cwd, "issues.json"),
      JSON.stringify([
        {
          number: 12,
          title: "Invoice total is off by a cent",
          body: "Rounding differs from the PDF.",
          labels: [{ name: "bug" }, { name: "P1" }],
          state: "OPEN",
          url: "https://github.com/app/app/issues/12",
          author: { login: "support-bot" },
          createdAt: "2026-11-20T09:00:00Z",
        },
      ]),
    );
    writeFileSync(
      join(cwd, "tickets.jsonl"),
      `${JSON.stringify({ ticket: { id: "Z-1", subject: "Cannot download invoice", text: "The button does nothing." } })}\n`,
    );
  });

  afterAll(() => {
    repo.remove();
    rmSync(cwd, { recursive: true, force: true });
  });

  it("refuses a junit --work-item the assembly line does not have (E_NOT_FOUND, naming the flag)", async () => {
    const unknown = await runFactory(["import", "junit", "junit.xml", "--work-item", "wi_nope"], { cwd });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: E_NOT_FOUND: --work-item: no work item "wi_nope"/);
  });

  it("refuses a --line the floor plan lacks with E_NOT_FOUND naming it, for issues as for junit", async () => {
    for (const args of [
      ["issues", "issues.json", "--format", "github", "--line", "ghost"],
      ["junit", "junit.xml", "--line", "ghost"],
    ]) {
      const unknown = await runFactory(["import", ...args, "--json"], { cwd });
      expect(unknown.code, unknown.stderr).toBe(1);
      expect(unknown.stdout).toBe("");
      expect(unknown.stderr).toMatch(/^error: E_NOT_FOUND: --line: no line "ghost" in /);
    }
  });

  it("imports each source once: a second run creates nothing", async () => {
    const runs: [string, string[]][] = [
      ["git", ["import", "git", repo.root, "--json"]],
      ["junit", ["import", "junit", "junit.xml", "--json"]],
      ["issues", ["import", "issues", "issues.json", "--format", "github", "--json"]],
      [
        "jsonl",
        [
          "import",
          "jsonl",
          "tickets.jsonl",
          "--mapping",
          '{"target":"signal","id":"ticket.id","title":"ticket.subject","body":"ticket.text"}',
          "--json",
        ],
      ],
    ];
    for (const [name, args] of runs) {
      const first = await runFactory(args, { cwd });
      expect(first.stderr, name).toBe("");
      expect(summaryOf(first.stdout).created, name).toBeGreaterThan(0);
      const again = await runFactory(args, { cwd });
      expect(summaryOf(again.stdout), name).toMatchObject({ created: 0, updated: 0 });
    }
  });

  it("refuses a JSONL file with a line a write would refuse, naming file:line, and writes none of its lines", async () => {
    const line = (id: string, subject: string) => JSON.stringify({ ticket: { id, subject } });
    const mapping = '{"target":"signal","id":"ticket.id","title":"ticket.subject","system":"longdesk"}';
    writeFileSync(join(cwd, "long.jsonl"), `${line("L-1", "Fine")}\n${line("L-2", "s".repeat(501))}\n`);

    const refused = await runFactory(["import", "jsonl", "long.jsonl", "--mapping", mapping], { cwd });

    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: E_VALIDATION: .*long\.jsonl:2 ticket\.subject: title is at most 500 characters/,
    );
    writeFileSync(join(cwd, "long.jsonl"), `${line("L-1", "Fine")}\n${line("L-2", "Short")}\n`);
    const fixed = await runFactory(["import", "jsonl", "long.jsonl", "--mapping", mapping, "--json"], {
      cwd,
    });
    expect(summaryOf(fixed.stdout)).toMatchObject({ created: 2, truncated: 0 });
  });

  it("counts issue fields cut to the factory's limits as truncated in the JSON summary", async () => {
    writeFileSync(
      join(cwd, "long-issues.json"),
      JSON.stringify([
        {
          number: 13,
          title: "Export is slow",
          body: "b".repeat(12_000),
          labels: [],
          state: "OPEN",
          url: "https://github.com/app/app/issues/13",
        },
      ]),
    );
    const imported = await runFactory(
      ["import", "issues", "long-issues.json", "--format", "github", "--json"],
      { cwd },
    );
    expect(imported.code).toBe(0);
    expect(summaryOf(imported.stdout)).toMatchObject({ created: 1, truncated: 1 });
    const other = {
      number: 14,
      title: "Import is slow",
      body: "c".repeat(12_000),
      labels: [],
      state: "OPEN",
    };
    writeFileSync(
      join(cwd, "more-issues.json"),
      JSON.stringify([{ ...other, url: "https://github.com/app/app/issues/14" }]),
    );
    const text = await runFactory(["import", "issues", "more-issues.json", "--format", "github"], { cwd });
    expect(text.stdout).toContain("1 created, 0 updated, 0 unchanged, 0 skipped, 0 problems, 1 field cut");
  });

  it("names what is wrong in a flag", async () => {
    const format = await runFactory(["import", "issues", "issues.json", "--format", "jira"], { cwd });
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("--format");
    const mapping = await runFactory(["import", "jsonl", "tickets.jsonl", "--mapping", '{"target":"nope"}'], {
      cwd,
    });
    expect(mapping.code).toBe(2);
    expect(mapping.stderr).toContain("--mapping");
  });
});

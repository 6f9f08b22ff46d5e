import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

const issue = (number: number, title: string) => ({
  number,
  title,
  body: `${title}, in detail.`,
  labels: [],
  state: "OPEN",
  url: `https://github.com/app/app/issues/${number}`,
  author: { login: "support-bot" },
  createdAt: "2026-11-20T09:00:00Z",
});
const mapping = '{"target":"signal","id":"id","title":"text","system":"slack"}';

describe("factory import issues|jsonl --records", () => {
  let cwd: string;

  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), "factory-cli-records-"));
    // GitHub's search API keeps the issues under `items`, beside their count.
    writeFileSync(
      join(cwd, "search.json"),
      JSON.stringify({ total_count: 2, items: [issue(1, "Refunds fail"), issue(2, "Login loops")] }, null, 2),
    );
    // Slack's conversations.history, one page a line.
    writeFileSync(
      join(cwd, "history.jsonl"),
      `${[
        { ok: true, messages: [{ id: "1.1", text: "deploy is stuck" }], has_more: true },
        { ok: true, messages: [{ id: "1.2", text: "rollback done" }] },
      ]
        .map((page) => JSON.stringify(page))
        .join("\n")}\n`,
    );
  });

  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it("refuses an object file without --records, saying which keys hold arrays, and creates no factory", async () => {
    const refused = await runFactory(["import", "issues", "search.json", "--format", "github"], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "search.json:1 (root): holds no JSON array of records: the file is an object; its arrays are at items (2 records): pass --records items",
    );
    const wrong = await runFactory(
      ["import", "issues", "search.json", "--format", "github", "--records", "item"],
      { cwd },
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("search.json:1 item: no such field (the object has total_count, items)");
    const blank = await runFactory(
      ["import", "issues", "search.json", "--format", "github", "--records", ""],
      {
        cwd,
      },
    );
    expect(blank.code).toBe(2);
    expect(blank.stderr).toContain("--records");
    expect(existsSync(join(cwd, ".factory"))).toBe(false);
  });

  it("imports the issues at --records, and each page's records of a JSON Lines file", async () => {
    const issues = await runFactory(
      ["import", "issues", "search.json", "--format", "github", "--records", "items", "--json"],
      { cwd },
    );
    expect(issues.stderr).toBe("");
    expect(JSON.parse(issues.stdout)).toMatchObject({ created: 2, problems: [] });

    const pages = await runFactory(
      ["import", "jsonl", "history.jsonl", "--mapping", mapping, "--records", "messages", "--json"],
      { cwd },
    );
    expect(pages.stderr).toBe("");
    expect(JSON.parse(pages.stdout)).toMatchObject({ created: 2, problems: [] });

    writeFileSync(join(cwd, "failed.jsonl"), `${JSON.stringify({ ok: false, error: "ratelimited" })}\n`);
    const failed = await runFactory(
      ["import", "jsonl", "failed.jsonl", "--mapping", mapping, "--records", "messages"],
      {
        cwd,
      },
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("failed.jsonl:1 messages: no such field (the object has ok, error)");
  });

  it("describes --records in the same words on both commands", async () => {
    const help = await Promise.all(
      ["issues", "jsonl"].map((command) => runFactory(["import", command, "--help"], { cwd })),
    );
    const words = help.map(({ stdout }) => stdout.replace(/\s+/g, " ").match(/--records <path>[^-]*/)?.[0]);
    expect(words[0]).toContain("where the records are when an object holds them");
    expect(words[1]).toBe(words[0]);
  });
});

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

describe("factory import issues|jsonl without --records, on a file whose records sit under a key", () => {
  let cwd: string;

  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), "factory-cli-records-hint-"));
    // A GraphQL answer: the issues four keys deep.
    writeFileSync(
      join(cwd, "graphql.json"),
      JSON.stringify({ data: { repository: { issues: { nodes: [issue(1, "Refunds fail")] } } } }),
    );
    // A key a shell would split.
    writeFileSync(join(cwd, "export.json"), JSON.stringify({ "open issues": [issue(2, "Login loops")] }));
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

  it("says the --records flag to give, as the command line takes it, and creates no factory", async () => {
    const nested = await runFactory(["import", "issues", "graphql.json", "--format", "github"], { cwd });
    expect(nested.code).toBe(1);
    expect(nested.stderr).toContain(
      "its arrays are at data.repository.issues.nodes (1 record): pass --records data.repository.issues.nodes",
    );
    expect(nested.stderr).not.toContain("pass records:");

    const spaced = await runFactory(["import", "issues", "export.json", "--format", "github", "--json"], {
      cwd,
    });
    expect(spaced.code).toBe(1);
    expect(spaced.stderr).toContain("its arrays are at open issues (1 record): pass --records 'open issues'");
    expect(existsSync(join(cwd, ".factory"))).toBe(false);

    const quoted = await runFactory(
      ["import", "issues", "export.json", "--format", "github", "--records", "open issues", "--json"],
      { cwd },
    );
    expect(quoted.stderr).toBe("");
    expect(JSON.parse(quoted.stdout)).toMatchObject({ created: 1, problems: [] });
  });

  it("says where a JSON Lines file's lines hold their records, and the --records to give", async () => {
    const pages = await runFactory(["import", "jsonl", "history.jsonl", "--mapping", mapping], { cwd });
    expect(pages.code).toBe(1);
    expect(pages.stderr).toContain("history.jsonl:1 id: missing (mapped to id)");
    expect(pages.stderr).toContain(
      "history.jsonl:1 (root): holds its records under a key: its arrays are at messages (1 record): pass --records messages",
    );

    const given = await runFactory(
      ["import", "jsonl", "history.jsonl", "--mapping", mapping, "--records", "messages", "--json"],
      { cwd },
    );
    expect(given.stderr).toBe("");
    expect(JSON.parse(given.stdout)).toMatchObject({ created: 2, problems: [] });
  });
});

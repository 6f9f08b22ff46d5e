/**
 * `factory import issues|jsonl --records <path>`: where the records are when
 * an object holds them (GitHub's search API under `items`, a Slack history
 * page a line under `messages`), and, without it, the flag to give, as the
 * command line takes it. Real runs of the CLI, each describe in a folder of
 * its own (one imports, the other checks no factory was created).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunOptions, runFactory } from "./runFactory.js";

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
/** Slack's conversations.history, one page a line. */
const HISTORY = `${[
  { ok: true, messages: [{ id: "1.1", text: "deploy is stuck" }], has_more: true },
  { ok: true, messages: [{ id: "1.2", text: "rollback done" }] },
]
  .map((page) => JSON.stringify(page))
  .join("\n")}\n`;

/**
 * A temp folder holding `files` (name to text) for the describe's tests,
 * removed after them; its `cwd` once they run, as {@link runFactory} takes it.
 */
function useRecordsFolder(prefix: string, files: Record<string, string>): RunOptions {
  let cwd = "";
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), prefix));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text);
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));
  return {
    get cwd() {
      return cwd;
    },
  };
}

describe("factory import issues|jsonl --records", () => {
  const folder = useRecordsFolder("factory-cli-records-", {
    // GitHub's search API keeps the issues under `items`, beside their count.
    "search.json": JSON.stringify(
      { total_count: 2, items: [issue(1, "Refunds fail"), issue(2, "Login loops")] },
      null,
      2,
    ),
    "history.jsonl": HISTORY,
  });

  it("refuses an object file without --records, saying which keys hold arrays, and creates no factory", async () => {
    const refused = await runFactory(["import", "issues", "search.json", "--format", "github"], folder);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "search.json:1 (root): holds no JSON array of records: the file is an object; its arrays are at items (2 records): pass --records items",
    );
    const wrong = await runFactory(
      ["import", "issues", "search.json", "--format", "github", "--records", "item"],
      folder,
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("search.json:1 item: no such field (the object has total_count, items)");
    const blank = await runFactory(
      ["import", "issues", "search.json", "--format", "github", "--records", ""],
      folder,
    );
    expect(blank.code).toBe(2);
    expect(blank.stderr).toContain("--records");
    expect(existsSync(join(folder.cwd, ".factory"))).toBe(false);
  });

  it("imports the issues at --records, and each page's records of a JSON Lines file", async () => {
    const issues = await runFactory(
      ["import", "issues", "search.json", "--format", "github", "--records", "items", "--json"],
      folder,
    );
    expect(issues.stderr).toBe("");
    expect(JSON.parse(issues.stdout)).toMatchObject({ created: 2, problems: [] });

    const pages = await runFactory(
      ["import", "jsonl", "history.jsonl", "--mapping", mapping, "--records", "messages", "--json"],
      folder,
    );
    expect(pages.stderr).toBe("");
    expect(JSON.parse(pages.stdout)).toMatchObject({ created: 2, problems: [] });

    writeFileSync(
      join(folder.cwd, "failed.jsonl"),
      `${JSON.stringify({ ok: false, error: "ratelimited" })}\n`,
    );
    const failed = await runFactory(
      ["import", "jsonl", "failed.jsonl", "--mapping", mapping, "--records", "messages"],
      folder,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("failed.jsonl:1 messages: no such field (the object has ok, error)");
  });

  it("describes --records in the same words on both commands", async () => {
    const help = await Promise.all(
      ["issues", "jsonl"].map((command) => runFactory(["import", command, "--help"], folder)),
    );
    const words = help.map(({ stdout }) => stdout.replace(/\s+/g, " ").match(/--records <path>[^-]*/)?.[0]);
    expect(words[0]).toContain("where the records are when an object holds them");
    expect(words[1]).toBe(words[0]);
  });
});

describe("factory import issues|jsonl without --records, on a file whose records sit under a key", () => {
  const folder = useRecordsFolder("factory-cli-records-hint-", {
    // A GraphQL answer: the issues four keys deep.
    "graphql.json": JSON.stringify({
      data: { repository: { issues: { nodes: [issue(1, "Refunds fail")] } } },
    }),
    // A key a shell would split.
    "export.json": JSON.stringify({ "open issues": [issue(2, "Login loops")] }),
    "history.jsonl": HISTORY,
  });

  it("says the --records flag to give, as the command line takes it, and creates no factory", async () => {
    const nested = await runFactory(["import", "issues", "graphql.json", "--format", "github"], folder);
    expect(nested.code).toBe(1);
    expect(nested.stderr).toContain(
      "its arrays are at data.repository.issues.nodes (1 record): pass --records data.repository.issues.nodes",
    );
    expect(nested.stderr).not.toContain("pass records:");

    const spaced = await runFactory(
      ["import", "issues", "export.json", "--format", "github", "--json"],
      folder,
    );
    expect(spaced.code).toBe(1);
    expect(spaced.stderr).toContain("its arrays are at open issues (1 record): pass --records 'open issues'");
    expect(existsSync(join(folder.cwd, ".factory"))).toBe(false);

    const quoted = await runFactory(
      ["import", "issues", "export.json", "--format", "github", "--records", "open issues", "--json"],
      folder,
    );
    expect(quoted.stderr).toBe("");
    expect(JSON.parse(quoted.stdout)).toMatchObject({ created: 1, problems: [] });
  });

  it("says where a JSON Lines file's lines hold their records, and the --records to give", async () => {
    const pages = await runFactory(["import", "jsonl", "history.jsonl", "--mapping", mapping], folder);
    expect(pages.code).toBe(1);
    expect(pages.stderr).toContain("history.jsonl:1 id: missing (mapped to id)");
    expect(pages.stderr).toContain(
      "history.jsonl:1 (root): holds its records under a key: its arrays are at messages (1 record): pass --records messages",
    );

    const given = await runFactory(
      ["import", "jsonl", "history.jsonl", "--mapping", mapping, "--records", "messages", "--json"],
      folder,
    );
    expect(given.stderr).toBe("");
    expect(JSON.parse(given.stdout)).toMatchObject({ created: 2, problems: [] });
  });
});

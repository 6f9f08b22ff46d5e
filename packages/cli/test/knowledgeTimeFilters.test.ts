/**
 * Time travel and provenance through the CLI: `factory search` and `factory
 * knowledge list` take `--as-of`, `--author` and `--since`/`--until` (the
 * SDK's `asOf`, `authors` and captured-at range) in the grammar of `knowledge
 * show --as-of`, search pages with `--offset` and marks superseded hits, a
 * list row says the date and author of its source, and the context pack
 * dates each document.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
const ids = { first: "", second: "", refunds: "" };

/** Runs a command that must succeed and returns its stdout. */
const ok = async (...args: string[]): Promise<string> => {
  const run = await factory(...args);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
};

/** The ids a `--json` search or listing answers, in order. */
const searched = async (...args: string[]): Promise<string[]> =>
  (
    JSON.parse(await ok("search", "second", "reminder", "--json", ...args)) as {
      hits: { document: { id: string } }[];
    }
  ).hits.map((hit) => hit.document.id);
const listed = async (...args: string[]): Promise<string[]> =>
  (JSON.parse(await ok("knowledge", "list", "--json", ...args)) as { id: string }[])
    .map((document) => document.id)
    .sort();

const capture = async (...args: string[]): Promise<string> =>
  (JSON.parse(await ok("knowledge", "capture", "--json", "--kind", "note", ...args)) as { id: string }).id;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-time-filters-"));
  await ok("init");
  ids.first = await capture(
    ...["--title", "Dunning levels v1", "--body", "The second reminder goes out at 21 days."],
    ...["--author", "marc", "--at", "2026-02-20"],
  );
  ids.second = await capture(
    ...["--title", "Dunning levels v2", "--body", "The second reminder goes out at 14 days."],
    ...["--author", "olu", "--at", "2026-06-10", "--supersedes", ids.first],
  );
  ids.refunds = await capture(
    ...["--title", "Refund window", "--body", "Refunds are granted within 30 days of the invoice."],
    ...["--author", "marc"],
  );
}, 240_000);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory search", () => {
  it("reads --as-of as knowledge show does: a date, or a span back from now", async () => {
    expect(await searched("--as-of", "2026-03-01")).toEqual([ids.first]);
    expect(await ok("search", "refunds", "--as-of", "30d")).toBe(
      'no documents match "refunds" with --as-of 30d\n',
    );
    expect(await ok("search", "refunds")).toContain(ids.refunds);
  });

  it("filters by --author and by when the source was captured, --since inclusive and --until exclusive", async () => {
    expect(await searched("--all", "--author", "marc")).toEqual([ids.first]);
    expect(await searched("--all", "--author", "olu", "--author", "marc")).toHaveLength(2);
    expect(await searched("--all", "--since", "2026-06-10")).toEqual([ids.second]);
    expect(await searched("--all", "--until", "2026-06-10")).toEqual([ids.first]);
    const refused = await factory("search", "refunds", "--since", "yesterday");
    expect([refused.code, refused.stderr]).toEqual([
      2,
      'error: E_USAGE: --since: expected an ISO date (2026-03-01), an instant (2026-03-01T09:00:00Z) or a span back from now (30d, 12h, 2w) (got "yesterday")\n(run with --help for usage)\n',
    ]);
  });

  it("marks a superseded hit with --all, as knowledge list --all marks its row", async () => {
    const text = await ok("search", "second", "reminder", "--all");
    const rows = text.split("\n").filter((row) => /^\d+\. /.test(row));
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.includes(ids.first))).toMatch(/ {2}superseded$/);
    expect(rows.find((row) => row.includes(ids.second))).not.toContain("superseded");
  });

  it("pages with --offset: the next page goes on from the offset the last one gives, numbered on", async () => {
    const whole = await searched("--all", "--limit", "2");
    const first = JSON.parse(await ok("search", "second", "reminder", "--all", "--limit", "1", "--json")) as {
      nextOffset?: number;
    };
    expect(first.nextOffset).toBe(1);
    expect(await searched("--all", "--limit", "1", "--offset", "1")).toEqual([whole[1]]);
    const text = await ok("search", "second", "reminder", "--all", "--limit", "1", "--offset", "1");
    expect(text).toMatch(/^2\. Dunning levels/);
    expect(await ok("search", "second", "reminder", "--all", "--limit", "1")).toContain(
      "more hits may follow: --offset 1",
    );
  });
});

describe("factory knowledge list", () => {
  it("takes --as-of, --author, --since and --until", async () => {
    expect(await listed("--as-of", "2026-03-01")).toEqual([ids.first]);
    expect(await listed("--as-of", "30d")).toEqual([ids.first, ids.second].sort());
    expect(await listed("--author", "olu")).toEqual([ids.second]);
    expect(await listed("--all", "--since", "2026-02-01", "--until", "2026-06-11")).toEqual(
      [ids.first, ids.second].sort(),
    );
  });

  it("shows the date and author of each document's source", async () => {
    const rows = (await ok("knowledge", "list", "--all")).split("\n");
    expect(rows.find((row) => row.startsWith(ids.first))).toBe(
      `${ids.first}  2026-02-20  note         Dunning levels v1  by marc  superseded`,
    );
    expect(rows.find((row) => row.startsWith(ids.second))).toBe(
      `${ids.second}  2026-06-10  note         Dunning levels v2  by olu`,
    );
    // As of an instant, every row was in force then: a later supersession is no status then.
    expect(await ok("knowledge", "list", "--as-of", "2026-03-01")).toBe(
      `${ids.first}  2026-02-20  note         Dunning levels v1  by marc\n`,
    );
  });
});

describe("factory context", () => {
  it("dates each document of the pack by its source", async () => {
    const markdown = await ok("context", "--question", "when does the second reminder go out");
    expect(markdown).toContain("From cli by olu on 2026-06-10.");
  });
});

/**
 * A text that holds a line break (from an import, an agent over MCP, or a
 * shell's $'...') is shown on its one row, the break written `\n`: a script
 * that reads `knowledge list` and the like line by line sees one row per
 * record. A new work item's, incident's or document's title cannot hold one at
 * all (control characters are refused in titles), so it cannot forge a row of
 * its own; a document title an older version stored with one keeps its row.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashJson } from "@software-factory/core";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
const SLOW = { timeout: 240_000 };
const FORGED = "Fix refunds\nwi_01FAKE0000000000000000000  checkout  release  done";

/** Standard output of a run that must succeed. */
async function printed(...args: string[]): Promise<string> {
  const result = await factory(...args);
  expect(result.stderr, args.join(" ")).toBe("");
  expect(result.code, args.join(" ")).toBe(0);
  return result.stdout;
}

/** Appends the capture of note `id` as a version before one-line titles stored it (its title as given). */
async function appendStoredBefore(id: string, title: string, body: string): Promise<void> {
  const store = openSqliteEventStore({ path: join(cwd, ".factory", "factory.db") });
  try {
    await store.append(
      [
        {
          id: `evt_${id}`,
          type: "knowledge.document.captured",
          v: 1,
          at: new Date().toISOString(),
          actor: "older-sdk",
          subject: id,
          data: {
            kind: "note",
            source: { system: "notes", uri: id },
            links: [],
            supersedes: [],
            title,
            body,
            contentHash: hashJson({ title, body, decision: null }),
            tags: [],
            lines: [],
            validFrom: new Date().toISOString(),
          },
        },
      ],
      {},
    );
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-one-line-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
}, SLOW.timeout);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("a line break in a title or text", () => {
  it(
    "is refused in a work item's title, and a block reason stays on its row of work show",
    SLOW,
    async () => {
      // A title is one line (core refuses control characters in it), so it cannot forge a row.
      const forged = await factory("work", "create", "--line", "checkout", FORGED);
      expect(forged.code).toBe(2);
      expect(forged.stderr).toContain(
        "<title>: U+000A (line feed) at character 12 is not allowed in a title",
      );
      const id = JSON.parse(await printed("work", "create", "--line", "checkout", "--json", "Fix refunds"))
        .id as string;
      await printed("work", "block", id, "--reason", "waiting\nfor the PSP");
      expect((await printed("work", "list")).trimEnd().split("\n")).toHaveLength(1);
      const show = await printed("work", "show", id);
      expect(show).toContain("  reason   waiting\\nfor the PSP\n");
    },
  );

  it(
    "stays on its row of knowledge list and show, search and signal route, and is refused in a new document's or an incident's title",
    SLOW,
    async () => {
      // A document's title is one line now: refused on capture, and nothing is captured.
      const refused = await factory(
        "knowledge",
        "capture",
        "--kind",
        "note",
        "--title",
        "Refund\r\nrules",
        "--body",
        "x",
      );
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        "--title: U+000D (carriage return) at character 7 is not allowed in a title",
      );
      expect(await printed("knowledge", "list")).toBe("no documents\n");
      // One an older version stored with a line break is still shown on its row.
      const document = "doc_stored_before";
      await appendStoredBefore(document, "Refund\r\nrules", "Refunds take three days");
      expect((await printed("knowledge", "show", document)).split("\n")[0]).toBe(
        `Refund\\r\\nrules [note] ${document}`,
      );
      expect((await printed("knowledge", "list")).trimEnd().split("\n")).toEqual([
        expect.stringMatching(/ Refund\\r\\nrules$/),
      ]);
      expect((await printed("search", "refunds", "--mode", "lexical")).split("\n")[0]).toMatch(
        /^1\. Refund\\r\\nrules \[note\]/,
      );
      const signal = JSON.parse(
        await printed("signal", "capture", "--source", "support", "--json", "Refunds\nfail"),
      ).id;
      expect((await printed("signal", "route", signal as string)).split("\n")[0]).toBe(
        `${signal}: Refunds\\nfail`,
      );
      // An incident's title is a title: refused with a line break, and nothing is opened.
      const incident = await factory("incident", "open", "--line", "checkout", "Checkout\ndown");
      expect(incident.code).toBe(2);
      expect(incident.stderr).toContain("U+000A (line feed) at character 9 is not allowed in a title");
      expect(await printed("incident", "list")).not.toContain("Checkout");
    },
  );
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { type ImportReport, openKnowledgeBase } from "@software-factory/knowledge";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
const SLOW = { timeout: 240_000 };
const NOTES = 24;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-docs-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  mkdirSync(join(cwd, "docs"));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory import docs", () => {
  it(
    "run by several processes at once, leaves one document per file and one decision per record",
    SLOW,
    async () => {
      expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
      for (let index = 0; index < NOTES; index += 1) {
        writeFileSync(
          join(cwd, "docs", `note-${index}.md`),
          `---\nlines: [checkout]\n---\n# Note ${index}\n\nword${index}`,
        );
      }
      for (const id of [1, 2]) {
        writeFileSync(
          join(cwd, "docs", `adr-${id}.md`),
          `---\nkind: decision\nstatus: accepted\n---\n# ADR-${id}\n\n## Context\nWhy ${id}.\n\n## Decision\nDo ${id}.\n`,
        );
      }
      const runs = await Promise.all([1, 2, 3].map(() => factory("import", "docs", "docs", "--json")));
      const reports = runs.map((run) => JSON.parse(run.stdout) as ImportReport & { decisions: number });
      const sum = (field: "captured" | "decisions") =>
        reports.reduce((total, report) => total + report[field], 0);
      expect(sum("captured")).toBe(NOTES);
      expect(sum("decisions")).toBe(2);

      const again = JSON.parse((await factory("import", "docs", "docs", "--json")).stdout);
      expect(again).toMatchObject({ captured: 0, revised: 0, unchanged: NOTES, decisions: 0 });
      const log = await openEventLog({ path: join(cwd, ".factory", "factory.db") });
      const kb = await openKnowledgeBase({ log });
      const notes = await kb.fromSystem("markdown:docs");
      expect(notes.filter((document) => document.kind === "note")).toHaveLength(NOTES);
      expect(new Set(notes.map((document) => document.source.uri)).size).toBe(notes.length);
      expect(await kb.fromSystem("decisions:docs")).toHaveLength(2);
      await kb.close();
      await log.close();
    },
  );

  it(
    "names a front matter error by file:line:column and skips a binary file with a warning",
    SLOW,
    async () => {
      writeFileSync(join(cwd, "docs", "logo.md"), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x1a]));
      writeFileSync(join(cwd, "docs", "plain.md"), "No front matter, still a note.\n");
      const warned = await factory("import", "docs", "docs");
      expect(warned.code).toBe(0);
      expect(warned.stdout).toMatch(/^docs\/logo\.md warning skipped: a binary file/m);
      expect(warned.stdout).toContain("1 captured");

      writeFileSync(join(cwd, "docs", "c.md"), "---\ntitle: C\ndate: someday\n---\nbody\n");
      writeFileSync(
        join(cwd, "docs", "adr-1.md"),
        "---\nkind: decision\nstatus: maybe\n---\n## Decision\nx\n",
      );
      const failed = await factory("import", "docs", "docs");
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(
        /^docs\/c\.md:3:7 error front matter field date: "someday" is not a date$/m,
      );
      expect(failed.stdout).toMatch(/^docs\/adr-1\.md:3:9 error front matter field status: /m);
    },
  );
});

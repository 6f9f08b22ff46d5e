import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { folderPathSourceSystem, type KnowledgeBase, openKnowledgeBase } from "@software-factory/knowledge";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
const SLOW = { timeout: 240_000 };
const adr = (id: number) =>
  `---\nkind: decision\nstatus: accepted\n---\n# ADR-${id}\n\n## Context\nWhy ${id}.\n\n## Decision\nDo ${id}.\n`;

/** Runs `use` over the knowledge base of the factory in `cwd` (the SDK on the same SQLite file). */
async function withKnowledge<T>(use: (kb: KnowledgeBase) => Promise<T>): Promise<T> {
  mkdirSync(join(cwd, ".factory"), { recursive: true });
  const log = await openEventLog({ path: join(cwd, ".factory", "factory.db") });
  const kb = await openKnowledgeBase({ log });
  try {
    return await use(kb);
  } finally {
    await kb.close();
    await log.close();
  }
}

/** The files of the live documents of a source system, sorted. */
const liveFiles = (system: string) =>
  withKnowledge(async (kb) =>
    (await kb.fromSystem(system))
      .filter((document) => document.retracted === undefined)
      .map((document) => document.source.uri as string)
      .sort(),
  );

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-docs-lifecycle-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  mkdirSync(join(cwd, "docs"));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory import docs run again", () => {
  it(
    "retracts the decision of a removed file and of a file no longer a decision, and keeps one whose file fails",
    SLOW,
    async () => {
      for (const id of [1, 2, 3]) writeFileSync(join(cwd, "docs", `adr-${id}.md`), adr(id));
      expect((await factory("import", "docs", "docs")).stdout).toBe(
        "docs: 0 captured, 0 revised, 0 unchanged, 0 retracted, 3 decisions, 0 problems, 0 warnings\n",
      );
      rmSync(join(cwd, "docs", "adr-1.md"));
      writeFileSync(join(cwd, "docs", "adr-2.md"), "# ADR-2, now a note\n\nNo longer a decision.\n");
      writeFileSync(join(cwd, "docs", "adr-3.md"), adr(3).replace("accepted", "maybe"));
      const again = await factory("import", "docs", "docs");
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^docs\/adr-3\.md:3:9 error front matter field status: /m);
      expect(again.stdout).toContain(
        "docs: 1 captured, 0 revised, 0 unchanged, 2 retracted, 0 decisions, 1 problem, 0 warnings\n",
      );
      expect(await liveFiles("decisions:docs")).toEqual(["adr-3.md"]);
      expect(await liveFiles("markdown:docs")).toEqual(["adr-2.md"]);

      rmSync(join(cwd, "docs", "adr-3.md"));
      const emptied = JSON.parse((await factory("import", "docs", "docs", "--json")).stdout);
      expect(emptied).toMatchObject({ retracted: 1, problems: [] });
      expect(await liveFiles("decisions:docs")).toEqual([]);
    },
  );

  it(
    "moves to markdown:docs what an earlier release recorded under the folder's absolute path, and retracts what it recorded for removed files",
    SLOW,
    async () => {
      writeFileSync(join(cwd, "docs", "guide.md"), "# Guide\n\nThe guide, edited since.\n");
      writeFileSync(join(cwd, "docs", "adr-1.md"), adr(1));
      const docs = realpathSync(join(cwd, "docs"));
      const [notes, decisions] = [
        folderPathSourceSystem("markdown", docs),
        folderPathSourceSystem("decisions", docs),
      ];
      expect(notes).toBe(`markdown:${docs}`);
      await withKnowledge(async (kb) => {
        for (const uri of ["guide.md", "old.md"])
          await kb.captureOrRevise({
            kind: "note",
            title: uri,
            body: "# Guide\n",
            source: { system: notes, uri },
          });
        for (const uri of ["adr-1.md", "adr-0.md"]) {
          const decision = { status: "accepted" as const, context: "Why.", decision: "Do." };
          await kb.captureOrRevise({
            kind: "decision",
            title: uri,
            body: "## Decision\nDo.\n",
            decision,
            source: { system: decisions, uri },
          });
        }
      });

      const moved = JSON.parse((await factory("import", "docs", "docs", "--json")).stdout);
      expect(moved).toMatchObject({ captured: 1, decisions: 1, moved: 2, retracted: 2, possiblyStale: [] });
      expect(await liveFiles(notes)).toEqual([]);
      expect(await liveFiles(decisions)).toEqual([]);
      expect(await liveFiles("markdown:docs")).toEqual(["guide.md"]);
      expect(await liveFiles("decisions:docs")).toEqual(["adr-1.md"]);

      const again = JSON.parse((await factory("import", "docs", "docs", "--json")).stdout);
      expect(again).toMatchObject({ captured: 0, unchanged: 1, decisions: 0, moved: 0, retracted: 0 });
    },
  );
});

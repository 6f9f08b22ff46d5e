import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { type ImportReport, type KnowledgeDocument, openKnowledgeBase } from "@software-factory/knowledge";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory, runFactoryProcess } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
const SLOW = { timeout: 240_000 };
const NOTES = 24;
const ADR = "---\nkind: decision\nstatus: accepted\n---\n# ADR-1\n\n## Context\nWhy.\n\n## Decision\nDo.\n";

/** The live documents of a source system in the factory of `cwd`, sorted by their file. */
async function liveDocumentsOf(system: string): Promise<KnowledgeDocument[]> {
  const log = await openEventLog({ path: join(cwd, ".factory", "factory.db") });
  const kb = await openKnowledgeBase({ log });
  try {
    return (await kb.fromSystem(system))
      .filter((document) => document.retracted === undefined)
      .sort((a, b) => (a.source.uri as string).localeCompare(b.source.uri as string));
  } finally {
    await kb.close();
    await log.close();
  }
}

/** The files of the live documents of a source system in the factory of `cwd`. */
async function liveFiles(system: string): Promise<string[]> {
  return (await liveDocumentsOf(system)).map((document) => document.source.uri as string);
}

/** The ids of the live documents of a source system in the factory of `cwd`, by their file. */
async function liveDocuments(system: string): Promise<string[]> {
  return (await liveDocumentsOf(system)).map((document) => document.id);
}

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-docs-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  mkdirSync(join(cwd, "docs"));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory import docs", () => {
  it("refuses a folder that does not exist before creating anything (E_NOT_FOUND)", SLOW, async () => {
    const missing = await factory("--dir", "typo", "import", "docs", "knowledge/nonexistent");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^error: E_NOT_FOUND: cannot import knowledge\/nonexistent: .*knowledge\/nonexistent does not exist/,
    );
    expect(existsSync(join(cwd, "typo"))).toBe(false);
    expect(readdirSync(cwd).sort()).toEqual(["docs", "factory.yaml"]);
  });

  it(
    "before the floor plan, sums up the files naming unknown lines in one line and imports none of them",
    SLOW,
    async () => {
      for (const [file, lines] of [
        ["a.md", "[checkout]"],
        ["b.md", "[checkout, payments]"],
        ["c.md", "[ghost]"],
      ] as const)
        writeFileSync(join(cwd, "docs", file), `---\nlines: ${lines}\n---\n# ${file}\n\ntext`);
      writeFileSync(join(cwd, "docs", "free.md"), "# Free\n\nNo line named.");
      const text = await factory("import", "docs", "docs");
      expect(text.code).toBe(1);
      // The problems on standard error after the line a script reads, the summary on standard output.
      expect(text.stderr).toBe(
        [
          "error: E_IMPORT_PROBLEMS: docs: 3 problems; the files they name were not imported, the others were (listed below)",
          "error 3 files name lines the floor plan lacks (checkout, ghost, payments): they were not imported; apply the floor plan first: factory plan apply <file> (--verbose lists the files)",
          "",
        ].join("\n"),
      );
      expect(text.stdout).toBe(
        "docs: 1 captured, 0 revised, 0 unchanged, 0 retracted, 0 decisions, 3 problems, 0 warnings\n",
      );

      const verbose = await factory("import", "docs", "docs", "--verbose");
      expect(verbose.stderr).toContain('docs/c.md error document: lines[0] names an unknown line "ghost"');
      expect(verbose.stderr).not.toContain("--verbose lists the files");

      const json = JSON.parse((await factory("import", "docs", "docs", "--json")).stdout);
      expect(json.unknownLines).toEqual({
        lines: ["checkout", "ghost", "payments"],
        files: ["a.md", "b.md", "c.md"],
      });
      expect(json.problems).toHaveLength(3);

      expect((await factory("plan", "apply", "factory.yaml")).code).toBe(0);
      const after = JSON.parse((await factory("import", "docs", "docs", "--json")).stdout);
      expect(after).toMatchObject({
        captured: 2,
        unchanged: 1,
        unknownLines: { lines: ["ghost"], files: ["c.md"] },
      });
    },
  );

  it(
    "run by several processes at once, leaves one document per file and one decision per record",
    SLOW,
    async () => {
      // A project in git: its top-level docs folder is recorded as markdown:docs.
      execFileSync("git", ["init", "--quiet", cwd]);
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
      const runs = await Promise.all(
        [1, 2, 3].map(() => runFactoryProcess(["import", "docs", "docs", "--json"], { cwd })),
      );
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

  it("names a front matter error by file:line:column and a skipped binary file as errors", SLOW, async () => {
    writeFileSync(join(cwd, "docs", "logo.md"), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x1a]));
    writeFileSync(join(cwd, "docs", "plain.md"), "No front matter, still a note.\n");
    const warned = await factory("import", "docs", "docs");
    expect(warned.code).toBe(1);
    expect(warned.stderr).toMatch(/^docs\/logo\.md error skipped: a binary file/m);
    expect(warned.stdout).toContain("1 captured");

    writeFileSync(join(cwd, "docs", "c.md"), "---\ntitle: C\ndate: someday\n---\nbody\n");
    writeFileSync(join(cwd, "docs", "adr-1.md"), "---\nkind: decision\nstatus: maybe\n---\n## Decision\nx\n");
    const failed = await factory("import", "docs", "docs");
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /^docs\/c\.md:3:7 error front matter field date: "someday" is not a date$/m,
    );
    expect(failed.stderr).toMatch(/^docs\/adr-1\.md:3:9 error front matter field status: /m);
  });

  it(
    "in a monorepo, importing another folder named docs (empty) retracts nothing; emptying a folder retracts its documents with a warning",
    SLOW,
    async () => {
      execFileSync("git", ["init", "--quiet", cwd]);
      mkdirSync(join(cwd, "packages", "a", "docs"), { recursive: true });
      mkdirSync(join(cwd, "packages", "b", "docs"), { recursive: true });
      writeFileSync(join(cwd, "packages", "a", "docs", "guide.md"), "# Guide\n\nA's guide.");
      writeFileSync(join(cwd, "packages", "a", "docs", "adr-1.md"), ADR);
      const first = await factory("import", "docs", "packages/a/docs");
      expect(first.stdout).toBe(
        "packages/a/docs: 1 captured, 0 revised, 0 unchanged, 0 retracted, 1 decision, 0 problems, 0 warnings\n",
      );
      const other = await factory("import", "docs", "packages/b/docs");
      expect(other.stdout).toBe(
        "packages/b/docs: 0 captured, 0 revised, 0 unchanged, 0 retracted, 0 decisions, 0 problems, 0 warnings\n",
      );
      expect(await liveFiles("markdown:packages/a/docs")).toEqual(["guide.md"]);
      expect(await liveFiles("decisions:packages/a/docs")).toEqual(["adr-1.md"]);

      rmSync(join(cwd, "packages", "a", "docs", "guide.md"));
      rmSync(join(cwd, "packages", "a", "docs", "adr-1.md"));
      const emptied = await factory("import", "docs", "packages/a/docs");
      expect(emptied.stdout).toBe(
        [
          "packages/a/docs warning the folder has no markdown file left: the document imported from it (markdown:packages/a/docs) was retracted",
          // guide.md's note and adr-1.md's decision.
          "packages/a/docs: 0 captured, 0 revised, 0 unchanged, 2 retracted, 0 decisions, 0 problems, 1 warning",
          "",
        ].join("\n"),
      );
    },
  );

  it(
    "outside git, imports a copy of the folder from another place as the same folder: its documents are revised in place",
    SLOW,
    async () => {
      for (const build of ["build-1", "build-2"]) {
        mkdirSync(join(cwd, build, "docs"), { recursive: true });
        for (const page of ["a", "b", "c"])
          writeFileSync(join(cwd, build, "docs", `${page}.md`), `# Page ${page}\n\nText ${page}.\n`);
        writeFileSync(join(cwd, build, "docs", "adr-1.md"), ADR);
      }
      writeFileSync(join(cwd, "build-2", "docs", "b.md"), "# Page b\n\nText b, edited.\n");
      expect((await factory("import", "docs", "build-1/docs")).stdout).toBe(
        "build-1/docs: 3 captured, 0 revised, 0 unchanged, 0 retracted, 1 decision, 0 problems, 0 warnings\n",
      );
      expect((await factory("import", "docs", "build-2/docs")).stdout).toBe(
        "build-2/docs: 0 captured, 1 revised, 2 unchanged, 0 retracted, 0 decisions, 0 problems, 0 warnings\n",
      );
      expect(await liveFiles("markdown:docs")).toEqual(["a.md", "b.md", "c.md"]);
      expect(await liveFiles("decisions:docs")).toEqual(["adr-1.md"]);
    },
  );

  it(
    "--system gives a folder its own systems: two folders of one name outside git keep their documents",
    SLOW,
    async () => {
      for (const name of ["handbook", "api"]) {
        mkdirSync(join(cwd, name, "docs"), { recursive: true });
        writeFileSync(join(cwd, name, "docs", "guide.md"), `# Guide\n\nThe ${name} guide.`);
      }
      writeFileSync(join(cwd, "handbook", "docs", "adr-1.md"), ADR);
      const handbook = await factory("import", "docs", "handbook/docs", "--system", "handbook", "--json");
      expect(JSON.parse(handbook.stdout)).toMatchObject({
        system: "markdown:handbook",
        captured: 1,
        decisions: 1,
      });
      rmSync(join(cwd, "api", "docs", "guide.md"));
      const api = await factory("import", "docs", "api/docs", "--system", "api/docs");
      expect(api.stdout).toBe(
        "api/docs: 0 captured, 0 revised, 0 unchanged, 0 retracted, 0 decisions, 0 problems, 0 warnings\n",
      );
      expect(await liveFiles("markdown:handbook")).toEqual(["guide.md"]);
      expect(await liveFiles("decisions:handbook")).toEqual(["adr-1.md"]);

      for (const [bad, why] of [
        ["", "give a name such as handbook"],
        [" handbook", "no blank at the start or end"],
        ["h".repeat(91), "at most 90 characters"],
        ["a\tb", "no control characters"],
      ]) {
        const refused = await factory(
          "--dir",
          "typo",
          "import",
          "docs",
          "api/docs",
          "--system",
          bad as string,
        );
        expect(refused.code).toBe(2);
        expect(refused.stderr).toContain(`E_USAGE: --system: ${why}`);
      }
      expect(existsSync(join(cwd, "typo"))).toBe(false);
    },
  );

  it(
    "after a move, retires the old copy of a note edited since when git committed its text, and names a kept decision copy by id",
    SLOW,
    async () => {
      const git = (...args: string[]) =>
        execFileSync("git", [
          "-C",
          cwd,
          "-c",
          "user.name=Test",
          "-c",
          "user.email=test@example.com",
          ...args,
        ]);
      execFileSync("git", ["init", "--quiet", cwd]);
      writeFileSync(join(cwd, "docs", "guide.md"), "# Guide\n\nVersion 1.");
      writeFileSync(join(cwd, "docs", "adr-1.md"), ADR);
      git("add", "docs");
      git("commit", "--quiet", "-m", "docs");
      expect((await factory("import", "docs", "docs")).code).toBe(0);
      mkdirSync(join(cwd, "site"));
      git("mv", "docs", "site/docs");
      git("commit", "--quiet", "-m", "move the docs");
      writeFileSync(join(cwd, "site", "docs", "guide.md"), "# Guide\n\nVersion 2.");
      writeFileSync(join(cwd, "site", "docs", "adr-1.md"), ADR.replace("Do.", "Do it twice."));
      const [kept] = await liveDocuments("decisions:docs");

      const moved = await factory("import", "docs", "site/docs");
      expect(moved.stdout).toBe(
        [
          `site/docs/adr-1.md warning possibly a stale copy: ${kept} (decisions:docs) was recorded for this file before each folder had its own source system, and holds another decision than the file's; it may be the file of another folder named docs, so it is kept: retract it if it is this file's`,
          "site/docs: 1 captured, 0 revised, 0 unchanged, 0 retracted, 1 decision, 0 problems, 1 warning, 1 moved to the folder's own source system (markdown:site/docs)",
          "",
        ].join("\n"),
      );
      expect(await liveFiles("markdown:docs")).toEqual([]);
      expect(await liveFiles("decisions:docs")).toEqual(["adr-1.md"]);
      const json = JSON.parse((await factory("import", "docs", "site/docs", "--json")).stdout);
      expect(json).toMatchObject({
        unchanged: 1,
        moved: 0,
        possiblyStale: [{ item: "adr-1.md", id: kept, system: "decisions:docs" }],
      });
    },
  );

  it(
    "moves the documents and decisions recorded under markdown:docs and decisions:docs to the folder's own system, once",
    SLOW,
    async () => {
      execFileSync("git", ["init", "--quiet", cwd]);
      writeFileSync(join(cwd, "docs", "guide.md"), "# Guide\n\nThe guide.");
      writeFileSync(join(cwd, "docs", "adr-1.md"), ADR);
      // A docs folder at the top of the repository has the system importers used before: markdown:docs.
      expect((await factory("import", "docs", "docs")).code).toBe(0);
      mkdirSync(join(cwd, "site"));
      renameSync(join(cwd, "docs"), join(cwd, "site", "docs"));
      const moved = await factory("import", "docs", "site/docs");
      expect(moved.stdout).toBe(
        "site/docs: 1 captured, 0 revised, 0 unchanged, 0 retracted, 1 decision, 0 problems, 0 warnings, 2 moved to the folder's own source system (markdown:site/docs)\n",
      );
      expect(await liveFiles("markdown:docs")).toEqual([]);
      expect(await liveFiles("decisions:docs")).toEqual([]);
      expect(await liveFiles("markdown:site/docs")).toEqual(["guide.md"]);
      expect(await liveFiles("decisions:site/docs")).toEqual(["adr-1.md"]);
      const again = await factory("import", "docs", "site/docs");
      expect(again.stdout).toBe(
        "site/docs: 0 captured, 0 revised, 1 unchanged, 0 retracted, 0 decisions, 0 problems, 0 warnings\n",
      );
    },
  );
});

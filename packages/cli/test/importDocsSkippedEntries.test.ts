/**
 * `factory import docs` and what it cannot import as it stands: a file or
 * folder it may not read, a file name that is not UTF-8, a named pipe, front
 * matter keys it does not read, lines the applied floor plan lacks. Each is
 * named (a problem, exit 1, or a warning) and the rest of the folder imports;
 * nothing aborts the run. In process through `runCli`, and, for the folder
 * it may not read, `factory` from the sources run as nobody (uid 65534) when
 * the tests run as root, whom file modes do not stop. Real SQLite factories
 * in temp folders.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runUnprivileged } from "../../core/test/fixtures/runUnprivileged.js";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** The `factory` bin's sources, which runUnprivileged runs through tsx. */
const CLI = join(import.meta.dirname, "..", "src", "cli.ts");
/** A run in a process of its own loads the packages from their sources: seconds on a loaded machine. */
const SLOW = { timeout: 240_000 };
const ADR = "---\nkind: decision\n---\n# ADR-1\n\n## Context\nWhy.\n\n## Decision\nDo.\n";

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-import-skipped-"));
  mkdirSync(join(cwd, "docs"));
  writeFileSync(join(cwd, "docs", "good.md"), "# Good\n\nRefunds take 5 days.\n");
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
});

afterEach(() => {
  // Modes taken away by a test are given back, so that the folder can be removed as any user.
  openUp(cwd);
  rmSync(cwd, { recursive: true, force: true });
});

/** Lets everyone read, write and search `path` and what it holds (names that are not UTF-8 included). */
function openUp(path: string | Buffer): void {
  const folder = lstatSync(path).isDirectory();
  chmodSync(path, folder ? 0o777 : 0o666);
  if (!folder) return;
  const base = typeof path === "string" ? Buffer.from(path) : path;
  for (const name of readdirSync(path, { encoding: "buffer" }))
    openUp(Buffer.concat([base, Buffer.from("/"), name]));
}

/** The titles of the live documents of the factory in `cwd`, sorted. */
async function liveTitles(): Promise<string[]> {
  const listed = await factory("knowledge", "list", "--json");
  expect(listed.code, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout)
    .map((document: { title: string }) => document.title)
    .sort();
}

describe("factory import docs", () => {
  it(
    "skips a file and a folder it may not read as problems naming them, keeps their documents and imports the rest",
    SLOW,
    async () => {
      mkdirSync(join(cwd, "docs", "locked"));
      writeFileSync(join(cwd, "docs", "secret.md"), "# Secret\n\ns\n");
      writeFileSync(join(cwd, "docs", "locked", "l.md"), "# Locked\n\nl\n");
      writeFileSync(join(cwd, "docs", "locked", "adr-1.md"), ADR);
      expect((await factory("init")).code).toBe(0);
      const first = await factory("import", "docs", "docs");
      expect(first.code, first.stdout).toBe(0);
      writeFileSync(join(cwd, "docs", "new.md"), "# New\n\nArrived since.\n");
      openUp(cwd);
      chmodSync(join(cwd, "docs", "secret.md"), 0o000);
      chmodSync(join(cwd, "docs", "locked"), 0o000);

      const dir = join(cwd, ".factory");
      const docs = join(cwd, "docs");
      const run = await runUnprivileged(CLI, [
        "--dir",
        dir,
        "--actor",
        "tester",
        "import",
        "docs",
        docs,
        "--json",
      ]);
      expect(run.code, run.stderr).toBe(1);
      const report = JSON.parse(run.stdout);
      expect(report).toMatchObject({ captured: 1, unchanged: 1, retracted: 0, unreadFolders: ["locked"] });
      expect(report.problems).toEqual([
        {
          item: "locked",
          message:
            "skipped: cannot read the folder: permission denied (EACCES); its files are not imported, and their documents from earlier imports are kept",
        },
        { item: "secret.md", message: "skipped: cannot read the file: permission denied (EACCES)" },
      ]);
      const text = await runUnprivileged(CLI, ["--dir", dir, "--actor", "tester", "import", "docs", docs]);
      expect(text.code, text.stderr).toBe(1);
      expect(text.stderr).toContain(
        `${docs}/secret.md error skipped: cannot read the file: permission denied (EACCES)\n`,
      );
      // The documents of the files it could not read are kept: the note and the decision in the folder too.
      expect(await liveTitles()).toEqual(["ADR-1", "Good", "Locked", "New", "Secret"]);
    },
  );

  it("names a file whose name is not UTF-8, escaped, as a problem, warns of a named pipe, and imports the rest", async () => {
    writeFileSync(
      Buffer.concat([Buffer.from(join(cwd, "docs", "caf")), Buffer.from([0xe9]), Buffer.from(".md")]),
      "# Cafe\n\nlatin-1 file name\n",
    );
    execFileSync("mkfifo", [join(cwd, "docs", "pipe.md")]);
    expect((await factory("init")).code).toBe(0);
    const run = await factory("import", "docs", "docs");
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toBe(
      [
        "error: E_IMPORT_PROBLEMS: docs: 1 problem; the files they name were not imported, the others were (listed below)",
        "docs/caf\\xe9.md error skipped: the file name is not UTF-8 (rename the file: names are read as UTF-8)",
        "",
      ].join("\n"),
    );
    expect(run.stdout).toBe(
      [
        "docs/pipe.md warning skipped: not a regular file (a FIFO)",
        "docs: 1 captured, 0 revised, 0 unchanged, 0 retracted, 0 decisions, 1 problem, 1 warning",
        "",
      ].join("\n"),
    );
    const json = await factory("import", "docs", "docs", "--json");
    expect(json.code).toBe(1);
    expect(json.stderr).toBe(
      "error: E_IMPORT_PROBLEMS: docs: 1 problem; the files they name were not imported, the others were (listed under problems)\n",
    );
    expect(JSON.parse(json.stdout)).toMatchObject({
      unchanged: 1,
      problems: [{ item: "caf\\xe9.md" }],
      warnings: [{ item: "pipe.md" }],
    });
    expect(await liveTitles()).toEqual(["Good"]);
  });

  it("warns at each front matter key of a note or a decision that is a slip for one it reads", async () => {
    writeFileSync(
      join(cwd, "docs", "x.md"),
      "---\ntitle: Ticket\nkind: note\nTags: [support]\nsupersedes: doc_x\nurl: https://zendesk/1\nlayout: post\n---\nbody\n",
    );
    writeFileSync(
      join(cwd, "docs", "adr-1.md"),
      ADR.replace("kind: decision\n", "kind: decision\nStatus: rejected\n"),
    );
    expect((await factory("init")).code).toBe(0);
    const run = await factory("import", "docs", "docs");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      [
        'docs/x.md:4:1 warning front matter key "Tags" is not read (did you mean "tags"?)',
        'docs/adr-1.md:3:1 warning front matter key "Status" is not read (did you mean "status"?)',
        "docs: 2 captured, 0 revised, 0 unchanged, 0 retracted, 1 decision, 0 problems, 2 warnings",
        "",
      ].join("\n"),
    );
  });

  it("says which lines the applied floor plan lacks, with the lines near each, rather than to apply it", async () => {
    writeFileSync(join(cwd, "docs", "a.md"), "---\nlines: [payments, paymnts, payroll]\n---\n# A\n\ntext\n");
    expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
    const run = await factory("import", "docs", "docs");
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      [
        "error: E_IMPORT_PROBLEMS: docs: 1 problem; the files they name were not imported, the others were (listed below)",
        'error 1 file names lines not in the floor plan (paymnts: did you mean "payments"?; payroll): it was not imported; correct the lines in its front matter, or declare the lines in the floor plan and apply it: factory plan apply <file> (--verbose lists the files)',
        "",
      ].join("\n"),
    );
    expect(run.stdout).toBe(
      "docs: 1 captured, 0 revised, 0 unchanged, 0 retracted, 0 decisions, 1 problem, 0 warnings\n",
    );
  });
});

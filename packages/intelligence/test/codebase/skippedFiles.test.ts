/**
 * A file the import cannot take is a problem naming it, and the rest is
 * imported: a file name that is not UTF-8 was dropped without a word, and
 * one unreadable file aborted the whole import (audit-robust findings 4 and 5).
 * The unreadable file is read by a child process run as nobody when the
 * tests run as root, whom file modes do not stop.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importCodebase, openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runUnprivileged } from "../../../core/test/fixtures/runUnprivileged.js";
import { makeRepo, type TestRepo } from "./makeRepo.js";

/** Imports a repository as a user file modes stop: nobody (uid 65534) when the tests run as root. */
const CHILD = join(import.meta.dirname, "..", "fixtures", "importCodebaseChild.ts");
const asRoot = process.getuid?.() === 0;
/** A run in a process of its own loads the packages from their sources: seconds on a loaded machine. */
const SLOW = { timeout: 240_000 };
const alice = { name: "Alice", email: "alice@acme.test" };
/** `docs/café.md` in latin-1: the byte 0xE9 is not UTF-8. */
const LATIN1_NAME = Buffer.concat([Buffer.from("docs/caf"), Buffer.from([0xe9]), Buffer.from(".md")]);
const NOT_UTF8 = {
  file: "docs/caf\\xe9.md",
  message: "skipped: its name is not UTF-8 text, which the factory keeps paths as; rename it to import it",
};

let repo: TestRepo;
let dir: string;

beforeEach(() => {
  repo = makeRepo([
    {
      author: alice,
      files: {
        "package.json": JSON.stringify({ name: "shop" }),
        "docs/good.md": "# Refunds\n\nRefunds take 5 days.\n",
      },
    },
  ]);
  dir = mkdtempSync(join(tmpdir(), "factory-skipped-files-"));
});

afterEach(() => {
  repo.remove();
  rmSync(dir, { recursive: true, force: true });
});

/** The documents' files and the problems of an import of `root`, dry run then real. */
async function imported(root: string) {
  const factory = await openFactory({ dir });
  try {
    const dry = await importCodebase(factory, root, { dryRun: true });
    const real = await importCodebase(factory, root);
    expect(real.problems).toEqual(dry.problems);
    return { files: dry.proposal.documents.map((document) => document.file), problems: dry.problems };
  } finally {
    await factory.close();
  }
}

describe("importCodebase: files it cannot take", () => {
  it("names a committed file whose name is not UTF-8, and imports the rest", async () => {
    writeFileSync(Buffer.from(`${repo.root}/${LATIN1_NAME.toString("latin1")}`, "latin1"), "# Cafe\n");
    repo.git("add", "-A");
    repo.git("-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "latin-1");
    expect(await imported(repo.root)).toEqual({ files: ["docs/good.md"], problems: [NOT_UTF8] });
  });

  it("names such a file outside git too, and imports the rest", async () => {
    rmSync(join(repo.root, ".git"), { recursive: true, force: true });
    writeFileSync(Buffer.from(`${repo.root}/${LATIN1_NAME.toString("latin1")}`, "latin1"), "# Cafe\n");
    expect(await imported(repo.root)).toEqual({ files: ["docs/good.md"], problems: [NOT_UTF8] });
  });

  it("names a file and a folder it may not read, and imports the rest", SLOW, async () => {
    writeFileSync(join(repo.root, "docs", "secret.md"), "# Secret\n\ns\n");
    mkdirSync(join(repo.root, "docs", "locked"));
    writeFileSync(join(repo.root, "docs", "locked", "hidden.md"), "# Hidden\n");
    repo.git("add", "-A");
    repo.git("-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "more");
    // Root reads any file whatever its mode: the import runs as nobody, who owns the repository and the factory.
    if (asRoot) for (const path of [repo.root, dir]) execFileSync("chown", ["-R", "65534:65534", path]);
    chmodSync(join(repo.root, "docs", "secret.md"), 0o000);
    chmodSync(join(repo.root, "docs", "locked"), 0o000);
    try {
      const run = await runUnprivileged(CHILD, [dir, repo.root]);
      expect(run.code, run.stderr).toBe(0);
      const { files, dryProblems, problems } = JSON.parse(run.stdout);
      expect(files).toEqual(["docs/good.md"]);
      expect(problems).toEqual(dryProblems);
      expect(problems).toEqual(
        expect.arrayContaining([
          { file: "docs/secret.md", message: "skipped: the file cannot be read (EACCES: permission denied)" },
          {
            file: "docs/locked/hidden.md",
            message: "skipped: the file cannot be read (EACCES: permission denied)",
          },
        ]),
      );
    } finally {
      chmodSync(join(repo.root, "docs", "locked"), 0o755);
      chmodSync(join(repo.root, "docs", "secret.md"), 0o644);
    }
  });
});

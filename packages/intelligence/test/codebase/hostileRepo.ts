/**
 * Arms a test repository with every command its own configuration can make
 * git run while it only reads: each command creates a file named after its
 * key in a marker folder, so a test can assert that none of them ran.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeRepo, type RepoAuthor, type TestRepo } from "./makeRepo.js";

/** The marker folder of an armed repository. */
export interface Markers {
  /** The names of the commands that ran, sorted (none when the repository's commands were neutralised). */
  ran(): string[];
  /** Deletes the marker folder. */
  remove(): void;
}

/** A shell command that creates the marker `name` and then does what `then` does. */
const marking = (folder: string, name: string, then: string) => `touch ${join(folder, name)}; ${then}`;

/**
 * Sets, in `repo`'s `.git/config`, `.gitattributes` and hooks: `core.fsmonitor`,
 * `diff.external`, a diff driver's `textconv` and `command`, a filter
 * driver's `clean`, `smudge` and `process`, `core.pager`, `gpg.program` with
 * `log.showSignature` (and a commit carrying a signature for it to check),
 * and a `post-index-change` hook; then dates every tracked file later so git
 * has to hash them again. Commits `.gitattributes` itself, before arming.
 */
export function armRepository(repo: TestRepo, author: RepoAuthor): Markers {
  repo.commit({ author, files: { ".gitattributes": "* diff=evil filter=evil\n" }, message: "attributes" });
  const tracked = repo
    .git("ls-files", "-z")
    .split("\0")
    .filter((name) => name !== "");
  // A commit carrying a (fake) signature on top, which a signature check would hand to gpg.program.
  const signed = execFileSync("git", ["hash-object", "-t", "commit", "-w", "--stdin"], {
    cwd: repo.root,
    encoding: "utf8",
    input: [
      `tree ${repo.git("rev-parse", "HEAD^{tree}")}`,
      `parent ${repo.git("rev-parse", "HEAD")}`,
      `author ${author.name} <${author.email}> 1767600000 +0000`,
      `committer ${author.name} <${author.email}> 1767600000 +0000`,
      "gpgsig -----BEGIN PGP SIGNATURE-----",
      " ",
      " iQEzBAABCAAdFiEE",
      " -----END PGP SIGNATURE-----",
      "",
      "signed",
      "",
    ].join("\n"),
  }).trim();
  repo.git("update-ref", "refs/heads/main", signed);
  const folder = mkdtempSync(join(tmpdir(), "factory-hostile-markers-"));
  const set = (key: string, value: string) => repo.git("config", key, value);
  set("core.fsmonitor", marking(folder, "core.fsmonitor", "false"));
  set("diff.external", marking(folder, "diff.external", "false"));
  set("diff.evil.textconv", marking(folder, "diff.evil.textconv", "cat"));
  set("diff.evil.command", marking(folder, "diff.evil.command", "false"));
  set("filter.evil.clean", marking(folder, "filter.evil.clean", "cat"));
  set("filter.evil.smudge", marking(folder, "filter.evil.smudge", "cat"));
  set("core.pager", marking(folder, "core.pager", "cat"));
  set("log.showSignature", "true");
  set("gpg.program", marking(folder, "gpg.program", "false"));
  const hooks = join(repo.root, ".git", "evil-hooks");
  mkdirSync(hooks, { recursive: true });
  const hook = join(hooks, "post-index-change");
  writeFileSync(hook, `#!/bin/sh\n${marking(folder, "post-index-change", "true")}\n`);
  chmodSync(hook, 0o755);
  set("core.hooksPath", hooks);
  // Every tracked file stat-dirty: git hashes it again (through the clean filter) when it compares the work tree.
  const later = new Date(Date.now() + 5000);
  for (const file of tracked) utimesSync(join(repo.root, file), later, later);
  return {
    ran: () => readdirSync(folder).sort(),
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}

/** A repository with a workspace of two packages and a history, committed by `author`; not armed yet. */
export function workspaceRepo(author: RepoAuthor): TestRepo {
  return makeRepo(
    [
      {
        author,
        date: "2026-01-05T10:00:00Z",
        files: {
          "package.json": JSON.stringify({ private: true, workspaces: ["packages/*"] }),
          "packages/pay/package.json": JSON.stringify({ name: "@acme/pay" }),
          "packages/pay/charge.ts": "export const charge = 1;\n",
          "packages/web/package.json": JSON.stringify({ name: "@acme/web" }),
          "packages/web/page.ts": "export const page = 1;\n",
        },
      },
      {
        author,
        date: "2026-01-06T10:00:00Z",
        files: { "packages/pay/charge.ts": "export const charge = 2;\n" },
      },
    ],
    "factory-hostile-repo-",
  );
}

/**
 * A partial clone (`--filter=blob:none`) of `source`, whose older blobs are
 * missing, with its remote's `uploadpack` set to a command that creates the
 * marker `remote.origin.uploadpack`: reading those blobs would fetch them
 * lazily through it. Removing the clone's folder is the caller's.
 */
export function armPartialClone(source: TestRepo): { readonly root: string; readonly markers: Markers } {
  source.git("config", "uploadpack.allowFilter", "true");
  const root = join(mkdtempSync(join(tmpdir(), "factory-hostile-clone-")), "clone");
  execFileSync("git", ["clone", "-q", "--filter=blob:none", `file://${source.root}`, root]);
  const folder = mkdtempSync(join(tmpdir(), "factory-hostile-markers-"));
  execFileSync(
    "git",
    ["config", "remote.origin.uploadpack", marking(folder, "remote.origin.uploadpack", "git-upload-pack")],
    { cwd: root },
  );
  return {
    root,
    markers: {
      ran: () => readdirSync(folder).sort(),
      remove: () => rmSync(folder, { recursive: true, force: true }),
    },
  };
}

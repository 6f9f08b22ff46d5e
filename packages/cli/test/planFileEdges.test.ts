/**
 * The floor plan's file at its edges: a device is refused before it is read,
 * as every other file argument refuses it (`plan check /dev/zero` read
 * forever), a named pipe is read to its end (a plan given by process
 * substitution), a long dependency cycle is told in one short line (a ring
 * of 30,000 lines was one warning of 270 KB), and a file of several YAML
 * documents is told so in the editor's words, not with the YAML library's
 * advice to use `parseAllDocuments()`.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory, runFactoryProcess } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-plan-file-edges-"));
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** A floor plan of `count` lines, each depending on the next, the last on the first. */
function ring(count: number): string {
  const lines = Array.from(
    { length: count },
    (_, at) =>
      `  - { id: l${at}, description: ring, owner: ana, paths: [/l${at}/], dependsOn: [l${(at + 1) % count}] }`,
  );
  return `version: 1\nsettings: { cycles: warning }\noperators:\n  - { id: ana }\nlines:\n${lines.join("\n")}\n`;
}

describe("a floor plan file that is a device or a pipe", () => {
  it("is refused by plan check, plan apply and init --plan before it is read, and no factory is made", async () => {
    const device = "error: E_NOT_FOUND: no file /dev/zero (it is a device, pipe or socket, not a file)";
    for (const args of [
      ["plan", "check", "/dev/zero"],
      ["plan", "apply", "/dev/zero"],
    ]) {
      const run = await factory(...args);
      expect(run.stderr.split("\n")[0], args.join(" ")).toBe(device);
      expect(run.code).toBe(1);
    }
    const init = await factory("init", "--plan", "/dev/zero");
    expect(init.stderr.split("\n")[0]).toBe(
      "error: E_NOT_FOUND: --plan: no file /dev/zero (it is a device, pipe or socket, not a file)",
    );
    expect(init.code).toBe(1);
    expect(existsSync(join(cwd, ".factory"))).toBe(false);
  });

  it("reads a named pipe to its end, as a plan given by process substitution is", async () => {
    execFileSync("mkfifo", [join(cwd, "pipe.yaml")]);
    const plan =
      "version: 1\noperators:\n  - { id: ana }\nlines:\n  - { id: shop, owner: ana, paths: [/shop/] }\n";
    const writer = spawn("sh", ["-c", `printf '%s' "$PLAN" > pipe.yaml`], {
      cwd,
      env: { ...process.env, PLAN: plan },
    });
    const written = new Promise((ended) => writer.once("exit", ended));
    // As its own process, as a shell runs it: the writer and the reader meet at the pipe.
    const run = await runFactoryProcess(["plan", "check", "pipe.yaml"], { cwd });
    await written;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
  });
});

describe("a long dependency cycle", () => {
  it("is one warning naming its first ten lines and counting the rest", async () => {
    writeFileSync(join(cwd, "ring.yaml"), ring(2_000));
    const run = await factory("plan", "check", "ring.yaml");
    expect(run.code, run.stderr).toBe(0);
    const warning = run.stdout.split("\n").find((line) => line.includes("dependency cycle"));
    expect(warning).toContain(
      "dependency cycle: l0 -> l1 -> l2 -> l3 -> l4 -> l5 -> l6 -> l7 -> l8 -> l9 -> ... (1,990 more) -> l0 [",
    );
    expect(warning?.length).toBeLessThan(400);
  });

  it("is named whole when it is short", async () => {
    writeFileSync(join(cwd, "small-ring.yaml"), ring(11));
    const run = await factory("plan", "check", "small-ring.yaml");
    expect(run.stdout).toContain(
      "dependency cycle: l0 -> l1 -> l2 -> l3 -> l4 -> l5 -> l6 -> l7 -> l8 -> l9 -> l10 -> l0 [",
    );
  });
});

describe("a file of several YAML documents", () => {
  it("is an error counting them and placing the second, without the YAML library's advice", async () => {
    writeFileSync(join(cwd, "docsep.yaml"), "---\nversion: 1\n---\nversion: 2\n---\nversion: 3\n");
    const run = await factory("plan", "check", "docsep.yaml");
    expect(run.code).toBe(1);
    expect(run.stdout.split("\n")[0]).toMatch(
      /^docsep\.yaml:3:1 error docsep\.yaml holds 3 YAML documents \(--- at line 3\); a factory\.yaml is one document /,
    );
    expect(run.stdout).not.toContain("parseAllDocuments");
    expect(run.stdout).toContain("docsep.yaml: 1 error, 0 warnings");
  });
});

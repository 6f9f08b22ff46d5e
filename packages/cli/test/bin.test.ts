import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CLI_VERSION } from "../src/program.js";
import { SHOP_YAML } from "./fixtures.js";
import { type RunResult, runFactory, runFactoryProcess } from "./runFactory.js";

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs a file with node, as npm's `factory` link does. */
function run(
  file: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [file, ...args], (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });
}

describe("the factory bin", () => {
  it("is a committed file that npm can link before any build, and runs the built CLI", async () => {
    const manifest = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8")) as {
      bin: Record<string, string>;
      files: string[];
    };
    expect(manifest.bin.factory).toBe("./bin/factory.js");
    expect(manifest.files).toContain("bin");
    const version = await run(join(PACKAGE, "bin", "factory.js"), ["--version"]);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(CLI_VERSION);
  });

  it("says to build first when the CLI is not built", async () => {
    const copy = mkdtempSync(join(tmpdir(), "factory-cli-bin-"));
    try {
      mkdirSync(join(copy, "bin"));
      copyFileSync(join(PACKAGE, "bin", "factory.js"), join(copy, "bin", "factory.js"));
      const result = await run(join(copy, "bin", "factory.js"), ["--help"]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(
        `factory: the CLI is not built (${join(copy, "dist", "cli.js")} is missing): run \`npm run build\` first\n`,
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

/**
 * Most CLI tests run `factory` in process (runFactory.ts) to spare ~0.75 s of
 * module loading per run. This checks, command by command, that the built
 * bin as a subprocess answers the same and ends on its own (a handle left
 * open would keep it running past the test's timeout).
 */
describe("the built bin and an in-process run", () => {
  it("write the same, exit with the same code, and the bin ends after each command", {
    timeout: 240_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-cli-same-"));
    try {
      writeFileSync(join(dir, "factory.yaml"), SHOP_YAML);
      mkdirSync(join(dir, "docs"));
      writeFileSync(
        join(dir, "docs", "refunds.md"),
        "---\nlines: [checkout]\n---\n# Refunds\n\nRefunds go back to the card.",
      );
      const writes = [
        ["init", "--plan", "factory.yaml"],
        ["import", "docs", "docs"],
        ["signal", "capture", "refund never arrived at checkout", "--source", "support"],
        ["automations", "run"],
      ];
      for (const args of writes) {
        const result = await runFactoryProcess(args, { cwd: dir });
        expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
      }
      const reads = [
        ["search", "refund card", "--json"],
        ["work", "list"],
        ["inbox", "--operator", "ana"],
        ["who-owns", "--help"],
        ["work", "show", "wi_missing"],
        ["search"],
        ["--dir", "missing", "work", "list"],
      ];
      const same = (result: RunResult) => ({
        ...result,
        stderr: result.stderr.replace(/\(node:\d+\)/g, "(node)"),
      });
      for (const args of reads) {
        const [bin, inProcess] = [
          await runFactoryProcess(args, { cwd: dir }),
          await runFactory(args, { cwd: dir }),
        ];
        expect(same(inProcess), args.join(" ")).toEqual(same(bin));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

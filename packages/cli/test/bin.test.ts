import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CLI_VERSION } from "../src/program.js";

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

/**
 * saveFactoryYaml replaces the file in one step: a save that cannot finish
 * (here the system's file-size limit, lowered with prlimit, stops its writes
 * as a full disk would) leaves the old plan whole, because applying a cut-off
 * plan would retire every line it lost; a link stays a link, and the file
 * keeps its permissions.
 */
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadFactoryYaml, saveFactoryYaml } from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";
import { startFixture } from "../../core/test/fixtures/runChild.js";

const child = join(import.meta.dirname, "fixtures", "planSaverChild.ts");
const OLD = "version: 1\noperators:\n  - id: alice\nlines:\n  - id: checkout\n    owner: alice\n";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "save-yaml-"));
  dirs.push(dir);
  return dir;
}

describe("saveFactoryYaml", () => {
  it.runIf(process.platform === "linux")(
    "leaves the old plan whole when the save is stopped part way",
    { timeout: 60_000 },
    async () => {
      const dir = tempDir();
      const path = join(dir, "factory.yaml");
      const startFile = join(dir, "start");
      writeFileSync(path, OLD);
      const { child: saver, exited } = await startFixture(child, [path, startFile, "400"], "ready");
      execFileSync("prlimit", [`--pid=${saver.pid}`, "--fsize=4096"]);
      writeFileSync(startFile, "");
      const { stdout } = await exited;

      expect(stdout).toContain("failed: EFBIG");
      expect(readFileSync(path, "utf8")).toBe(OLD);
      expect(readdirSync(dir).sort()).toEqual(["factory.yaml", "start"]);
      expect((await loadFactoryYaml(path)).lines.map((line) => line.id)).toEqual(["checkout"]);
    },
  );

  it("replaces a linked plan's target, keeping the link and the file's permissions", async () => {
    const dir = tempDir();
    const target = join(dir, "plans-factory.yaml");
    const link = join(dir, "factory.yaml");
    writeFileSync(target, OLD);
    chmodSync(target, 0o640);
    symlinkSync(target, link);

    await saveFactoryYaml(link, { operators: [{ id: "alice" }], lines: [{ id: "search", owner: "alice" }] });

    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect((await loadFactoryYaml(link)).lines.map((line) => line.id)).toEqual(["search"]);
    expect(readdirSync(dir).sort()).toEqual(["factory.yaml", "plans-factory.yaml"]);
  });
});

import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import {
  importBackstage,
  importWorkspaces,
  loadFactoryYaml,
  safeLoadFactoryYaml,
} from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "factory-source-errors-"));
  dirs.push(dir);
  return dir;
}

/** YAML whose aliases expand to 9^9 strings: a "billion laughs". */
const ALIAS_BOMB = [
  'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]',
  ..."bcdefghi".split("").map((name, index) => {
    const previous = `*${"abcdefgh"[index]}`;
    return `${name}: &${name} [${Array(9).fill(previous).join(", ")}]`;
  }),
].join("\n");

describe("a factory.yaml path that is not a text file", () => {
  it("is a problem naming a folder, and loadFactoryYaml throws it as a ValidationError", async () => {
    const folder = join(tempDir(), "plans");
    mkdirSync(folder);
    const result = await safeLoadFactoryYaml(folder);
    expect(result.success).toBe(false);
    expect(result.success ? [] : result.problems).toEqual([
      expect.objectContaining({ code: "not-a-file", severity: "error", file: folder }),
    ]);
    const error = await loadFactoryYaml(folder).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(`${folder}: is a folder, not a file`);
  });

  it("is a problem at the line of the NUL byte of a binary file", async () => {
    const file = join(tempDir(), "factory.yaml");
    writeFileSync(file, Buffer.from("version: 1\nlines: []\n\u0000\u0001\u0002"));
    const result = await safeLoadFactoryYaml(file);
    expect(result.success ? [] : result.problems).toEqual([
      expect.objectContaining({ code: "not-text", file, line: 3 }),
    ]);
  });
});

describe("a factory.yaml path that is neither a file nor a named pipe", () => {
  it("is a problem naming a device, told before anything is read (/dev/zero would be read forever)", async () => {
    const result = await safeLoadFactoryYaml("/dev/zero");
    expect(result.success ? [] : result.problems).toEqual([
      expect.objectContaining({
        code: "not-a-file",
        file: "/dev/zero",
        message: "is a device, not a file; only files are read",
      }),
    ]);
    const error = await loadFactoryYaml("/dev/zero").catch((caught: unknown) => caught);
    expect((error as ValidationError).message).toBe(
      "/dev/zero: is a device, not a file; only files are read",
    );
  });

  it("is a problem naming a socket, and a named pipe is read to its end", async () => {
    const dir = tempDir();
    const socket = join(dir, "factory.sock");
    const server = createServer();
    await new Promise<void>((listening) => server.listen(socket, listening));
    try {
      const result = await safeLoadFactoryYaml(socket);
      expect(result.success ? [] : result.problems).toEqual([
        expect.objectContaining({
          code: "not-a-file",
          file: socket,
          message: "is a socket, not a file; only files are read",
        }),
      ]);
    } finally {
      await new Promise((closed) => server.close(closed));
    }
    const pipe = join(dir, "pipe.yaml");
    execFileSync("mkfifo", [pipe]);
    // The writer opens the pipe first and waits for the reader, as a shell's process substitution does.
    const writer = spawn("sh", ["-c", `printf 'version: 1\nlines: []\n' > "$PIPE"`], {
      env: { ...process.env, PIPE: pipe },
    });
    const written = new Promise((ended) => writer.once("exit", ended));
    const read = await safeLoadFactoryYaml(pipe);
    expect(await written).toBe(0);
    expect(read.success).toBe(true);
  });
});

describe("YAML alias bombs in imported files", () => {
  it("skip the Backstage document with an error at its position, keeping the others", () => {
    const catalog = [
      "apiVersion: backstage.io/v1alpha1",
      "kind: Component",
      "metadata: { name: cart }",
      "---",
      "kind: Component",
      "metadata: { name: bomb }",
      ALIAS_BOMB,
      "",
    ].join("\n");
    const imported = importBackstage(catalog, "catalog-info.yaml");
    expect(imported.plan.lines.map((line) => line.id)).toEqual(["cart"]);
    expect(imported.problems).toEqual([
      expect.objectContaining({
        code: "yaml",
        severity: "error",
        file: "catalog-info.yaml",
        line: 5,
        column: 1,
      }),
    ]);
    expect(imported.problems[0]?.message).toContain("Excessive alias count");
  });

  it("make a pnpm-workspace.yaml a ValidationError naming the file", async () => {
    const root = tempDir();
    writeFileSync(join(root, "package.json"), "{}");
    writeFileSync(join(root, "pnpm-workspace.yaml"), `packages: ["p/*"]\n${ALIAS_BOMB}\n`);
    const error = await importWorkspaces(root).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain(`${join(root, "pnpm-workspace.yaml")} is invalid`);
    expect((error as ValidationError).issues).toMatchObject([{ file: join(root, "pnpm-workspace.yaml") }]);
  });
});

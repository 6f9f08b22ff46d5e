import {
  chmodSync,
  lstatSync,
  mkdirSync,
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
import { replaceFile, replaceFileSync, ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "sf-replace-file-"));
  dirs.push(dir);
  return dir;
}

/** Both forms, called alike. */
const forms = [
  [
    "replaceFile",
    (path: string, content: string, temporary?: string) =>
      replaceFile(path, content, temporary === undefined ? {} : { temporary }),
  ],
  [
    "replaceFileSync",
    async (path: string, content: string, temporary?: string) =>
      replaceFileSync(path, content, temporary === undefined ? {} : { temporary }),
  ],
] as const;

describe.each(forms)("%s", (_name, replace) => {
  it("replaces the file's content, keeps its permissions and leaves no other file", async () => {
    const dir = folder();
    const path = join(dir, "plan.yaml");
    writeFileSync(path, "old");
    chmodSync(path, 0o640);

    await replace(path, "new");

    expect(readFileSync(path, "utf8")).toBe("new");
    expect(statSync(path).mode & 0o7777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(["plan.yaml"]);
  });

  it("creates a file that did not exist", async () => {
    const dir = folder();
    await replace(join(dir, "new.json"), "{}");
    expect(readFileSync(join(dir, "new.json"), "utf8")).toBe("{}");
    expect(readdirSync(dir)).toEqual(["new.json"]);
  });

  it("replaces a link's target in the target's folder and keeps the link", async () => {
    const dir = folder();
    mkdirSync(join(dir, "plans"));
    const target = join(dir, "plans", "factory.yaml");
    const link = join(dir, "factory.yaml");
    writeFileSync(target, "old");
    chmodSync(target, 0o600);
    symlinkSync(target, link);

    await replace(link, "new");

    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, "utf8")).toBe("new");
    expect(statSync(target).mode & 0o7777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(["factory.yaml", "plans"]);
    expect(readdirSync(join(dir, "plans"))).toEqual(["factory.yaml"]);
  });

  it("writes through the temporary file it is given, which does not outlive the replace", async () => {
    const dir = folder();
    const path = join(dir, "index.json");
    writeFileSync(path, "old");
    // A leftover of a killed process with the same name is written over.
    writeFileSync(join(dir, "index.json.42.tmp"), "leftover");

    await replace(path, "new", join(dir, "index.json.42.tmp"));

    expect(readFileSync(path, "utf8")).toBe("new");
    expect(readdirSync(dir)).toEqual(["index.json"]);
  });

  it("leaves what was at the path and no temporary file when the rename fails", async () => {
    const dir = folder();
    // A folder with a file in it cannot be renamed over.
    const path = join(dir, "cache");
    mkdirSync(path);
    writeFileSync(join(path, "inside"), "kept");

    await expect(replace(path, "new")).rejects.toMatchObject({ code: "EISDIR" });
    await expect(replace(path, "new", join(dir, "cache.tmp"))).rejects.toMatchObject({ code: "EISDIR" });

    expect(readdirSync(dir)).toEqual(["cache"]);
    expect(readFileSync(join(path, "inside"), "utf8")).toBe("kept");
  });
});

describe("replaceFile", () => {
  it("writes what a content function writes into the file, as it writes it", async () => {
    const dir = folder();
    const path = join(dir, "frames.bin");
    await replaceFile(path, async (file) => {
      for (const part of ["a", "b", "c"]) await file.write(part);
    });
    expect(readFileSync(path, "utf8")).toBe("abc");
    expect(readdirSync(dir)).toEqual(["frames.bin"]);
  });

  it("keeps the old file whole and removes the temporary file when the content throws part way", async () => {
    const dir = folder();
    const path = join(dir, "snapshot.bin");
    writeFileSync(path, "old snapshot");

    await expect(
      replaceFile(path, async (file) => {
        await file.write("half of a new snap");
        throw new Error("the source failed");
      }),
    ).rejects.toThrow("the source failed");

    expect(readFileSync(path, "utf8")).toBe("old snapshot");
    expect(readdirSync(dir)).toEqual(["snapshot.bin"]);
  });

  it("refuses arguments of the wrong kind, naming each, and writes nothing", async () => {
    const dir = folder();
    const error = await replaceFile("", 42 as unknown as string, { temporay: "x" } as never).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path).sort()).toEqual([
      "content",
      "options",
      "path",
    ]);
    expect((error as ValidationError).message).toContain('unknown key "temporay"');
    expect(() => replaceFileSync(join(dir, "x"), (async () => {}) as never)).toThrow(
      /replaceFile is invalid: content: must be text or bytes/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});

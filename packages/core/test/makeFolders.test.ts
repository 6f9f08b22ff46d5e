/**
 * Making a folder where none can be made fails, naming the folder and saying
 * why, instead of hanging: Node's recursive mkdir never returns under `/proc`
 * (it refuses new entries with ENOENT, and Node tries again forever). The
 * calls under `/proc` run in a child process with a time limit
 * (`runBounded`), because a hung native mkdir cannot be interrupted from the
 * process that made it.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FolderError, isFactoryError, makeFolders } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { CHILD_BOUND_MS, runBounded } from "./fixtures/boundedChild.js";

const child = join(import.meta.dirname, "fixtures", "unmakeableFolderChild.ts");
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});
const tempRoot = () => {
  const root = mkdtempSync(join(tmpdir(), "make-folders-"));
  roots.push(root);
  return root;
};

describe("makeFolders", () => {
  it("makes a folder and the missing folders above it, and takes one that is there as made", () => {
    const dir = join(tempRoot(), "a", "b", "c");
    makeFolders(dir);
    makeFolders(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it("refuses a file where a folder should be with a FolderError (E_FOLDER) naming it, keeping the system's code", () => {
    const root = tempRoot();
    const file = join(root, "file");
    writeFileSync(file, "x");
    const error = (() => {
      try {
        makeFolders(file);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(FolderError);
    expect(isFactoryError(error)).toBe(true);
    expect(error).toMatchObject({
      _tag: "FolderError",
      code: "E_FOLDER",
      systemCode: "EEXIST",
      path: file,
      folder: file,
    });
    expect((error as FolderError).cause).toMatchObject({ code: "EEXIST", syscall: "mkdir" });
    expect((error as FolderError).message).toBe(
      `cannot create the folder ${file}: a file stands where a folder is needed (EEXIST)`,
    );
  });

  it("names the file that stands where a folder above the one asked for should be", () => {
    const root = tempRoot();
    const file = join(root, "afile");
    writeFileSync(file, "x");
    const asked = join(file, "sub", "deeper");
    const error = (() => {
      try {
        makeFolders(asked);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toMatchObject({ _tag: "FolderError", systemCode: "ENOTDIR", path: asked });
    expect((error as FolderError).message).toBe(
      `cannot create the folder ${join(file, "sub")} (for ${asked}): the file ${file} stands where a folder is needed (ENOTDIR)`,
    );
  });

  it(
    "fails under /proc, naming the folder asked for and the one that could not be made",
    () => {
      expect(runBounded(child, ["makeFolders", "/proc/x/y"])).toEqual({
        tag: "FolderError",
        code: "E_FOLDER",
        systemCode: "ENOENT",
        message:
          "cannot create the folder /proc/x (for /proc/x/y): the folder above it is gone or takes no new entries (ENOENT)",
      });
    },
    CHILD_BOUND_MS * 2,
  );
});

describe("a SQLite event store whose folder cannot be made", () => {
  it(
    "fails with a StoreError naming the store and why, instead of hanging",
    () => {
      const result = runBounded(child, ["sqlite", "/proc/x/factory/factory.db"]) as Record<string, string>;
      expect(result.tag).toBe("StoreError");
      expect(result.message).toBe(
        "cannot open the event store at /proc/x/factory/factory.db: cannot create the folder /proc/x (for /proc/x/factory): the folder above it is gone or takes no new entries (ENOENT)",
      );
    },
    CHILD_BOUND_MS * 2,
  );
});

/**
 * A factory, a skill export or a Cursor rules export aimed at a folder that
 * cannot be made (a mistyped path under `/proc`) fails with an error naming
 * the folder and saying why, instead of hanging: Node's recursive mkdir, which
 * these calls used, never returns there. Each call runs in a child process
 * with a time limit (`runBounded`), because a hung native mkdir cannot be
 * interrupted from the process that made it.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHILD_BOUND_MS, runBounded } from "../../core/test/fixtures/boundedChild.js";

const child = join(import.meta.dirname, "fixtures", "unmakeableFolderChild.ts");
const why = "the folder above it is gone or takes no new entries (ENOENT)";

describe("a folder under /proc, which cannot be made", () => {
  it(
    "openFactory rejects with a FolderError naming the factory's folder",
    () => {
      expect(runBounded(child, ["openFactory", "/proc/x/factory"])).toEqual({
        tag: "FolderError",
        code: "E_FOLDER",
        systemCode: "ENOENT",
        message: `cannot create the folder /proc/x (for /proc/x/factory): ${why}`,
      });
    },
    CHILD_BOUND_MS * 2,
  );

  it(
    "exportSkill throws a FolderError naming the export's folder",
    () => {
      expect(runBounded(child, ["exportSkill", "/proc/x/skills"])).toEqual({
        tag: "FolderError",
        code: "E_FOLDER",
        systemCode: "ENOENT",
        message: `cannot create the folder /proc/x (for /proc/x/skills): ${why}`,
      });
    },
    CHILD_BOUND_MS * 2,
  );

  it(
    "exportCursorRules throws a FolderError naming the rules' folder",
    () => {
      expect(runBounded(child, ["exportCursorRules", "/proc/x/rules"])).toEqual({
        tag: "FolderError",
        code: "E_FOLDER",
        systemCode: "ENOENT",
        message: `cannot create the folder /proc/x (for /proc/x/rules): ${why}`,
      });
    },
    CHILD_BOUND_MS * 2,
  );
});

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "factory-unreachable-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("openFactory over a PostgreSQL store it cannot reach", () => {
  it("fails with E_STORE and leaves no folder behind, as factory init with the URL does", async () => {
    const dir = join(root, "o3");
    await expect(openFactory({ dir, store: "postgres://nobody@127.0.0.1:1/none" })).rejects.toMatchObject({
      code: "E_STORE",
    });
    expect(existsSync(dir)).toBe(false);
  });
});

/**
 * A blank `FACTORY_DATABASE_URL` is unset, as `factory` and `factory-mcp`
 * read it: `openEventLog` with neither `store` nor `path` opens its default
 * SQLite file instead of refusing the variable as no `postgres://` URL.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { describe, expect, it } from "vitest";

describe("openEventLog with a blank FACTORY_DATABASE_URL", () => {
  it("opens the SQLite file .factory/factory.db in the working folder", async () => {
    const folder = mkdtempSync(join(tmpdir(), "core-blank-database-url-"));
    const [before, cwd] = [process.env.FACTORY_DATABASE_URL, process.cwd()];
    process.env.FACTORY_DATABASE_URL = "  ";
    process.chdir(folder);
    try {
      const log = await openEventLog({});
      try {
        expect(log.storeKind).toBe("sqlite");
      } finally {
        await log.close();
      }
      expect(existsSync(join(folder, ".factory", "factory.db"))).toBe(true);
    } finally {
      process.chdir(cwd);
      if (before === undefined) delete process.env.FACTORY_DATABASE_URL;
      else process.env.FACTORY_DATABASE_URL = before;
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

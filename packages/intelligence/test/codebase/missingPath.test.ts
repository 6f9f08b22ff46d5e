import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotFoundError, ValidationError } from "@software-factory/core";
import { type Factory, importCodebase, openFactory, scanCodebase } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let factory: Factory;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-codebase-missing-"));
  factory = await openFactory({ dir: join(dir, ".factory") });
});
afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a codebase path", () => {
  it("that does not exist is a NotFoundError naming the path, and nothing is written", async () => {
    const missing = join(dir, "nonexistent");
    const head = await factory.log.head();

    for (const call of [() => scanCodebase(missing), () => importCodebase(factory, missing)]) {
      const thrown = await call().catch((error: unknown) => error);
      expect(thrown).toBeInstanceOf(NotFoundError);
      expect(thrown).toMatchObject({ code: "E_NOT_FOUND", entity: "folder", id: missing, field: "path" });
      expect((thrown as NotFoundError).message).toBe(`cannot import codebase: no folder ${missing}`);
    }
    expect(await factory.log.head()).toBe(head);
  });

  it("that is a file stays a ValidationError", async () => {
    const file = join(dir, "package.json");
    writeFileSync(file, "{}\n");

    await expect(scanCodebase(file)).rejects.toBeInstanceOf(ValidationError);
  });
});

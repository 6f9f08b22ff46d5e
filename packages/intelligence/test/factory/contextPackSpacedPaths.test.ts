import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import { type Factory, openFactory } from "@software-factory/intelligence";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
const factories: Factory[] = [];
afterEach(async () => {
  for (const factory of factories.splice(0)) await factory.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A factory whose `drafts` line claims the file `docs/notes.md ` (its name ends in a space) and `docs` the rest of docs/. */
async function draftsFactory(): Promise<Factory> {
  const dir = mkdtempSync(join(tmpdir(), "factory-pack-spaced-"));
  dirs.push(dir);
  const factory = await openFactory({ dir });
  factories.push(factory);
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: [
      { id: "docs", owner: "ana", paths: ["/docs/"] },
      { id: "drafts", owner: "bo", paths: ["/docs/notes.md "] },
    ],
  });
  return factory;
}

describe("the paths of a context request", () => {
  it("are taken as given, a space at either end being part of a file name", async () => {
    const factory = await draftsFactory();

    const pack = await factory.context({ paths: ["docs/notes.md "] });

    expect(pack.lines.map(({ line }) => line.id)).toEqual(["drafts"]);
    expect(pack.unclaimedPaths).toEqual([]);
    expect((await factory.context({ paths: [" docs/notes.md "] })).unclaimedPaths).toEqual([
      " docs/notes.md ",
    ]);
  });

  it("refuse a blank path, naming its place", async () => {
    const factory = await draftsFactory();

    const refused = await factory
      .context({ paths: ["docs/notes.md ", " \t"] })
      .catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).message).toBe(
      "context request is invalid: paths[1]: a path must not be blank",
    );
  });
});

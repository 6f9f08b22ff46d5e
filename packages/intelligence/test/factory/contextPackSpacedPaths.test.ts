import { ValidationError } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

/** A factory whose `drafts` line claims the file `docs/notes.md ` (its name ends in a space) and `docs` the rest of docs/. */
async function draftsFactory(): Promise<Factory> {
  const factory = await open({ dir: folder("factory-pack-spaced-") });
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

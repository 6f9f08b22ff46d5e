import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Factory,
  importGitCommits,
  installBuiltinStandards,
  openFactory,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRepo, type TestRepo } from "../codebase/makeRepo.js";

const ada = { name: "Ada Lovelace", email: "ada@example.com" };

let dir: string;
let factory: Factory;
let repo: TestRepo;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "change-set-history-"));
  factory = await openFactory({ dir, actor: "ana", durability: "normal" });
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", description: "Cart and payment", owner: "ana", paths: ["/src/checkout/"] }],
  });
  installBuiltinStandards(factory);
  repo = makeRepo([
    {
      author: ada,
      message: "cart: basket",
      files: { "src/checkout/a.ts": "1\n" },
      date: "2020-03-01T10:00:00Z",
    },
    {
      author: ada,
      message: "cart: total",
      files: { "src/checkout/b.ts": "1\n" },
      date: "2021-06-01T10:00:00Z",
    },
  ]);
});

afterEach(async () => {
  repo.remove();
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

async function findings() {
  return (await factory.standards.check({ rules: ["change-set-links-work-item"] })).map(
    (finding) => finding.message,
  );
}

const changeSet = (hash: string) => `CS-${hash.slice(0, 12)}`;

describe("change-set-links-work-item and imported history", () => {
  it("exempts commits dated before the first work item, and holds every commit after it to the rule", async () => {
    await importGitCommits(factory, { root: repo.root });
    const item = await factory.work.createWorkItem({
      line: "checkout",
      title: "Pay by link",
      kind: "feature",
    });
    const unlinked = repo.commit({
      author: ada,
      message: "cart: tax",
      files: { "src/checkout/c.ts": "1\n" },
    });
    const linked = repo.commit({
      author: ada,
      message: `cart: pay link\n\nFactory-Item: ${item.id}`,
      files: { "src/checkout/d.ts": "1\n" },
    });
    await importGitCommits(factory, { root: repo.root });

    expect(factory.work.artifact(changeSet(linked))?.workItem).toBe(item.id);
    expect(await findings()).toEqual([
      `change set ${changeSet(unlinked)} (cart: tax) belongs to no work item`,
    ]);
  });

  it("treats imported commits as history while no work item exists, and still checks a change set recorded without a date", async () => {
    expect((await importGitCommits(factory, { root: repo.root })).created).toBe(2);
    await factory.work.recordArtifact({
      id: "CS-HAND",
      kind: "changeSet",
      title: "by hand",
      fields: { commit: "4f2a9c1e", paths: ["src/checkout/pay.ts"] },
    });

    expect(await findings()).toEqual(["change set CS-HAND (by hand) belongs to no work item"]);
  });
});

/**
 * Two `importCodebase` runs of one repository at the same time, by two
 * factories open on the same folder: each document is captured once, and the
 * two results' created documents and blueprints add up to the captures the
 * log holds (a document the other run captured first counts as `unchanged`,
 * not `created`), and their events add up to those the log gained.
 */
import { importCodebase, openFactory } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const PAGES = 40;
const pages = Object.fromEntries(
  Array.from({ length: PAGES }, (_, index) => [
    `docs/page-${index}.md`,
    `# Page ${index}\n\nWhat the cart does with item ${index}.\n`,
  ]),
);

const temp = useRepoWithFactory("factory-concurrent-import-", [
  {
    author: { name: "Ana Lima", email: "ana@shop.example" },
    files: {
      "package.json": JSON.stringify({ name: "shop", private: true, workspaces: ["packages/*"] }),
      "packages/cart/package.json": JSON.stringify({ name: "@shop/cart" }),
      "packages/cart/src/index.ts": "export const cart: string[] = [];\n",
      ...pages,
    },
  },
]);

describe("two concurrent codebase imports", () => {
  it("report created documents that add up to the documents the log holds", async () => {
    const { factory, dir, repo } = temp;
    const other = await openFactory({ dir });
    try {
      const [first, second] = await Promise.all([
        importCodebase(factory, repo.root),
        importCodebase(other, repo.root),
      ]);
      const captured = (await factory.log.read({ types: ["knowledge.document.captured"] })).length;
      expect(captured).toBeGreaterThanOrEqual(PAGES);
      const created = (counts: typeof first.counts) => counts.documents.created + counts.blueprints.created;
      expect(created(first.counts) + created(second.counts)).toBe(captured);
      const { documents: a } = first.counts;
      const { documents: b } = second.counts;
      expect(a.created + a.updated + a.unchanged).toBe(b.created + b.updated + b.unchanged);
    } finally {
      await other.close();
    }
  }, 120_000);

  it("each count only the events it appended, on one factory and on two open on one folder", async () => {
    const { factory, dir, repo } = temp;
    const other = await openFactory({ dir });
    try {
      const before = await factory.log.head();
      const runs = await Promise.all([
        importCodebase(factory, repo.root),
        importCodebase(factory, repo.root),
        importCodebase(other, repo.root),
      ]);
      const appended = (await factory.log.head()) - before;
      expect(appended).toBeGreaterThan(PAGES);
      expect(runs.reduce((total, run) => total + run.events, 0)).toBe(appended);
    } finally {
      await other.close();
    }
  }, 120_000);
});

/**
 * `importCodebase` with an abort signal: an abort before the import writes
 * stops it at the next phase and nothing is written; an abort once it writes
 * stops it before its next write, keeping what it wrote, and the same import
 * run again completes it.
 */
import { type CodebaseImportProgress, importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
/** A test file with `count` tests: each gives a requirement, a test artifact and a `verifies` link. */
const testFile = (count: number) =>
  `import { it } from "vitest";\n${Array.from({ length: count }, (_, index) => `it("handles case ${index}", () => {});\n`).join("")}`;

/** Pages under docs/, each a document of its own: more than the 50 writes between two progress reports. */
const NOTES = 60;
const notes = Object.fromEntries(
  Array.from({ length: NOTES }, (_, index) => [
    `docs/note-${index + 1}.md`,
    `# Cart note ${index + 1}\n\nHow the cart keeps item ${index + 1} when the session ends.\n`,
  ]),
);

const temp = useRepoWithFactory("factory-abort-import-", [
  {
    author: { name: "Ana Lima", email: "ana@shop.example" },
    files: {
      "package.json": json({ name: "shop", private: true, workspaces: ["packages/*"] }),
      "packages/cart/package.json": json({ name: "@shop/cart", description: "The cart." }),
      "packages/cart/src/index.ts": "export const cart: string[] = [];\n",
      "packages/cart/test/cart.test.ts": testFile(40),
      "docs/runbook.md": "# Runbook\n\nRestart the cart.\n",
      ...notes,
    },
  },
]);

/** Imports the repository, aborting with `reason` at the first progress that `when` picks. */
async function importAbortingAt(when: (progress: CodebaseImportProgress) => boolean, reason: string) {
  const controller = new AbortController();
  const seen: CodebaseImportProgress[] = [];
  const imported = importCodebase(temp.factory, temp.repo.root, {
    signal: controller.signal,
    onProgress: (progress) => {
      seen.push(progress);
      if (!controller.signal.aborted && when(progress)) controller.abort(reason);
    },
  });
  return { imported, seen };
}

describe("importCodebase with a signal", () => {
  it("aborted as a scan phase ends: stops before the next phase, rejects with the reason, writes nothing", async () => {
    const { factory } = temp;
    const head = await factory.log.head();
    const { imported, seen } = await importAbortingAt(
      (progress) => progress.phase === "files" && progress.ms !== undefined,
      "user pressed Esc",
    );

    await expect(imported).rejects.toBe("user pressed Esc");
    expect(seen.map((progress) => progress.phase)).toEqual(["files", "files"]);
    expect(await factory.log.head()).toBe(head);
    expect(factory.floorplan.lines()).toEqual([]);
  });

  it("aborted as the last scan phase ends: stops before the first write", async () => {
    const { factory } = temp;
    const head = await factory.log.head();
    const { imported, seen } = await importAbortingAt(
      (progress) => progress.phase === "documents" && progress.ms !== undefined,
      "stop",
    );

    await expect(imported).rejects.toBe("stop");
    expect(seen.some((progress) => progress.phase === "apply")).toBe(false);
    expect(await factory.log.head()).toBe(head);
  });

  it("aborted after a document write: stops before the next write, keeps what it wrote; the same import completes it", async () => {
    const { repo, factory } = temp;
    const { imported, seen } = await importAbortingAt(
      (progress) => progress.phase === "apply" && progress.done < (progress.total ?? 0),
      "stop writing",
    );

    await expect(imported).rejects.toBe("stop writing");
    // The first progress of the writes comes after the floor plan and 49 documents.
    const abortedAt = seen.filter((progress) => progress.phase === "apply");
    expect(abortedAt).toEqual([{ phase: "apply", done: 50, total: expect.any(Number) }]);
    expect(factory.floorplan.lines().map((line) => line.id)).toEqual(["cart"]);
    expect(await factory.knowledge.list({ limit: 200 })).toHaveLength(49);
    const head = await factory.log.head();

    const again = await importCodebase(factory, repo.root);
    // The cart's blueprint and 48 pages were written; the other 13 pages, the requirements, tests and links are not.
    expect(again.counts.blueprints).toMatchObject({ created: 0, unchanged: 1 });
    expect(again.counts.documents).toMatchObject({ created: NOTES + 1 - 48, unchanged: 48 });
    expect(again.counts.requirements.created).toBe(40);
    expect(again.counts.links.created).toBe(40);
    expect(await factory.log.head()).toBe(head + again.events);
    expect(await factory.knowledge.list({ limit: 200 })).toHaveLength(NOTES + 2);
    expect((await importCodebase(factory, repo.root)).events).toBe(0);
  });
});

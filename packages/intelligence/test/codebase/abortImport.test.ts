/**
 * `importCodebase` with an abort signal: an abort before the import writes
 * stops it at the next phase and nothing is written; an abort once it writes
 * lets it finish, so no import is left half-written.
 */
import { type CodebaseImportProgress, importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
/** A test file with `count` tests: each gives a requirement, a test artifact and a `verifies` link. */
const testFile = (count: number) =>
  `import { it } from "vitest";\n${Array.from({ length: count }, (_, index) => `it("handles case ${index}", () => {});\n`).join("")}`;

const temp = useRepoWithFactory("factory-abort-import-", [
  {
    author: { name: "Ana Lima", email: "ana@shop.example" },
    files: {
      "package.json": json({ name: "shop", private: true, workspaces: ["packages/*"] }),
      "packages/cart/package.json": json({ name: "@shop/cart", description: "The cart." }),
      "packages/cart/src/index.ts": "export const cart: string[] = [];\n",
      "packages/cart/test/cart.test.ts": testFile(40),
      "docs/runbook.md": "# Runbook\n\nRestart the cart.\n",
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

  it("aborted while it writes: runs to its end, so a re-run finds nothing to write", async () => {
    const { repo, factory } = temp;
    const { imported, seen } = await importAbortingAt(
      (progress) => progress.phase === "apply" && progress.done < (progress.total ?? 0),
      "too late",
    );

    const result = await imported;
    const abortedAt = seen.find((progress) => progress.phase === "apply");
    expect(abortedAt?.done).toBeLessThan(abortedAt?.total ?? 0);
    expect(result.events).toBeGreaterThan(0);
    expect(seen.at(-1)).toMatchObject({ phase: "apply", done: abortedAt?.total });
    const again = await importCodebase(factory, repo.root);
    expect(again.events).toBe(0);
  });
});

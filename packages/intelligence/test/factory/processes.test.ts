import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Factory, openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawnFixture, waitForExit } from "../../../core/test/fixtures/runChild.js";

const child = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "factoryChild.ts");

let dir: string;
let factory: Factory;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-processes-"));
  factory = await openFactory({ dir, actor: "parent" });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", owner: "ana", description: "Cart and refunds" }],
  });
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a factory shared by two processes", () => {
  it("sees what another process wrote; that process saved its caches on close and ended on its own", async () => {
    const run = spawnFixture(child, [dir]);
    const timer = setTimeout(() => run.kill("SIGKILL"), 90_000);
    const { code, signal, stdout, stderr } = await waitForExit(run);
    clearTimeout(timer);

    expect(stderr).toBe("");
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // Written by the child's close (this process has not touched its knowledge base yet).
    expect(existsSync(join(dir, "cache", "knowledge", "knowledge.snapshot"))).toBe(true);
    const [, documentId, itemId] = stdout.trim().split(" ");
    const { hits } = await factory.knowledge.search("child process refunds");
    expect(hits[0]?.document.id).toBe(documentId);
    await factory.work.refresh();
    expect(factory.work.get(itemId as string)?.title).toBe("Refund faster");
  }, 120_000);

  it("refuses calls once closed, with a clear error", async () => {
    const other = await openFactory({ dir, actor: "other" });
    await other.close();
    await expect(other.knowledge.search("refunds")).rejects.toThrow(
      "the factory is closed (closed by close()); open it again with openFactory",
    );
  });
});

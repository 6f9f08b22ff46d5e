/**
 * The codebase import is where its requirements and tests sit: after the
 * floor plan gives their folder to another line (here the line is renamed),
 * a re-import moves them there, whether or not the test changed.
 */
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice Doe", email: "alice@acme.test" };
const test = (before: string) => `${before}import { it } from "vitest";\n\nit("charges a card", () => {});\n`;

describe("importCodebase again after the floor plan moved a folder to another line", () => {
  const temp = useRepoWithFactory("factory-reimport-moved-line-", [
    {
      author: alice,
      date: "2026-01-01T09:00:00Z",
      files: {
        "package.json": JSON.stringify({ private: true, workspaces: ["packages/*"] }),
        "packages/pay/package.json": JSON.stringify({ name: "@acme/pay" }),
        "packages/pay/index.ts": "export const pay = 1;\n",
        "packages/pay/pay.test.ts": test(""),
      },
    },
  ]);

  /** Renames the line `pay` to `payments`, keeping its folder, as a person editing the floor plan would. */
  const renamePay = async () => {
    const plan = temp.factory.floorplan.toPlan();
    await temp.factory.floorplan.applyPlan(
      { ...plan, lines: plan.lines.map((line) => (line.id === "pay" ? { ...line, id: "payments" } : line)) },
      { actor: "lead" },
    );
  };

  const placeOf = (kind: string) =>
    temp.factory.work
      .artifacts()
      .filter((artifact) => artifact.kind === kind)
      .map((artifact) => artifact.line);

  it("moves the requirement and its test to the new line when the test is unchanged", async () => {
    await importCodebase(temp.factory, temp.repo.root);
    expect(placeOf("requirement")).toEqual(["pay"]);
    await renamePay();

    const again = await importCodebase(temp.factory, temp.repo.root);

    expect(placeOf("requirement")).toEqual(["payments"]);
    expect(placeOf("test")).toEqual(["payments"]);
    expect(again.counts.requirements).toMatchObject({ updated: 1, conflicts: 0 });
    // Once there, a further run writes nothing.
    expect((await importCodebase(temp.factory, temp.repo.root)).events).toBe(0);
  });

  it("moves a test whose place in its file changed, rather than failing the import", async () => {
    await importCodebase(temp.factory, temp.repo.root);
    await renamePay();
    temp.repo.commit({ author: alice, files: { "packages/pay/pay.test.ts": test("// Cards.\n") } });

    const again = await importCodebase(temp.factory, temp.repo.root);

    expect(again.counts.tests).toMatchObject({ updated: 1, conflicts: 0 });
    expect(placeOf("test")).toEqual(["payments"]);
    expect(placeOf("requirement")).toEqual(["payments"]);
  });

  it("leaves a requirement a person recorded last where it is, reporting its line as a conflict", async () => {
    await importCodebase(temp.factory, temp.repo.root);
    const [requirement] = temp.factory.work.artifacts().filter((artifact) => artifact.kind === "requirement");
    const { id, kind, fields } = requirement as NonNullable<typeof requirement>;
    await temp.factory.work.recordArtifact({ id, kind, title: "Charges a card once", fields, actor: "lead" });
    await renamePay();

    const again = await importCodebase(temp.factory, temp.repo.root);

    expect(placeOf("requirement")).toEqual(["pay"]);
    expect(placeOf("test")).toEqual(["payments"]);
    expect(again.conflicts).toMatchObject([
      { kind: "requirement", id, field: "line", current: "pay", proposed: "payments", by: "lead" },
    ]);
  });
});

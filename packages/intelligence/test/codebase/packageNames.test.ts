/**
 * A package's name in its manifest may hold a tab or a bidi override, which a
 * floor plan line's name and a knowledge document's title refuse. The codebase
 * import names the line, and titles its blueprint, one line instead of failing.
 */
import { findUnsafeLineCharacter } from "@software-factory/core";
import { importCodebase } from "@software-factory/intelligence";
import { expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const ada = { name: "Ada Lovelace", email: "ada@example.com" };
const json = (value: unknown) => `${JSON.stringify(value)}\n`;

const temp = useRepoWithFactory("factory-package-names-", [
  {
    author: ada,
    files: {
      "package.json": json({ name: "shop", private: true, workspaces: ["packages/*"] }),
      "packages/pay/package.json": json({ name: "pay\tments\u202e", description: "Takes\tpayments." }),
      "packages/pay/src/index.ts": "export const pay = 1;\n",
      "packages/odd/package.json": json({ name: "\u202e\u2066" }),
      "packages/odd/src/index.ts": "export const odd = 1;\n",
    },
  },
]);

it("names a line and titles its blueprint one line when the package's name holds a tab or a bidi override", async () => {
  const { repo, factory } = temp;
  const first = await importCodebase(factory, repo.root);

  expect(first.problems).toEqual([]);
  const names = factory.floorplan.lines().map((line) => line.name);
  expect(names).toContain("pay ments");
  for (const name of names) expect(findUnsafeLineCharacter(name ?? ""), name).toBeUndefined();
  const blueprints = (await factory.knowledge.list({ limit: 100 })).filter(
    (document) => document.kind === "blueprint",
  );
  expect(blueprints.map((document) => document.title)).toContain("pay ments");
  for (const document of blueprints) expect(findUnsafeLineCharacter(document.title)).toBeUndefined();
  // A name of nothing but bidi controls leaves nothing: the line's id names it.
  const odd = factory.floorplan
    .lines()
    .find((line) => line.paths.some((path) => path.includes("packages/odd")));
  expect(odd?.name).toBe(odd?.id);

  const head = await factory.log.head();
  const second = await importCodebase(factory, repo.root);
  expect(second.counts.lines).toMatchObject({ created: 0, updated: 0 });
  expect(second.counts.blueprints).toMatchObject({ created: 0, updated: 0 });
  expect(await factory.log.head()).toBe(head);
});

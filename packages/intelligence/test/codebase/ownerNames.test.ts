/**
 * A git author's name may hold a tab or a bidi override (git keeps both),
 * which an operator's name refuses. The codebase import names the operator it
 * proposes from history one line instead of failing.
 */
import { importCodebase } from "@software-factory/intelligence";
import { expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const temp = useRepoWithFactory("factory-owner-names-", [
  {
    author: { name: "Ada\t\u202eLovelace\u202c", email: "ada@example.com" },
    files: {
      "package.json": '{"name":"shop","workspaces":["packages/*"]}\n',
      "packages/pay/package.json": '{"name":"pay"}\n',
      "packages/pay/src/index.ts": "export const pay = 1;\n",
    },
  },
]);

it("names an owner proposed from git history one line when the author's name holds a tab or a bidi override", async () => {
  const { repo, factory } = temp;
  const first = await importCodebase(factory, repo.root);

  expect(first.problems).toEqual([]);
  expect(factory.floorplan.ownerOf("pay")).toBe("ada");
  expect(factory.floorplan.toPlan().operators).toContainEqual(
    expect.objectContaining({ id: "ada", name: "Ada Lovelace", email: "ada@example.com" }),
  );

  const head = await factory.log.head();
  await importCodebase(factory, repo.root);
  expect(await factory.log.head()).toBe(head);
});

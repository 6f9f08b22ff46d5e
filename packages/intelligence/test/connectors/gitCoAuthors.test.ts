import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importGitCommits } from "../../src/connectors/git.js";
import type { Factory } from "../../src/index.js";
import { makeRepo, type TestRepo } from "../codebase/makeRepo.js";
import { openTestFactory } from "./testFactory.js";

const ada = { name: "Ada Lovelace", email: "ada@example.com" };

let factory: Factory;
let remove: () => Promise<void>;
let repo: TestRepo;

beforeEach(async () => {
  ({ factory, remove } = await openTestFactory());
  repo = makeRepo([{ author: ada, message: "cart: first basket", files: { "packages/cart/a.ts": "1\n" } }]);
});
afterEach(async () => {
  repo.remove();
  await remove();
});

const fieldsOf = (hash: string) => factory.work.artifact(`CS-${hash.slice(0, 12)}`)?.fields;

describe("importGitCommits and Co-authored-by trailers", () => {
  it("records the people of one or two Co-authored-by trailers as coAuthors, in any case and spacing", async () => {
    const one = repo.commit({
      author: ada,
      message: "cart: pay by link\n\nAdds the link.\n\nCo-authored-by: Grace Hopper <grace@example.com>",
      files: { "packages/cart/link.ts": "1\n" },
    });
    const two = repo.commit({
      author: ada,
      message:
        "cart: gift cards\n\nBody.\n\nco-authored-by:Grace Hopper <grace@example.com>\nCO-AUTHORED-BY :   Bo   Lind   <bo@example.com>   \nSigned-off-by: Ada Lovelace <ada@example.com>",
      files: { "packages/cart/gift.ts": "1\n" },
    });
    await importGitCommits(factory, { root: repo.root });
    expect(fieldsOf(one)).toMatchObject({
      author: "Ada Lovelace",
      email: "ada@example.com",
      coAuthors: [{ name: "Grace Hopper", email: "grace@example.com" }],
    });
    expect(fieldsOf(two)?.coAuthors).toEqual([
      { name: "Grace Hopper", email: "grace@example.com" },
      { name: "Bo Lind", email: "bo@example.com" },
    ]);
  });

  it("credits no one for a trailer-like line in the middle of the body, the author or a repeated trailer", async () => {
    const middle = repo.commit({
      author: ada,
      message:
        "cart: refunds\n\nPaired on this with\nCo-authored-by: Grace Hopper <grace@example.com>\nand then went on alone.\n\nRefunds go back to the card.",
      files: { "packages/cart/refund.ts": "1\n" },
    });
    const self = repo.commit({
      author: ada,
      message:
        "cart: vouchers\n\nCo-authored-by: Ada Lovelace <ADA@example.com>\nCo-authored-by: Bo Lind <bo@example.com>\nCo-authored-by: Bo L. <BO@example.com>",
      files: { "packages/cart/voucher.ts": "1\n" },
    });
    await importGitCommits(factory, { root: repo.root });
    expect(fieldsOf(middle)).not.toHaveProperty("coAuthors");
    expect(fieldsOf(self)?.coAuthors).toEqual([{ name: "Bo Lind", email: "bo@example.com" }]);
    expect(await importGitCommits(factory, { root: repo.root })).toMatchObject({ created: 0, updated: 0 });
  });
});

/**
 * import_codebase over stdio cuts a conflict's long diff at a character,
 * never inside a surrogate pair: a cut with `.slice` could end in half an
 * emoji, which no UTF-8 encoder writes as it was.
 */
import { tmpdir } from "node:os";
import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRepo, type TestRepo } from "../../intelligence/test/codebase/makeRepo.js";
import { callTool, connectToServer, useSeededFolder } from "./fixtures.js";

const folder = useSeededFolder();
let client: Client;
let repo: TestRepo;

/** The diff of the checkout line's description up to the proposed text: the seeded description, then the repository's. */
const HEADER =
  "--- checkout description (current)\n+++ checkout description (proposed)\n@@ -1,1 +1,1 @@\n-Cart, payment and order confirmation\n+";
/** A's up to the 1,999th character of the diff, where an emoji starts: a cut at 2,000 would keep half of it. */
const BEFORE_EMOJI = 1999 - HEADER.length;

beforeAll(async () => {
  repo = makeRepo([
    {
      author: { name: "Eve Stone", email: "eve@lab.example" },
      files: {
        "package.json": JSON.stringify({ name: "shop", private: true, workspaces: ["src/*"] }),
        "src/checkout/package.json": JSON.stringify({
          name: "checkout",
          description: `${"a".repeat(BEFORE_EMOJI)}\u{1F600}${"b".repeat(3000)}`,
        }),
        "src/checkout/index.ts": "export const pay = () => true;\n",
      },
    },
  ]);
  client = await connectToServer("import-conflict-cut-test", [
    "--dir",
    folder.dir,
    "--tools",
    "floorplan,import",
    "--import-root",
    tmpdir(),
  ]);
});

afterAll(async () => {
  await client?.close();
  repo?.remove();
});

describe("import_codebase's conflicts", () => {
  it("cut a long diff at a character, never inside a surrogate pair", async () => {
    const answer = await callTool(client, "import_codebase", { path: repo.root, dryRun: true });
    const { conflicts } = answer.structuredContent as {
      conflicts: { id: string; field: string; diff: string }[];
    };
    const checkout = conflicts.find(
      (conflict) => conflict.id === "checkout" && conflict.field === "description",
    );

    expect(checkout?.diff).toBe(`${HEADER}${"a".repeat(BEFORE_EMOJI)}\n… (diff cut)`);
  });
});

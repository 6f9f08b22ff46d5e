import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectToServer, useSeededFolder } from "./fixtures.js";

const seeded = useSeededFolder();
const repo = mkdtempSync(join(tmpdir(), "mcp-malformed-instructions-"));
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("factory-mcp --instructions over a malformed Cursor rule", () => {
  it("starts, names the rule skipped on stderr at the line and column of the error, and serves the others", async () => {
    mkdirSync(join(repo, ".cursor", "rules"), { recursive: true });
    const bad = join(repo, ".cursor", "rules", "bad.mdc");
    writeFileSync(bad, "---\ndescription: Checkout\nglobs: [unclosed\nalwaysApply: false\n---\nNever.\n");
    writeFileSync(
      join(repo, ".cursor", "rules", "good.mdc"),
      "---\nalwaysApply: true\n---\nStrict TypeScript.\n",
    );
    let stderr = "";
    const client = await connectToServer(
      "malformed-instructions-test",
      ["--dir", seeded.dir, "--instructions", repo],
      {
        onStderr: (text) => {
          stderr += text;
        },
      },
    );
    try {
      const result = (await client.callTool({
        name: "get_context",
        arguments: { paths: ["/src/checkout/cart.ts"] },
      })) as { isError?: boolean; content: { text?: string }[] };
      expect(result.isError).toBeFalsy();
      expect(JSON.stringify(result.content)).toContain("Strict TypeScript.");
      expect(JSON.stringify(result.content)).not.toContain("Never.");
      expect(stderr).toContain(
        `instruction file ${bad}:3:8 Flow sequence in block collection must be sufficiently indented and end with a ]; the file was skipped`,
      );
    } finally {
      await client.close();
    }
  });
});

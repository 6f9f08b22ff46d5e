/**
 * `import_codebase` under an import root: a folder that is not there inside
 * the root is a not-found naming `path`, as `importCodebase` reports a missing
 * folder; a path outside the root stays one refusal, whether it exists or not.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { type Factory, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpServer, serveHttp } from "../src/index.js";

const token = "import-root-missing-token-0123456789";
let root: string;
let dir: string;
let factory: Factory;
let server: HttpServer;
let client: Client;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "factory-mcp-import-root-"));
  mkdirSync(join(root, "services"));
  dir = mkdtempSync(join(tmpdir(), "factory-mcp-import-root-factory-"));
  factory = await openFactory({ dir });
  server = await serveHttp(factory, { port: 0, token }, { groups: ["import"], importRoot: root });
  client = new Client({ name: "import-root-missing-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
});

afterAll(async () => {
  await client.close();
  await server.close();
  await factory.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

/** The text of an `import_codebase` answer that must be an error. */
async function refusal(path: string): Promise<string> {
  const answer = (await client.callTool({ name: "import_codebase", arguments: { path } })) as {
    isError?: boolean;
    content: { text: string }[];
  };
  expect(answer.isError, path).toBe(true);
  return answer.content[0]?.text ?? "";
}

describe("import_codebase with an import root", () => {
  it("answers E_NOT_FOUND naming path for a folder missing inside the root, relative or absolute", async () => {
    for (const path of ["services/payments", join(root, "services", "payments")]) {
      expect(await refusal(path)).toBe(
        `E_NOT_FOUND: path ${JSON.stringify(path)}: no such folder inside the import root (${root})`,
      );
    }
  });

  it("still answers one E_VALIDATION for a path outside the root, there or not", async () => {
    const outside = [tmpdir(), join(tmpdir(), "no-such-folder-5c1e")];
    for (const path of outside) {
      expect(await refusal(path)).toBe(
        `E_VALIDATION: path ${JSON.stringify(path)} is not inside the import root (${root})`,
      );
    }
  });
});

/**
 * `import_codebase` over MCP under an import root: it proposes, writes and
 * finds nothing new; a folder that is not there inside the root is a
 * not-found naming `path`, as `importCodebase` reports a missing folder; a path
 * outside the root stays one refusal, whether it exists or not.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { type Factory, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRepo, type TestRepo } from "../../intelligence/test/codebase/makeRepo.js";
import { type HttpServer, serveHttp } from "../src/index.js";

const token = "import-token-0123456789";

describe("import_codebase over MCP", () => {
  let repo: TestRepo;
  let dir: string;
  let factory: Factory;
  let server: HttpServer;
  let client: Client;

  beforeAll(async () => {
    repo = makeRepo([
      {
        author: { name: "Eve Stone", email: "eve@lab.example" },
        files: {
          "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n',
          "crates/engine/Cargo.toml": '[package]\nname = "engine"\ndescription = "The engine."\n',
          "crates/engine/src/lib.rs": "pub fn run() {}\n",
          "crates/cli/Cargo.toml":
            '[package]\nname = "engine-cli"\n\n[dependencies]\nengine = { path = "../engine" }\n',
          "crates/cli/src/main.rs": "fn main() { engine::run(); }\n",
        },
      },
    ]);
    mkdirSync(join(repo.root, "services"));
    dir = mkdtempSync(join(tmpdir(), "factory-mcp-import-"));
    factory = await openFactory({ dir });
    server = await serveHttp(
      factory,
      { port: 0, token },
      { groups: ["knowledge", "floorplan", "work", "standards", "skills", "import"], importRoot: repo.root },
    );
    client = new Client({ name: "test", version: "1.0.0" });
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
    rmSync(dir, { recursive: true, force: true });
    repo.remove();
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

  it("proposes in a dry run, then writes, then finds nothing new", async () => {
    const dry = (await client.callTool({ name: "import_codebase", arguments: { path: repo.root } })) as {
      structuredContent: { dryRun: boolean; events: number; lines: { id: string; ecosystem: string }[] };
    };
    expect(dry.structuredContent.dryRun).toBe(true);
    expect(dry.structuredContent.events).toBe(0);
    expect(dry.structuredContent.lines.map((line) => line.ecosystem)).toEqual(["cargo", "cargo"]);
    expect(factory.floorplan.lines()).toEqual([]);

    const written = (await client.callTool({
      name: "import_codebase",
      arguments: { path: repo.root, dryRun: false },
    })) as { structuredContent: { events: number; mermaid: string } };
    expect(written.structuredContent.events).toBeGreaterThan(0);
    expect(written.structuredContent.mermaid).toMatch(/-->\|library\|/);
    await factory.floorplan.refresh();
    expect(factory.floorplan.lines()).toHaveLength(2);

    const again = (await client.callTool({
      name: "import_codebase",
      arguments: { path: repo.root, dryRun: false },
    })) as { structuredContent: { events: number } };
    expect(again.structuredContent.events).toBe(0);
  });

  it("answers a bad path with isError and keeps serving", async () => {
    const bad = (await client.callTool({
      name: "import_codebase",
      arguments: { path: join(repo.root, "no-such-folder") },
    })) as { isError?: boolean; content: { text: string }[] };
    expect(bad.isError).toBe(true);
    expect(bad.content[0]?.text).toMatch(/no such folder inside the import root/);
    const tools = await client.listTools();
    expect(tools.tools.some((tool) => tool.name === "import_codebase")).toBe(true);
  });

  it("reads a path relative to the import root", async () => {
    const dry = (await client.callTool({ name: "import_codebase", arguments: { path: "." } })) as {
      isError?: boolean;
      structuredContent: { lines: unknown[] };
    };
    expect(dry.isError).toBeFalsy();
    expect(dry.structuredContent.lines).toHaveLength(2);
  });

  it("refuses a path outside the import root alike whether it exists or not, symbolic links followed", async () => {
    symlinkSync(tmpdir(), join(repo.root, "escape"));
    const answers: string[] = [];
    for (const path of [
      tmpdir(),
      join(tmpdir(), "no-such-folder-7f3a"),
      "../..",
      join(repo.root, "escape"),
    ]) {
      const refused = (await client.callTool({ name: "import_codebase", arguments: { path } })) as {
        isError?: boolean;
        content: { text: string }[];
      };
      expect(refused.isError).toBe(true);
      answers.push((refused.content[0]?.text ?? "").replace(JSON.stringify(path), "<path>"));
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toBe(`E_VALIDATION: path <path> is not inside the import root (${repo.root})`);
  });

  it("answers E_NOT_FOUND naming path for a folder missing inside the root, relative or absolute", async () => {
    for (const path of ["services/payments", join(repo.root, "services", "payments")]) {
      expect(await refusal(path)).toBe(
        `E_NOT_FOUND: path ${JSON.stringify(path)}: no such folder inside the import root (${repo.root})`,
      );
    }
  });

  it("still answers one E_VALIDATION for a path outside the root, there or not", async () => {
    const outside = [tmpdir(), join(tmpdir(), "no-such-folder-5c1e")];
    for (const path of outside) {
      expect(await refusal(path)).toBe(
        `E_VALIDATION: path ${JSON.stringify(path)} is not inside the import root (${repo.root})`,
      );
    }
  });

  it("will not serve the import group over HTTP without an import root", async () => {
    await expect(serveHttp(factory, { port: 0, token }, { groups: ["knowledge", "import"] })).rejects.toThrow(
      /importRoot/,
    );
  });
});

describe("import_codebase of a large monorepo", () => {
  let repo: TestRepo;
  let dir: string;
  let factory: Factory;
  let server: HttpServer;
  let client: Client;

  beforeAll(async () => {
    const files: Record<string, string> = {
      "package.json": JSON.stringify({ name: "big", private: true, workspaces: ["packages/*"] }),
    };
    for (let index = 0; index < 150; index += 1) {
      const name = `pkg${String(index).padStart(3, "0")}`;
      const previous = index === 0 ? {} : { [`@big/pkg${String(index - 1).padStart(3, "0")}`]: "*" };
      files[`packages/${name}/package.json`] = JSON.stringify({
        name: `@big/${name}`,
        dependencies: previous,
      });
      files[`packages/${name}/src/index.ts`] = "export const x = 1;\n";
    }
    repo = makeRepo([{ author: { name: "Eve Stone", email: "eve@lab.example" }, files }]);
    dir = mkdtempSync(join(tmpdir(), "factory-mcp-import-big-"));
    factory = await openFactory({ dir });
    server = await serveHttp(factory, { port: 0, token }, { groups: ["import"], importRoot: repo.root });
    client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(server.url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await client.close();
    await server.close();
    await factory.close();
    rmSync(dir, { recursive: true, force: true });
    repo.remove();
  });

  it("lists the first 100 lines, counts the rest, and leaves the flowchart out", async () => {
    const dry = (await client.callTool({ name: "import_codebase", arguments: { path: "." } })) as {
      content: { text: string }[];
      structuredContent: Record<string, unknown>;
    };
    expect(dry.structuredContent.lines).toHaveLength(100);
    expect(dry.structuredContent.linesLeftOut).toBe(50);
    expect(dry.structuredContent.counts).toMatchObject({ lines: { created: 150 } });
    expect(dry.structuredContent.mermaid).toBeUndefined();
    expect(dry.content[0]?.text.length).toBeLessThan(12_000);
  }, 120_000);
});

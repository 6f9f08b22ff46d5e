import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { openFactory } from "@software-factory/intelligence";
import { SERVER_VERSION } from "@software-factory/mcp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverArgs } from "./fixtures.js";

const repoRoot = join(import.meta.dirname, "..", "..", "..");
const bin = serverArgs([]);
const dirs: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

describe("factory-mcp --instructions and --tools", () => {
  let factoryDir: string;
  let repo: string;

  beforeAll(async () => {
    repo = temp("mcp-rules-");
    mkdirSync(join(repo, ".cursor", "rules"), { recursive: true });
    writeFileSync(
      join(repo, ".cursor", "rules", "api.mdc"),
      "---\ndescription: API handlers\nglobs: src/api/**\nalwaysApply: false\n---\nValidate every request body with zod.\n",
    );
    factoryDir = temp("mcp-factory-");
    const factory = await openFactory({ dir: factoryDir });
    await factory.floorplan.applyPlan({
      operators: [{ id: "ana" }],
      lines: [{ id: "api", owner: "ana", paths: ["/src/api/"] }],
    });
    await factory.close();
  });

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("serves the chosen tool groups, says which group a tool it does not serve is in, and puts the repository's rules in context packs", async () => {
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [...bin, "--dir", factoryDir, "--instructions", repo, "--tools", "knowledge,import"],
        cwd: repoRoot,
        stderr: "pipe",
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain("import_codebase");
      expect(tools.map((tool) => tool.name)).not.toContain("who_owns");
      const pack = (await client.callTool({ name: "get_context", arguments: { line: "api" } })) as {
        structuredContent: { markdown: string };
      };
      expect(pack.structuredContent.markdown).toContain("Validate every request body with zod.");
      const refusal = async (name: string) => {
        const result = (await client.callTool({ name, arguments: {} })) as {
          isError?: boolean;
          content: { text: string }[];
        };
        expect(result.isError, name).toBe(true);
        return result.content[0]?.text;
      };
      expect(await refusal("create_work_item")).toBe(
        "E_NOT_FOUND: create_work_item is a tool of the work group, which this server was not started with: it serves knowledge, import (factory-mcp --tools lists the groups it serves; add work to call create_work_item)",
      );
      expect(await refusal("search_knowlege")).toBe(
        'E_NOT_FOUND: no tool "search_knowlege"; did you mean search_knowledge? (tools/list lists the tools this server serves)',
      );
      expect(await refusal("make_coffee")).toBe(
        'E_NOT_FOUND: no tool "make_coffee" (tools/list lists the tools this server serves)',
      );
    } finally {
      await client.close();
    }
  });

  it("refuses an actor that is not an operator id with exit code 2, as factory --actor does", async () => {
    const run = promisify(execFile);
    for (const [args, env, message] of [
      [["--actor", "Claude Ana"], {}, "--actor: operator id must be 1-64 chars of [a-z0-9._-]"],
      [[], { FACTORY_ACTOR: "Claude Ana" }, "FACTORY_ACTOR (--actor): operator id must be"],
    ] as const) {
      const failed = await run(process.execPath, [...bin, "--dir", factoryDir, ...args], {
        cwd: repoRoot,
        env: { ...process.env, ...env },
      }).catch((error: { code: number; stderr: string }) => error);
      expect((failed as { code: number }).code).toBe(2);
      expect((failed as { stderr: string }).stderr).toContain(message);
      expect((failed as { stderr: string }).stderr).toContain('(got "Claude Ana")');
    }
  });

  it("refuses an unknown tool group with exit code 2, naming it", async () => {
    const run = promisify(execFile);
    const failed = await run(
      process.execPath,
      [...bin, "--dir", factoryDir, "--tools", "knowledge,everything"],
      {
        cwd: repoRoot,
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect((failed as { code: number }).code).toBe(2);
    expect((failed as { stderr: string }).stderr).toContain('unknown tool group "everything"');
  });

  it("prints the server's version with --version and -V, as factory -V does, and exits 0", async () => {
    const run = promisify(execFile);
    for (const flag of ["--version", "-V"]) {
      const { stdout } = await run(process.execPath, [...bin, flag], { cwd: repoRoot });
      expect(stdout).toBe(`${SERVER_VERSION}\n`);
    }
  });

  it("prints its usage on stdout with --help and -h, exit 0, and on stderr after a usage error, exit 2", async () => {
    const run = promisify(execFile);
    for (const flag of ["--help", "-h"]) {
      const { stdout, stderr } = await run(process.execPath, [...bin, flag], { cwd: repoRoot });
      expect(stdout).toMatch(/^usage: factory-mcp \[--dir \.factory\]/);
      expect(stderr).toBe("");
    }
    const failed = (await run(process.execPath, [...bin, "--nope"], { cwd: repoRoot }).catch(
      (error: unknown) => error,
    )) as { code: number; stdout: string; stderr: string };
    expect(failed.code).toBe(2);
    expect(failed.stdout).toBe("");
    expect(failed.stderr).toMatch(/^factory-mcp: .*--nope.*\nusage: factory-mcp /s);
  });
});

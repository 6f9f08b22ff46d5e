import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { hashJson } from "@software-factory/core";
import { openFactory } from "@software-factory/intelligence";
import { DocumentCaptured } from "@software-factory/knowledge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverArgs } from "./fixtures.js";

const repoRoot = join(import.meta.dirname, "..", "..", "..");
const fromSources = ["--conditions=@software-factory/source", "--import", "tsx"];
const LINES = 200;
const DOCUMENTS = 3000;
let dir: string;

/** Note `n` is about `topic-n` and belongs to line `line-(n mod LINES)`. */
function note(index: number) {
  const title = `Note about topic${index}`;
  const body = `The topic${index} service answers within ${index} ms.\n\nIt belongs to line ${index % LINES}.`;
  return {
    type: DocumentCaptured.type,
    subject: `doc_start${index}`,
    data: {
      kind: "note",
      source: { system: "startup-test" },
      links: [],
      supersedes: [],
      title,
      body,
      contentHash: hashJson({ title, body, decision: null }),
      tags: [],
      lines: [`line-${index % LINES}`],
      validFrom: new Date().toISOString(),
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-mcp-startup-"));
  const factory = await openFactory({ dir, durability: "normal" });
  await factory.floorplan.applyPlan({
    product: { id: "startup" },
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: Array.from({ length: LINES }, (_, index) => ({
      id: `line-${index}`,
      owner: index % 2 === 0 ? "ana" : "bo",
      paths: [`/src/line-${index}/`],
    })),
  });
  for (let start = 0; start < DOCUMENTS; start += 500) {
    await factory.log.append(Array.from({ length: 500 }, (_, offset) => note(start + offset)));
  }
  await factory.knowledge.sync();
  await factory.close();
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("server start-up on a large-ish factory", () => {
  it("lists its tools, then answers searches and ownership, including writes made after it started", async () => {
    const client = new Client({ name: "startup-test", version: "1.0.0" });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: serverArgs(["--dir", dir]),
        cwd: repoRoot,
        stderr: "pipe",
      }),
    );
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(["search_knowledge", "who_owns", "get_context"]),
    );

    // Written by another process after the server opened the factory, before its first search.
    const writer = await openFactory({ dir });
    await writer.log.append([note(DOCUMENTS + 7)]);
    await writer.close();

    const search = async (query: string) =>
      (
        (await client.callTool({ name: "search_knowledge", arguments: { query } })) as {
          structuredContent?: { hits: { id: string }[] };
        }
      ).structuredContent?.hits.map((hit) => hit.id);
    expect((await search("topic1234 service"))?.[0]).toBe("doc_start1234");
    expect((await search(`topic${DOCUMENTS + 7}`))?.[0]).toBe(`doc_start${DOCUMENTS + 7}`);

    const owns = (await client.callTool({
      name: "who_owns",
      arguments: { paths: ["src/line-37/index.ts"] },
    })) as { structuredContent?: unknown };
    expect(JSON.stringify(owns.structuredContent)).toContain('"bo"');
    await client.close();
  }, 120_000);
});

describe("prompts and resources from the first request", () => {
  const serve = (factoryDir: string) =>
    new StdioClientTransport({
      command: process.execPath,
      args: serverArgs(["--dir", factoryDir]),
      cwd: repoRoot,
      stderr: "pipe",
    });

  it("gives complete prompt and resource lists and completions even when asked before any tool call", async () => {
    const factory = await openFactory({ dir });
    const instructionSkills = factory.skills
      .list()
      .filter((skill) => skill.instructions)
      .map((skill) => skill.name)
      .sort();
    await factory.close();
    expect(instructionSkills.length).toBeGreaterThan(0);

    const client = new Client({ name: "startup-test", version: "1.0.0" });
    await client.connect(serve(dir));
    const [prompts, templates] = await Promise.all([client.listPrompts(), client.listResourceTemplates()]);
    expect(prompts.prompts.map((prompt) => prompt.name).sort()).toEqual(instructionSkills);
    expect(templates.resourceTemplates.map((template) => template.uriTemplate)).toEqual(
      expect.arrayContaining(["factory://lines/{id}", "factory://documents/{id}", "skill://{name}/SKILL.md"]),
    );
    expect(templates.resourceTemplates.map((template) => template.uriTemplate)).not.toContain(
      "factory://opening/{id}",
    );
    const completion = await client.complete({
      ref: { type: "ref/resource", uri: "factory://lines/{id}" },
      argument: { name: "id", value: "line-19" },
    });
    expect(completion.completion.values).toContain("line-199");
    const floorplan = await client.readResource({ uri: "factory://floorplan" });
    expect(JSON.parse((floorplan.contents[0] as { text: string }).text).count).toBe(LINES);
    await client.close();
  }, 120_000);
});

describe("what a start loads", () => {
  it("does not load the TypeScript compiler, the whole effect library or the markdown parser to serve a factory", async () => {
    // A resolve hook reports every module the server's entry points pull in.
    const hook = `data:text/javascript,${encodeURIComponent(
      `export async function resolve(specifier, context, next) {
        const resolved = await next(specifier, context);
        process._rawDebug("loaded " + resolved.url);
        return resolved;
      }`,
    )}`;
    const register = `data:text/javascript,${encodeURIComponent(
      `import { register } from "node:module"; register(${JSON.stringify(hook)});`,
    )}`;
    const { stderr } = await promisify(execFile)(
      process.execPath,
      [
        ...fromSources,
        "--import",
        register,
        "--input-type=module",
        "--eval",
        'await import("@software-factory/mcp"); await import("@software-factory/intelligence");',
      ],
      { cwd: repoRoot, timeout: 60_000 },
    );
    const loaded = stderr.split("\n").filter((line) => line.startsWith("loaded "));
    expect(loaded.some((line) => line.includes("/packages/mcp/src/"))).toBe(true);
    expect(loaded.filter((line) => /node_modules\/typescript\//.test(line))).toEqual([]);
    expect(loaded.filter((line) => /node_modules\/effect\/dist\/index\.js$/.test(line))).toEqual([]);
    expect(loaded.filter((line) => /node_modules\/(micromark|mdast-util-from-markdown)/.test(line))).toEqual(
      [],
    );
  }, 60_000);
});

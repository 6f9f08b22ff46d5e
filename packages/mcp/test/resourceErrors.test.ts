import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, ProtocolError, ResourceNotFoundError } from "@modelcontextprotocol/client";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectToServer } from "./fixtures.js";

let dir: string;
let workItem: string;
let document: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-mcp-resources-"));
  const factory = await openFactory({ dir, actor: "ana" });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: [
      {
        id: "storefront-web",
        name: "Storefront web",
        description: "The shopper-facing web app",
        owner: "ana",
        paths: ["/apps/storefront/"],
      },
      { id: "search", owner: "bo", paths: ["/services/search/"] },
    ],
  });
  workItem = (await factory.work.createWorkItem({ line: "search", title: "Typo tolerance" })).id;
  document = (
    await factory.knowledge.capture({
      kind: "note",
      title: "Search ranks by stock",
      body: "Products out of stock rank last.",
      source: { system: "test" },
      lines: ["search"],
    })
  ).id;
  await factory.close();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** What a rejected call of the client was rejected with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("the call was answered, not refused");
}

describe.each([
  ["2025-11-25", "legacy" as const],
  ["2026-07-28", { pin: "2026-07-28" } as const],
])("factory-mcp resources (protocol %s)", (_protocol, mode) => {
  let client: Client;

  beforeAll(async () => {
    client = await connectToServer("resource-errors-test", ["--dir", dir, "--actor", "agent"], {
      client: { versionNegotiation: { mode } },
    });
  });

  afterAll(async () => {
    await client.close();
  });

  it.each([
    [
      "factory://lines/nope",
      /^.*no line "nope" in the floor plan \(factory:\/\/floorplan lists the lines\)$/,
    ],
    ["factory://lines/serch", /^.*no line "serch" in the floor plan \(did you mean "search"\?\)$/],
    ["factory://work/nope", /no work item "nope" \(list_work lists the work items\)$/],
    [
      "factory://documents/nope",
      /no document "nope" \(list_knowledge and search_knowledge find the documents\)$/,
    ],
    ["skill://nope/SKILL.md", /no skill "nope" with instructions \(list_skills lists the skills\)$/],
    ["skill://summarize-line/nope.md", /skill "summarize-line" has no file "nope\.md"; it has: none$/],
    ["skill://nope/references/a.md", /no skill "nope" with files; skills with files: none$/],
  ])(
    "answers a read of %s as resource not found, naming the id and where ids are listed",
    async (uri, message) => {
      const error = await rejection(client.readResource({ uri }));
      expect(error).toBeInstanceOf(ResourceNotFoundError);
      expect(error).toMatchObject({ code: -32602, data: { uri } });
      expect((error as ResourceNotFoundError).uri).toBe(uri);
      expect((error as Error).message).toMatch(message);
    },
  );

  it.each([
    ["skill://summarize-line/%E0%A4%A", "path", "%E0%A4%A"],
    ["skill://summarize-line/references/%ZZ.md", "path", "references/%ZZ.md"],
    ["factory://lines/%E0%A4%A", "id", "%E0%A4%A"],
    ["factory://work/%E0%A4%A", "id", "%E0%A4%A"],
    ["factory://documents/%E0%A4%A", "id", "%E0%A4%A"],
  ])(
    "answers a read of %s, whose percent-encoding is malformed, as invalid params naming the %s",
    async (uri, part, raw) => {
      const error = await rejection(client.readResource({ uri }));
      expect(error).toBeInstanceOf(ResourceNotFoundError);
      expect(error).toMatchObject({ code: -32602, data: { uri } });
      expect((error as Error).message).toContain(
        `the ${part} "${raw}" of ${uri} is not valid percent-encoding`,
      );
    },
  );

  it("answers a read of an id that exists, so only misses are refused", async () => {
    for (const uri of [
      "factory://lines/storefront-web",
      `factory://work/${workItem}`,
      `factory://documents/${document}`,
      "skill://summarize-line/SKILL.md",
    ]) {
      const read = await client.readResource({ uri });
      expect(read.contents[0]?.uri).toBe(uri);
    }
    const error = await rejection(client.readResource({ uri: "factory://nothing" }));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: -32602, data: { uri: "factory://nothing" } });
  });

  it("lists lines, documents, work items and skills by id, with their titles and descriptions apart", async () => {
    const { resources } = await client.listResources();
    const listed = (prefix: string) =>
      resources
        .filter((resource) => resource.uri.startsWith(prefix))
        .map(({ uri, name, title, description }) => ({ uri, name, title, description }));
    expect(listed("factory://lines/")).toEqual([
      {
        uri: "factory://lines/storefront-web",
        name: "storefront-web",
        title: "Storefront web",
        description: "The shopper-facing web app",
      },
      // A line without a name is titled by its id; the template's description stands in for its own.
      {
        uri: "factory://lines/search",
        name: "search",
        title: "search",
        description: "One line of the floor plan",
      },
    ]);
    expect(listed("factory://documents/")).toEqual([
      {
        uri: `factory://documents/${document}`,
        name: document,
        title: "Search ranks by stock",
        description: "A document as markdown, with its provenance",
      },
    ]);
    expect(listed("factory://work/")).toEqual([
      {
        uri: `factory://work/${workItem}`,
        name: workItem,
        title: "Typo tolerance",
        description: "A work item with its trace",
      },
    ]);
    expect(listed("skill://summarize-line/")).toEqual([
      {
        uri: "skill://summarize-line/SKILL.md",
        name: "summarize-line",
        title: "summarize-line",
        description: expect.any(String),
      },
    ]);
  });
});

describe("get_context over paths no line claims", () => {
  let client: Client;
  const call = async (args: Record<string, unknown>) =>
    (await client.callTool({ name: "get_context", arguments: args })) as {
      isError?: boolean;
      content: { text: string }[];
      structuredContent?: Record<string, unknown>;
    };

  beforeAll(async () => {
    client = await connectToServer("context-unclaimed-test", ["--dir", dir, "--actor", "agent"]);
  });

  afterAll(async () => {
    await client.close();
  });

  it("names the paths no line claims, in the answer and in its markdown", async () => {
    const answer = await call({ paths: ["src/checkout/cart.ts"] });
    expect(answer.isError).toBeFalsy();
    expect(answer.structuredContent).toMatchObject({ lines: [], unclaimedPaths: ["src/checkout/cart.ts"] });
    expect(answer.structuredContent?.markdown).toContain(
      "## Paths no line claims\n\n`src/checkout/cart.ts`: no line of the floor plan claims this path, so it has no owner.",
    );
  });

  it("packs the lines of the claimed paths and lists each unclaimed path once, in the order given", async () => {
    const answer = await call({
      paths: ["src/checkout/cart.ts", "apps/storefront/page.tsx", "lib/x.ts", "src/checkout/cart.ts"],
    });
    const pack = answer.structuredContent as { lines: { line: { id: string } }[]; unclaimedPaths: string[] };
    expect(pack.lines.map(({ line }) => line.id)).toEqual(["storefront-web"]);
    expect(pack.unclaimedPaths).toEqual(["src/checkout/cart.ts", "lib/x.ts"]);
    expect(answer.structuredContent?.markdown).toContain(
      "`src/checkout/cart.ts`, `lib/x.ts`: no line of the floor plan claims these paths, so they have no owner.",
    );
  });

  it("says nothing of unclaimed paths when every path has a line", async () => {
    const answer = await call({ paths: ["services/search/rank.ts"] });
    expect(answer.structuredContent?.unclaimedPaths).toEqual([]);
    expect(answer.structuredContent?.markdown).not.toContain("no line");
  });

  it("keeps unclaimed paths within the budget: too many for it is an error naming them and what they need", async () => {
    const paths = Array.from({ length: 200 }, (_, index) => `src/unclaimed/module-${index}/component.ts`);
    const answer = await call({ paths, budgetTokens: 100 });
    expect(answer.isError).toBe(true);
    expect(answer.content[0]?.text).toMatch(
      /budgetTokens 100 is below the \d+ tokens that 200 paths no line claims take; ask for at least \d+/,
    );
    const needed = Number(answer.content[0]?.text.match(/ask for at least (\d+)/)?.[1]);
    const fitted = await call({ paths, budgetTokens: needed });
    expect(fitted.structuredContent?.unclaimedPaths).toEqual(paths);
    expect(fitted.structuredContent?.tokens).toBeLessThanOrEqual(needed);
  });
});

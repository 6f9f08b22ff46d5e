import { openFactory } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

let item: string;
const server = useSeededServer("strict-arguments-test", async ({ factory }) => {
  item = (await factory.work.createWorkItem({ line: "checkout", title: "Apple Pay" })).id;
});
const { call, refused } = server;

describe("arguments a tool does not take", () => {
  it("advertise additionalProperties false on every tool", async () => {
    const { tools } = await server.client.listTools();
    expect(tools.length).toBeGreaterThan(15);
    for (const tool of tools) expect(tool.inputSchema.additionalProperties, tool.name).toBe(false);
  });

  it("refuse a mistyped argument of a write by name, listing the arguments, and write nothing", async () => {
    const text = await refused("advance_work_item", { id: item, action: "block", reason: "waiting" });
    expect(text).toContain(
      'E_VALIDATION: advance_work_item input is invalid: (root): unknown argument "action"',
    );
    expect(text).toContain(
      "advance_work_item takes id, move, reason, to, cause, overrideWipReason, expectedVersion, idempotencyKey",
    );
    const listed = await call("list_work", { line: "checkout" });
    expect(listed.structuredContent?.items).toMatchObject([{ id: item, stage: "intake", state: "active" }]);

    const nested = await refused("capture_knowledge", {
      kind: "research",
      title: "Wallets",
      body: "Most pay by wallet.",
      source: { system: "notes", autor: "ana" },
    });
    expect(nested).toContain(
      'E_VALIDATION: capture_knowledge input is invalid: source: unknown field "autor"',
    );
  });

  it("are refused by a tool that takes none, saying so", async () => {
    expect(await refused("list_skills", { verbose: true })).toBe(
      'E_VALIDATION: list_skills input is invalid: (root): unknown argument "verbose"; list_skills takes no arguments',
    );
  });

  it("refuse unknown filters of reads instead of answering unfiltered", async () => {
    expect(await refused("list_suspect_links", { item: "wi_nope" })).toContain(
      'unknown argument "item"; list_suspect_links takes workItem, line, limit, cursor',
    );
    expect(await refused("search_knowledge", { query: "payment", filters: { line: "ghost" } })).toContain(
      'unknown argument "filters"',
    );
    expect(await refused("get_line", { id: "checkout", ids: ["search"] })).toContain(
      'unknown argument "ids"',
    );
    expect(await refused("list_skills", { name: "x" })).toContain('unknown argument "name"');
    const after = await call("advance_work_item", { id: item, move: "block", reason: "waiting" });
    expect(after.structuredContent).toMatchObject({ id: item, state: "blocked" });
  });

  it("give bad values the E_VALIDATION code too", async () => {
    const text = await refused("search_knowledge", { query: "", limit: 500 });
    expect(text).toMatch(/^E_VALIDATION: search_knowledge input is invalid: query: .*; limit: /);
  });
});

describe("an empty filter list", () => {
  it("is refused by the knowledge reads, naming it, where it answered no document", async () => {
    const empty = (what: string) =>
      `give at least one ${what}, or leave the filter out for every document (an empty list matches none)`;
    expect(await refused("search_knowledge", { query: "payments", kinds: [], tags: [] })).toBe(
      `E_VALIDATION: search_knowledge input is invalid: kinds: ${empty("kind")}; tags: ${empty("tag")}`,
    );
    expect(await refused("list_knowledge", { lines: [] })).toBe(
      `E_VALIDATION: list_knowledge input is invalid: lines: ${empty("line")}`,
    );
    const found = await call("search_knowledge", { query: "payments", kinds: ["decision"] });
    expect(found.structuredContent?.hits).toMatchObject([{ title: "Retry failed payments three times" }]);
  });
});

describe("filter values the factory does not know", () => {
  it("are E_NOT_FOUND errors naming the value and the argument, never an empty answer", async () => {
    expect(await refused("list_work", { line: "ghost" })).toBe(
      'E_NOT_FOUND: line: no line "ghost" in the floor plan (factory://floorplan lists them)',
    );
    expect(await refused("list_work", { stage: "nope" })).toMatch(
      /^E_NOT_FOUND: stage: no stage "nope"; the stages are intake, .*release/,
    );
    expect(await refused("list_work", { owner: "ghost" })).toContain(
      'E_NOT_FOUND: owner: no operator "ghost" in the floor plan',
    );
    expect(await refused("search_knowledge", { query: "payment", lines: ["checkout", "ghost"] })).toContain(
      'E_NOT_FOUND: lines[1]: no line "ghost"',
    );
    expect(await refused("get_metrics", { line: "ghost" })).toContain('E_NOT_FOUND: line: no line "ghost"');
    expect(await refused("get_metrics", { operator: "ghost" })).toContain(
      'E_NOT_FOUND: operator: no operator "ghost"',
    );
    expect(
      (await call("list_work", { owner: "ana", stage: "intake" })).structuredContent?.items,
    ).toMatchObject([{ id: item }]);
    expect((await call("get_metrics", { operator: "bo" })).isError).toBeUndefined();
  });

  it("and every other not-found carries its code", async () => {
    expect(await refused("get_line", { id: "ghost" })).toBe(
      'E_NOT_FOUND: id: no line "ghost" in the floor plan (factory://floorplan lists them)',
    );
    expect(await refused("who_owns", { line: "ghost" })).toContain('E_NOT_FOUND: line: no line "ghost"');
    expect(await refused("get_document", { id: "doc_nope" })).toBe(
      'E_NOT_FOUND: id: no document "doc_nope"; search_knowledge and list_knowledge give ids',
    );
    expect(await refused("get_document", { id: "doc_nope", asOf: "2026-01-01T00:00:00Z" })).toBe(
      'E_NOT_FOUND: id: no document "doc_nope" at 2026-01-01T00:00:00.000Z; search_knowledge and list_knowledge give ids',
    );
    expect(await refused("check_standards", { rules: ["line-has-owner", "nope-rule"] })).toMatch(
      /^E_NOT_FOUND: rules\[1\]: no rule "nope-rule"; the rules are line-has-owner, /,
    );
  });
});

describe("ids the factory does not have", () => {
  it("are refused naming the argument and what lists the ids, whichever tool takes them", async () => {
    expect(await refused("get_context", { workItem: "wi_nope" })).toBe(
      'E_NOT_FOUND: workItem: no work item "wi_nope"; list_work lists them',
    );
    expect(await refused("get_context", { line: "ghost" })).toBe(
      'E_NOT_FOUND: line: no line "ghost" in the floor plan (factory://floorplan lists them)',
    );
    expect(await refused("advance_work_item", { id: "wi_nope" })).toBe(
      'E_NOT_FOUND: id: no work item "wi_nope"; list_work lists them',
    );
    expect(await refused("route_signal", { signal: "sig_nope" })).toBe(
      'E_NOT_FOUND: signal: no signal "sig_nope"; capture_signal gives signal ids',
    );
    expect(await refused("route_signal", { signal: "sig_nope", line: "checkout" })).toContain(
      'signal: no signal "sig_nope"',
    );
    const signal = await call("capture_signal", { text: "Cart is slow", source: "support" });
    expect(
      await refused("create_work_item", {
        line: "checkout",
        title: "Faster cart",
        signals: [signal.structuredContent?.id, "sig_nope"],
      }),
    ).toBe('E_NOT_FOUND: signals[1]: no signal "sig_nope"; capture_signal gives signal ids');
    const listed = await call("list_work", { line: "checkout" });
    expect(listed.structuredContent?.items).not.toContainEqual(
      expect.objectContaining({ title: "Faster cart" }),
    );
  });

  it("are described with the tool or resource that lists them, at every depth", async () => {
    const { tools } = await server.client.listTools();
    const names = tools.map((tool) => tool.name);
    type Schema = { description?: string; properties?: Record<string, Schema>; items?: Schema };
    const idArguments =
      /^(id|line|lines|workItem|workItems|signal|signals|owner|operator|contributors|deployment|remediates|supersedes|target|from|to|rules|ids)$/;
    const unexplained: string[] = [];
    const visit = (schema: Schema, path: string) => {
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        const description = property.description ?? "";
        const explained =
          names.some((name) => description.includes(name)) || /factory:\/\/|skill:\/\//.test(description);
        // An id the caller chooses (record_artifact's) is listed by no one.
        if (idArguments.test(key) && !explained && `${path}.${key}` !== "record_artifact.id")
          unexplained.push(`${path}.${key}`);
        visit(property, `${path}.${key}`);
        if (property.items !== undefined) visit(property.items, `${path}.${key}[]`);
      }
    };
    for (const tool of tools) visit(tool.inputSchema as Schema, tool.name);
    expect(unexplained).toEqual([]);
  });
});

describe("instants", () => {
  it("are described and refused with the forms they take, the same on every tool (a date and time without offset is refused)", async () => {
    const expected =
      "asOf: expected an ISO date (2026-03-01), an instant (2026-03-01T09:00:00Z) or a span back from now (30d, 12h, 2w)";
    for (const [tool, args] of [
      ["search_knowledge", { query: "payment" }],
      ["list_knowledge", {}],
      ["get_document", { id: "doc_nope" }],
      ["get_line", { id: "checkout" }],
    ] as const)
      expect(await refused(tool, { ...args, asOf: "2026-03-01T09:00:00" }), tool).toContain(expected);
    const { tools } = await server.client.listTools();
    for (const tool of ["search_knowledge", "list_knowledge", "get_document"]) {
      const asOf = tools.find((listed) => listed.name === tool)?.inputSchema.properties?.asOf as {
        description?: string;
      };
      expect(asOf.description, tool).toContain("30d");
    }
    const metrics = tools.find((tool) => tool.name === "get_metrics")?.inputSchema.properties ?? {};
    for (const bound of ["since", "until"]) {
      expect((metrics[bound] as { description?: string }).description, bound).toContain(
        "an ISO date or instant",
      );
    }
  });
});

describe("get_context", () => {
  it("takes a question as long as the knowledge search takes (4,000 characters), and refuses a longer one", async () => {
    const question = `${"why do card payments retry ".repeat(140)}`.slice(0, 3500);
    const pack = await call("get_context", { question });
    expect(pack.isError).toBeUndefined();
    expect(await refused("get_context", { question: "x".repeat(4001) })).toContain(
      "E_VALIDATION: get_context input is invalid: question: must be at most 4000 characters",
    );
  });
});

describe("a required argument left out", () => {
  it("is refused as required, with what to give and, for an argument, its description", async () => {
    expect(await refused("advance_work_item", {})).toBe(
      "E_VALIDATION: advance_work_item input is invalid: id: required (a string): Id of the work item (wi_...; list_work and create_work_item give them)",
    );
    expect(await refused("review_link", { id: "link_x" })).toBe(
      'E_VALIDATION: review_link input is invalid: verdict: required (one of "keep", "adapted", "obsolete"): keep (downstream is still right), adapted (downstream was changed to follow upstream) or obsolete (the link no longer matters)',
    );
    expect(
      await refused("capture_knowledge", {
        kind: "note",
        title: "T",
        body: "B",
        links: [{ type: "informs" }],
      }),
    ).toBe("E_VALIDATION: capture_knowledge input is invalid: links[0].target: required (a string)");
    // A value of the wrong type is not a missing one.
    expect(await refused("advance_work_item", { id: 7 })).toBe(
      "E_VALIDATION: advance_work_item input is invalid: id: must be a string, not a number",
    );
  });
});

describe("a factory left as it was", () => {
  it("shows the refused calls wrote nothing but the block", async () => {
    const factory = await openFactory({ dir: server.dir });
    try {
      expect(factory.work.get(item)).toMatchObject({ stage: "intake", state: "blocked" });
      expect((await factory.knowledge.search("wallet")).hits).toEqual([]);
    } finally {
      await factory.close();
    }
  });
});

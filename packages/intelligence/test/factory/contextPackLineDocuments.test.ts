import {
  type ContextPack,
  type ContextRequest,
  contextPackMarkdown,
  type Factory,
} from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

const source = { system: "wiki", author: "ana" };

/**
 * The dogfood case: a line `cli` ("The factory CLI") with a note that names
 * it, a runbook and a decision filed on it that share no word with its name
 * or description, and a runbook filed on another line.
 */
async function cliFactory() {
  const factory = await open({ dir: folder("factory-pack-line-documents-") });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [
      { id: "cli", owner: "ana", paths: ["/packages/cli/"], description: "The factory CLI" },
      { id: "web", owner: "ana", paths: ["/apps/web/"], description: "The web app" },
    ],
  });
  const flags = await factory.knowledge.capture({
    kind: "note",
    title: "CLI flags",
    body: "Every CLI command takes --json.",
    source,
    lines: ["cli"],
  });
  const decision = await factory.knowledge.recordDecision({
    title: "Semantic versioning",
    context: "Users pin versions.",
    decision: "Bump the major version on breaking changes.",
    source,
    lines: ["cli"],
  });
  const runbook = await factory.knowledge.capture({
    kind: "runbook",
    title: "Release the SDK",
    body: "Tag the version, publish the packages to npm and announce it in the changelog.",
    source,
    lines: ["cli"],
  });
  const elsewhere = await factory.knowledge.capture({
    kind: "runbook",
    title: "Deploy the storefront",
    body: "Publish the bundle to the edge and purge the cache.",
    source,
    lines: ["web"],
  });
  return { factory, flags: flags.id, decision: decision.id, runbook: runbook.id, elsewhere: elsewhere.id };
}

/** Ids of the documents a pack holds in full, then of those it names. */
const documents = (pack: ContextPack) => ({
  inFull: pack.knowledge.map((hit) => hit.document.id),
  named: pack.relatedKnowledge.map((reference) => reference.id),
});

/** The smallest budget a pack for `request` takes, as the refusal of a 1-token budget names it. */
async function smallestBudget(factory: Factory, request: ContextRequest): Promise<number> {
  const refusal = await factory.context({ ...request, budgetTokens: 1 }).then(
    () => undefined,
    (error: Error) => error.message,
  );
  const needed = /ask for at least (\d+)/.exec(refusal ?? "")?.[1];
  if (needed === undefined) throw new Error(`a 1-token budget was not refused with a count: ${refusal}`);
  return Number(needed);
}

describe("the documents filed on a pack's lines", () => {
  it("are in a line's pack even when they share no word with the line, after those that match it, decisions first", async () => {
    const { factory, flags, decision, runbook, elsewhere } = await cliFactory();

    const pack = await factory.context({ line: "cli" });

    expect(documents(pack)).toEqual({ inFull: [flags, decision, runbook], named: [] });
    expect(pack.knowledge.map((hit) => hit.document.id)).not.toContain(elsewhere);
    expect(pack.omitted.knowledge).toBe(0);
    const markdown = contextPackMarkdown(pack);
    expect(markdown).toContain(`### Release the SDK [runbook, \`${runbook}\`]`);
    expect(markdown).toContain("Tag the version, publish the packages to npm");
    expect(pack.tokens).toBeLessThanOrEqual(pack.budgetTokens);
    expect(await factory.context({ line: "cli" })).toEqual(pack);
  });

  it("are in the pack of a work item on the line and in that of paths the line owns", async () => {
    const { factory, decision, runbook, elsewhere } = await cliFactory();
    const item = await factory.work.createWorkItem({ line: "cli", title: "Add a --quiet option" });

    for (const request of [{ workItem: item.id }, { paths: ["/packages/cli/src/main.ts"] }]) {
      const { inFull, named } = documents(await factory.context(request));
      const held = [...inFull, ...named];
      expect(held, JSON.stringify(request)).toEqual(expect.arrayContaining([decision, runbook]));
      expect(held, JSON.stringify(request)).not.toContain(elsewhere);
    }
  });

  it("are named by title and id in a budget too small for them in full", async () => {
    const { factory, runbook, elsewhere } = await cliFactory();
    const item = await factory.work.createWorkItem({ line: "cli", title: "Add a --quiet option" });

    for (const request of [
      { line: "cli" },
      { workItem: item.id },
      { paths: ["/packages/cli/src/main.ts"] },
    ]) {
      // The smallest budget, by steps of 10 tokens, whose pack holds the runbook in some form.
      let pack: ContextPack | undefined;
      const smallest = await smallestBudget(factory, request);
      for (let budgetTokens = smallest; budgetTokens <= 1500 && pack === undefined; budgetTokens += 10) {
        const tried = await factory.context({ ...request, budgetTokens });
        expect(tried.tokens).toBeLessThanOrEqual(budgetTokens);
        const { inFull, named } = documents(tried);
        expect([...inFull, ...named]).not.toContain(elsewhere);
        if ([...inFull, ...named].includes(runbook)) pack = tried;
      }

      expect(
        pack?.knowledge.map((hit) => hit.document.id),
        JSON.stringify(request),
      ).not.toContain(runbook);
      expect(pack?.relatedKnowledge, JSON.stringify(request)).toContainEqual({
        id: runbook,
        title: "Release the SDK",
        kind: "runbook",
        score: 0,
      });
      expect(contextPackMarkdown(pack as ContextPack)).toContain(
        `- Release the SDK [runbook, \`${runbook}\`]`,
      );
    }
  });

  it("come after what answers the question, and a question alone brings no line's documents", async () => {
    const { factory, runbook, elsewhere } = await cliFactory();

    const onLine = documents(await factory.context({ line: "cli", question: "storefront bundle" }));
    const alone = documents(await factory.context({ question: "storefront bundle" }));

    expect([...onLine.inFull, ...onLine.named]).toEqual(expect.arrayContaining([elsewhere, runbook]));
    expect(onLine.inFull[0]).toBe(elsewhere);
    expect([...alone.inFull, ...alone.named]).toEqual([elsewhere]);
  });
});

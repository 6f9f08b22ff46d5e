import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hashJson } from "@software-factory/core";
import {
  basicStandards,
  builtinStandards,
  contextPackMarkdown,
  type Factory,
  loadTokenCounter,
} from "@software-factory/intelligence";
import { DocumentCaptured } from "@software-factory/knowledge";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

function write(root: string, path: string, text: string): void {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** A repository with a Cursor rule for the web package, one for the API, and an AGENTS.md that always applies. */
function repoWithRules(): string {
  const root = folder("factory-rules-");
  write(
    root,
    ".cursor/rules/web.mdc",
    "---\ndescription: Web components\nglobs: packages/web/**/*.tsx\nalwaysApply: false\n---\nUse function components and keep state in hooks.\n",
  );
  write(
    root,
    ".cursor/rules/api.mdc",
    "---\ndescription: API handlers\nglobs: packages/api/**\nalwaysApply: false\n---\nValidate every request body with zod.\n",
  );
  write(root, "AGENTS.md", "# Agents\n\n## Commits\n\nWrite commit messages in the imperative mood.\n");
  return root;
}

async function factoryOver(repo: string): Promise<Factory> {
  const factory = await open({ dir: folder("factory-pack-"), instructionsFrom: repo });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: [
      { id: "web", owner: "ana", paths: ["/packages/web/"], description: "The web app", dependsOn: ["api"] },
      { id: "api", owner: "bo", paths: ["/packages/api/"], description: "The HTTP API" },
    ],
  });
  await factory.knowledge.capture({
    kind: "decision",
    title: "Render the web app on the server",
    body: "The web app renders on the server for first paint.",
    source: { system: "meeting", author: "ana", capturedAt: "2024-05-14T10:00:00Z" },
    lines: ["web"],
    decision: { status: "accepted", context: "slow first paint", decision: "server rendering" },
  });
  return factory;
}

describe("context packs", () => {
  it("list the instructions of rule files that apply to the line or paths, not the others", async () => {
    const factory = await factoryOver(repoWithRules());

    const forLine = await factory.context({ line: "web" });
    const forPath = await factory.context({ paths: ["packages/api/src/orders.ts"] });

    const ids = (pack: typeof forLine) => pack.standards.instructions.map((standard) => standard.description);
    expect(ids(forLine)).toEqual(expect.arrayContaining(["Web components", "Commits"]));
    expect(ids(forLine)).not.toContain("API handlers");
    expect(ids(forPath)).toEqual(expect.arrayContaining(["API handlers", "Commits"]));
    expect(ids(forPath)).not.toContain("Web components");
  });

  it("list the checked rules over what belongs to the pack's lines, and none for a question or paths no line claims", async () => {
    const factory = await factoryOver(repoWithRules());
    factory.standards.add(basicStandards, builtinStandards);
    const item = await factory.work.createWorkItem({ line: "web", title: "Server rendering" });
    const kindsOf = (pack: Awaited<ReturnType<Factory["context"]>>) =>
      [...new Set(pack.standards.rules.map((rule) => rule.appliesTo))].sort();

    const forLine = await factory.context({ line: "web" });
    expect(kindsOf(forLine)).toEqual(["artifact", "document", "line", "signal", "workItem"]);
    expect(forLine.standards.rules.map((rule) => rule.id)).not.toContain("no-dependency-cycles");
    expect(kindsOf(await factory.context({ workItem: item.id }))).toEqual(kindsOf(forLine));
    expect(kindsOf(await factory.context({ paths: ["packages/web/app.tsx"] }))).toEqual(kindsOf(forLine));

    const question = await factory.context({ question: "why do we render on the server?" });
    expect(question.standards.rules).toEqual([]);
    expect(contextPackMarkdown(question)).not.toContain("Checked rules");
    expect(question.omitted.rules).toBe(0);
    const unclaimed = await factory.context({ paths: ["tools/release.sh"] });
    expect(unclaimed.lines).toEqual([]);
    expect(unclaimed.standards.rules).toEqual([]);
    // The rules were what the question pack spent its tokens on.
    expect(question.tokens).toBeLessThan(forLine.tokens);
  });

  it("refuse a request that names nothing, an unknown line or an unknown work item", async () => {
    const factory = await factoryOver(repoWithRules());

    await expect(factory.context({})).rejects.toThrow(
      "say what the pack is about: a workItem, a line, paths or a question",
    );
    await expect(factory.context({ question: "  " })).rejects.toThrow(/question must not be empty/);
    await expect(factory.context({ line: "nope" })).rejects.toMatchObject({
      _tag: "NotFoundError",
      id: "nope",
    });
    await expect(factory.context({ workItem: "wi_nope" })).rejects.toMatchObject({
      _tag: "NotFoundError",
      message: 'no work item "wi_nope"',
    });
  });

  it("refuse a budget below what the line takes with a ValidationError at budgetTokens naming the tokens needed", async () => {
    const factory = await factoryOver(repoWithRules());

    const error = await factory.context({ line: "web", budgetTokens: 5 }).then(
      () => undefined,
      (failure: unknown) => failure,
    );

    expect(error).toMatchObject({
      _tag: "ValidationError",
      code: "E_VALIDATION",
      issues: [
        {
          path: "budgetTokens",
          message: expect.stringMatching(/^5 is below the \d+ tokens that the line web/),
        },
      ],
    });
    const needed = Number((error as Error).message.match(/ask for at least (\d+)$/)?.[1]);
    expect((error as Error).message).toMatch(
      /^budgetTokens 5 is below the (\d+) tokens .*; ask for at least \1$/,
    );
    expect((await factory.context({ line: "web", budgetTokens: needed })).tokens).toBeLessThanOrEqual(needed);
  });

  it("keep the whole pack within the budget, saying what was left out", async () => {
    const factory = await factoryOver(repoWithRules());
    const counter = await loadTokenCounter();
    const full = await factory.context({ line: "web", budgetTokens: 2000 });
    expect(full.omitted).toEqual({
      neighbours: 0,
      instructions: 0,
      knowledge: 0,
      rules: 0,
      activeWork: 0,
      suspectLinks: 0,
    });

    const tight = full.tokens - 5;
    const pack = await factory.context({ line: "web", budgetTokens: tight });

    expect(pack.tokens).toBe(counter.count(contextPackMarkdown(pack)));
    expect(pack.tokens).toBeLessThanOrEqual(tight);
    // To fit, something is left out, or knowledge shown in full is only named.
    const omitted = Object.values(pack.omitted).reduce((sum, count) => sum + count, 0);
    expect(omitted + full.knowledge.length - pack.knowledge.length).toBeGreaterThan(0);
    expect(pack.lines.map(({ line }) => line.id)).toEqual(["web"]);
  });

  it("name each suspect link by its id and count what was left out, within every budget", async () => {
    const factory = await factoryOver(repoWithRules());
    const counter = await loadTokenCounter();
    const item = await factory.work.createWorkItem({ line: "web", title: "Render on the server" });
    await factory.work.recordArtifact({
      id: "REQ-1",
      kind: "requirement",
      title: "Fast first paint",
      fields: { body: "v1" },
    });
    for (let n = 1; n <= 6; n++) {
      await factory.work.recordArtifact({
        id: `TEST-${n}`,
        kind: "test",
        title: `paints ${n}`,
        workItem: item.id,
      });
      await factory.work.link({ from: `TEST-${n}`, to: "REQ-1", type: "verifies" });
    }
    await factory.work.recordArtifact({
      id: "REQ-1",
      kind: "requirement",
      title: "Fast first paint",
      fields: { body: "v2" },
    });
    const links = factory.work.suspectLinks({ line: "web" });
    expect(links).toHaveLength(6);

    const full = await factory.context({ line: "web", budgetTokens: 4000 });
    const markdown = contextPackMarkdown(full);
    for (const link of links) expect(markdown).toContain(`- \`${link.id}\`: ${link.from} verifies REQ-1`);
    expect(markdown).not.toContain("Left out to fit the budget");

    const seen = new Set<number>();
    for (let budget = full.tokens; ; budget -= 7) {
      const pack = await factory.context({ line: "web", budgetTokens: budget }).catch(() => undefined);
      if (pack === undefined) break;
      const text = contextPackMarkdown(pack);
      expect(pack.tokens).toBe(counter.count(text));
      expect(pack.tokens).toBeLessThanOrEqual(budget);
      for (const link of pack.suspectLinks) expect(text).toContain(`\`${link.id}\``);
      const { suspectLinks } = pack.omitted;
      if (suspectLinks > 0) {
        seen.add(suspectLinks);
        expect(text).toMatch(
          new RegExp(
            `## Left out to fit the budget\\n\\n.*${suspectLinks} suspect links?; a larger budget holds more\\.\\n$`,
          ),
        );
      }
      if (pack.omitted.knowledge > 0)
        expect(text).toMatch(new RegExp(`${pack.omitted.knowledge} documents?[ ,;]`));
    }
    // Some budgets keep a few suspect links and leave the others out.
    expect([...seen].some((count) => count > 0 && count < 6)).toBe(true);
  });

  it("name each neighbouring line with its owner and the contract between them", async () => {
    const factory = await factoryOver(repoWithRules());
    await factory.floorplan.applyPlan({
      operators: [{ id: "ana" }, { id: "bo" }],
      lines: [
        {
          id: "web",
          owner: "ana",
          paths: ["/packages/web/"],
          description: "The web app",
          dependsOn: [
            { line: "api", kind: "api", criticality: "high", contract: "REST /v1 orders and carts" },
          ],
        },
        { id: "api", owner: "bo", paths: ["/packages/api/"], description: "The HTTP API" },
      ],
    });

    const pack = await factory.context({ line: "api" });

    expect(pack.lines[0]?.dependents).toEqual([
      { line: "web", owner: "ana", kind: "api", criticality: "high", contract: "REST /v1 orders and carts" },
    ]);
    expect(contextPackMarkdown(pack)).toContain(
      '- Used by: web (api, high, owner ana: "REST /v1 orders and carts")',
    );
  });

  it("are the same for the same state, in this process and in another one", async () => {
    const repo = repoWithRules();
    const factory = await factoryOver(repo);
    const request = { line: "web", question: "how does the web app render?", budgetTokens: 500 };

    const first = await factory.context(request);
    const second = await factory.context(request);
    const reader = await open({ dir: factory.dir, instructionsFrom: repo });
    const elsewhere = await reader.context(request);

    expect(second).toEqual(first);
    expect(contextPackMarkdown(elsewhere)).toBe(contextPackMarkdown(first));
  });

  it("stay within the budget on a factory of 10,000 documents", async () => {
    const factory = await open({ dir: folder("factory-pack-10k-"), durability: "normal" });
    const topics = ["payment retries", "cart totals", "search ranking", "login sessions", "invoice exports"];
    const at = new Date().toISOString();
    for (let start = 0; start < 10_000; start += 1000) {
      await factory.log.append(
        Array.from({ length: 1000 }, (_, offset) => {
          const n = start + offset;
          const topic = topics[n % topics.length] as string;
          const title = `Note ${n} on ${topic}`;
          const body = `## ${topic}\n\nCustomer ${n % 97} reported that ${topic} misbehave after release ${n % 13}. ${"Details follow. ".repeat(1 + (n % 20))}See \`src/${topic.split(" ")[0]}/handler_${n % 50}.ts\`.`;
          return {
            type: DocumentCaptured.type,
            subject: `doc_bulk${n}`,
            data: {
              kind: "note" as const,
              source: { system: "support", uri: `ticket/${n}` },
              links: [],
              supersedes: [],
              title,
              body,
              contentHash: hashJson({ title, body, decision: null }),
              tags: [],
              lines: [],
              validFrom: at,
            },
          };
        }),
      );
    }
    expect(await factory.knowledge.sync()).toBeGreaterThanOrEqual(0);
    const counter = await loadTokenCounter();

    for (const [question, budgetTokens] of [
      ["why do payment retries fail after release 3?", 2000],
      ["cart totals wrong for customer 12", 300],
      ["search ranking handler_7", 120],
    ] as const) {
      const pack = await factory.context({ question, budgetTokens });
      expect(pack.knowledge.length).toBeGreaterThan(0);
      if (budgetTokens === 2000) expect(pack.relatedKnowledge.length).toBeGreaterThan(pack.knowledge.length);
      expect(counter.count(contextPackMarkdown(pack))).toBe(pack.tokens);
      expect(pack.tokens).toBeLessThanOrEqual(budgetTokens);
    }
  }, 120_000);

  it("render as markdown with the lines, standards and knowledge", async () => {
    const factory = await factoryOver(repoWithRules());

    const markdown = contextPackMarkdown(await factory.context({ line: "web", budgetTokens: 2000 }));

    expect(markdown).toContain("### web (`web`)");
    expect(markdown).toContain("- Owner: ana");
    expect(markdown).toContain("- Depends on: api (api, medium, owner bo)");
    expect(markdown).toContain("Use function components");
    expect(markdown).toContain("Render the web app on the server [decision");
    expect(markdown).toContain("From meeting by ana on 2024-05-14.");
  });

  it("date each document by when it was written or said, else by when it was captured", async () => {
    const factory = await factoryOver(repoWithRules());
    const note = await factory.knowledge.capture({
      kind: "note",
      title: "Server rendering budget",
      body: "The web app's server rendering budget is 200 ms per page.",
      source: { system: "notes", uri: "notes/budget.md" },
      lines: ["web"],
    });

    const markdown = contextPackMarkdown(await factory.context({ line: "web", budgetTokens: 2000 }));

    expect(markdown).toContain("From meeting by ana on 2024-05-14.");
    expect(markdown).toContain(`From notes notes/budget.md on ${note.createdAt.slice(0, 10)}.`);
  });

  it("open a factory over a malformed rule file, listing it as skipped at its place", async () => {
    const repo = folder("factory-bad-rules-");
    write(repo, ".cursor/rules/bad.mdc", "---\ndescription: Broken\nalwaysApply: maybe\n---\nText.\n");

    const factory = await open({ dir: folder("factory-pack-"), instructionsFrom: repo });
    expect(factory.standards.instructions()).toEqual([]);
    expect(factory.standards.skipped()).toMatchObject([
      { file: join(repo, ".cursor/rules/bad.mdc"), line: 3, path: "alwaysApply" },
    ]);
  });
});

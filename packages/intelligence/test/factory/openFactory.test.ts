import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineSkill, type Factory, type OpenFactoryOptions, openFactory } from "../../src/index.js";

let dir: string;
let factory: Factory;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-open-"));
  factory = await openFactory({ dir, actor: "ana" });
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: [
      {
        id: "checkout",
        description: "Cart, payment and order confirmation",
        owner: "ana",
        paths: ["/src/checkout/"],
        wipLimit: 2,
      },
      { id: "payments", description: "Card payments and refunds", owner: "bo", paths: ["/src/payments/"] },
      {
        id: "search",
        description: "Product search and autocomplete",
        owner: "bo",
        paths: ["/src/search/"],
        dependsOn: ["checkout"],
      },
    ],
  });
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("openFactory", () => {
  it("wires the floor plan's owners into the assembly line", async () => {
    const item = await factory.work.createWorkItem({
      line: "checkout",
      title: "Retry failed payments",
      kind: "feature",
    });
    expect(item.owner).toBe("ana");
    expect(factory.work.wipLimitOf("checkout")).toBe(2);
  });

  it("routes a signal by path and learns from routed signals", async () => {
    const [byPath] = await factory.route("stack trace points at src/payments/refund.ts");
    expect(byPath?.line).toBe("payments");
    const signal = await factory.work.captureSignal({
      text: "autocomplete shows stale products",
      source: "support",
    });
    await factory.work.routeSignal(signal.id, "search");
    const [learned] = await factory.route("autocomplete results are stale again");
    expect(learned?.line).toBe("search");
  });

  it("builds a context pack for a line with its knowledge, dependents and active work", async () => {
    await factory.knowledge.capture({
      kind: "decision",
      title: "Payments are retried three times",
      body: "Checkout retries a failed payment three times before giving up.",
      source: { system: "test" },
      lines: ["checkout"],
      decision: { status: "accepted", context: "flaky provider", decision: "retry three times" },
    });
    await factory.work.createWorkItem({
      line: "checkout",
      title: "Show retry progress",
      kind: "improvement",
    });
    const pack = await factory.context({ line: "checkout", budgetTokens: 500 });
    expect(pack.lines[0]?.line.owner).toBe("ana");
    expect(pack.lines[0]?.dependents).toEqual([
      { line: "search", owner: "bo", kind: "api", criticality: "medium" },
    ]);
    expect(pack.activeWork.map((item) => item.title)).toEqual(["Show retry progress"]);
    expect(pack.knowledge[0]?.document.title).toBe("Payments are retried three times");
  });

  it("lets a second factory on the same folder see the first one's writes", async () => {
    const other = await openFactory({ dir, actor: "bo" });
    const doc = await factory.knowledge.capture({
      kind: "note",
      title: "Shared",
      body: "shared memory",
      source: { system: "t" },
    });
    expect((await other.knowledge.search("shared memory")).hits[0]?.document.id).toBe(doc.id);
    await other.floorplan.refresh();
    expect(other.floorplan.ownerOf("checkout")).toBe("ana");
    await other.close();
  });

  it("checks the standards over lines and work items", async () => {
    const { defineRule } = await import("../../src/index.js");
    const owned = defineRule<{ owner?: string | undefined }>({
      id: "line-has-owner",
      description: "every line has an owner",
      severity: "error",
      appliesTo: "line",
      check: (line) => (line.owner === undefined ? [{ message: "no owner" }] : []),
    });
    factory.standards.add(owned);
    expect(await factory.standards.check({ kind: "line" })).toEqual([]);
  });
});

describe("openFactory options", () => {
  const echo = defineSkill({
    name: "echo",
    description: "Returns its input",
    input: z.object({ text: z.string() }),
    output: z.object({ text: z.string() }),
    run: async (input) => input,
  });

  it("refuses a malformed or unknown option with a ValidationError naming it, before creating anything", async () => {
    const fresh = join(dir, "never-created");
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ durability: "fast" }, /durability/],
      [{ bogus: 1 }, /bogus/],
      [{ actor: "" }, /actor: must name who writes/],
      [{ skills: [{ name: "no-handler" }] }, /skills\[0\]\.run: must be the skill's handler/],
      [{ store: 7 }, /store: must be a postgres:\/\/ URL or an EventStore object/],
      [
        { store: "shop.db" },
        /store: "shop\.db" is not a postgres:\/\/ or postgresql:\/\/ URL; a SQLite factory is opened with dir/,
      ],
    ];
    for (const [options, field] of cases) {
      await expect(openFactory({ dir: fresh, ...options } as OpenFactoryOptions)).rejects.toMatchObject({
        _tag: "ValidationError",
        code: "E_VALIDATION",
        message: expect.stringMatching(field),
      });
    }
    await expect(openFactory({ dir: 5 } as unknown as OpenFactoryOptions)).rejects.toMatchObject({
      _tag: "ValidationError",
      issues: [{ path: "dir" }],
    });
    expect(existsSync(fresh)).toBe(false);
  });

  it("names an unknown option and the options taken, of openFactory, context and route", async () => {
    await expect(
      openFactory({ dir: join(dir, "never-created"), skilsDir: "x" } as never),
    ).rejects.toMatchObject({
      _tag: "ValidationError",
      message:
        'openFactory options is invalid: (root): unknown key "skilsDir"; the keys are dir, store, embedder, pipeline, gates, rules, ruleCheckTimeoutMs, automations, events, scorecards, skills, skillsDir, skillClaimLeaseMs, actor, durability, maxEventBytes, readOnly, clock, model, tokenCounter, instructionsFrom, onAutomationError',
    });
    await expect(factory.context({ question: "retries", budget: 200 } as never)).rejects.toMatchObject({
      _tag: "ValidationError",
      message:
        'context request is invalid: (root): unknown key "budget"; the keys are workItem, line, paths, question, budgetTokens, signal',
    });
    await expect(factory.route("refunds fail", { limt: 1 } as never)).rejects.toMatchObject({
      _tag: "ValidationError",
      message: 'route options is invalid: (root): unknown key "limt"; the keys are limit, exclude',
    });
  });

  it("names FACTORY_DATABASE_URL when it holds no postgres:// URL, before creating anything", async () => {
    const fresh = join(dir, "never-created");
    const before = process.env.FACTORY_DATABASE_URL;
    process.env.FACTORY_DATABASE_URL = "./team.db";
    try {
      await expect(openFactory({ dir: fresh })).rejects.toMatchObject({
        _tag: "ValidationError",
        issues: [{ path: "FACTORY_DATABASE_URL" }],
        message:
          'FACTORY_DATABASE_URL: "./team.db" is not a postgres:// or postgresql:// URL; set it to the PostgreSQL URL of the factory, or unset it to use the SQLite file in dir',
      });
    } finally {
      if (before === undefined) delete process.env.FACTORY_DATABASE_URL;
      else process.env.FACTORY_DATABASE_URL = before;
    }
    expect(existsSync(fresh)).toBe(false);
  });

  it("takes a blank FACTORY_DATABASE_URL as unset, as factory and factory-mcp do: the SQLite file in dir", async () => {
    const fresh = join(dir, "blank-url");
    const before = process.env.FACTORY_DATABASE_URL;
    process.env.FACTORY_DATABASE_URL = "  ";
    try {
      const factory = await openFactory({ dir: fresh });
      try {
        expect(factory.log.storeKind).toBe("sqlite");
      } finally {
        await factory.close();
      }
    } finally {
      if (before === undefined) delete process.env.FACTORY_DATABASE_URL;
      else process.env.FACTORY_DATABASE_URL = before;
    }
    expect(existsSync(join(fresh, "factory.db"))).toBe(true);
  });

  it("refuses two skills of one name, naming the name", async () => {
    await expect(openFactory({ dir: join(dir, "twice"), skills: [echo, echo] })).rejects.toMatchObject({
      _tag: "ValidationError",
      issues: [
        { path: "skills[1].name", message: 'two skills are named "echo"; give each skill its own name' },
      ],
    });
  });

  it("lists the instruction files it left out through the API, not as process warnings", async () => {
    const repo = join(dir, "repo");
    mkdirSync(join(repo, "AGENTS.md"), { recursive: true });
    writeFileSync(join(repo, "CLAUDE.md"), "# Rules\n\n## Tests\n\nEvery change has a test.\n");
    const warnings: string[] = [];
    const listen = (warning: Error) => warnings.push(warning.message);
    process.on("warning", listen);
    try {
      const factory = await openFactory({ dir: join(dir, "with-instructions"), instructionsFrom: repo });
      expect(factory.standards.instructions()).toHaveLength(1);
      expect(factory.standards.skipped()).toEqual([
        expect.objectContaining({
          file: join(repo, "AGENTS.md"),
          message: expect.stringMatching(/is a folder/),
        }),
      ]);
      await factory.close();
    } finally {
      process.off("warning", listen);
    }
    expect(warnings).toEqual([]);
  });

  it("refuses a skill named like a built-in one instead of replacing it silently", async () => {
    const summarize = defineSkill({
      name: "summarize-line",
      description: "A line's state, my way",
      input: z.object({ line: z.string() }),
      output: z.object({ text: z.string() }),
      run: async (input) => ({ text: input.line }),
    });
    await expect(openFactory({ dir: join(dir, "shadow"), skills: [summarize] })).rejects.toMatchObject({
      _tag: "ValidationError",
      issues: [
        {
          path: "skills[0].name",
          message: '"summarize-line" is the name of a built-in skill; give each skill its own name',
        },
      ],
    });
    expect(existsSync(join(dir, "shadow"))).toBe(false);
  });

  it("gives the Effect face the same ValidationError naming dir", async () => {
    const { Effect } = await import("effect");
    const { FactoryService } = await import("../../src/index.js");

    const failure = await Effect.runPromise(
      Effect.flip(
        Effect.provide(
          Effect.gen(function* () {
            yield* FactoryService;
          }),
          FactoryService.layer({ dir: 5 as unknown as string }),
        ),
      ),
    );

    expect(failure).toMatchObject({
      _tag: "ValidationError",
      code: "E_VALIDATION",
      issues: [{ path: "dir" }],
    });
  });
});

describe("FactoryService", () => {
  it("opens the factory for an Effect program and closes it with the layer", async () => {
    const { Effect } = await import("effect");
    const { FactoryService } = await import("../../src/index.js");
    const { KnowledgeBaseService } = await import("@software-factory/knowledge");
    const other = join(dir, "effect");
    const program = Effect.gen(function* () {
      const knowledge = yield* KnowledgeBaseService;
      const doc = yield* knowledge.capture({
        kind: "note",
        title: "From Effect",
        body: "effect body",
        source: { system: "t" },
      });
      return doc.id;
    });
    const id = await Effect.runPromise(Effect.provide(program, FactoryService.layer({ dir: other })));
    const reopened = await openFactory({ dir: other });
    expect((await reopened.knowledge.get(id))?.title).toBe("From Effect");
    await reopened.close();
  });

  it("fails with a typed error when the factory cannot be opened", async () => {
    const { Effect } = await import("effect");
    const { FactoryService } = await import("../../src/index.js");
    const file = join(dir, "a-file");
    writeFileSync(file, "not a folder");
    const program = Effect.gen(function* () {
      yield* FactoryService;
    });

    const failure = await Effect.runPromise(
      Effect.flip(Effect.provide(program, FactoryService.layer({ dir: file }))),
    );

    expect(failure).toMatchObject({ _tag: "FolderError", code: "E_FOLDER", systemCode: "EEXIST" });
    expect(failure.message).toBe(
      `cannot create the folder ${file}: a file stands where a folder is needed (EEXIST)`,
    );
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { edgeKey, nodeKey, PLAN_LIMITS } from "@software-factory/floorplan";
import { importCodebase, importJUnitReport } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import type { RepoCommit } from "./makeRepo.js";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice Martin", email: "alice@shop.example" };
const bob = { name: "Bob Chen", email: "bob@shop.example" };
const carol = { name: "Carol Diaz", email: "carol@shop.example" };

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The commits of a small shop monorepo: three npm workspaces, a Python service, an ADR, tests in two languages. */
const SHOP: readonly RepoCommit[] = [
  {
    author: alice,
    date: "2026-09-01T10:00:00Z",
    message: "cart and pricing",
    files: {
      "package.json": json({ name: "shop", private: true, workspaces: ["packages/*"] }),
      "packages/pricing/package.json": json({
        name: "@shop/pricing",
        description: "Prices and discounts.",
      }),
      "packages/pricing/src/index.ts":
        "/** Price of a product in cents. */\nexport function price(sku: string): number {\n  return sku.length * 100;\n}\n",
      "packages/cart/package.json": json({
        name: "@shop/cart",
        description: "The shopping cart.",
        main: "src/index.ts",
        dependencies: { "@shop/pricing": "*" },
      }),
      "packages/cart/src/index.ts":
        'import { price } from "@shop/pricing";\n\n/** Adds an item to the cart and returns the new total. */\nexport function addItem(cart: string[], sku: string): number {\n  cart.push(sku);\n  return cart.reduce((sum, item) => sum + price(item), 0);\n}\n',
      "packages/cart/test/cart.test.ts":
        'import { describe, expect, it } from "vitest";\nimport { addItem } from "../src/index.js";\n\ndescribe("cart", () => {\n  it("adds an item and returns the total", () => {\n    expect(addItem([], "abc")).toBe(300);\n  });\n});\n',
    },
  },
  {
    author: alice,
    date: "2026-09-02T10:00:00Z",
    files: {
      "packages/cart/src/index.ts":
        'import { price } from "@shop/pricing";\n\n/** Adds an item to the cart and returns the new total. */\nexport function addItem(cart: string[], sku: string): number {\n  cart.push(sku);\n  return total(cart);\n}\n\n/** Total of a cart in cents. */\nexport function total(cart: string[]): number {\n  return cart.reduce((sum, item) => sum + price(item), 0);\n}\n',
    },
  },
  {
    author: bob,
    date: "2026-09-03T10:00:00Z",
    files: {
      "packages/pricing/src/discount.ts": "/** A discount in percent. */\nexport const DISCOUNT = 10;\n",
      "packages/pricing/src/index.ts":
        '/** Price of a product in cents. */\nexport function price(sku: string): number {\n  return sku.length * 100;\n}\nexport { DISCOUNT } from "./discount.js";\n',
    },
  },
  {
    author: bob,
    date: "2026-09-04T10:00:00Z",
    files: {
      "packages/pricing/src/discount.ts": "/** A discount in percent. */\nexport const DISCOUNT = 15;\n",
    },
  },
  {
    author: carol,
    date: "2026-09-05T10:00:00Z",
    message: "checkout, recommendations and the first ADR",
    files: {
      "packages/checkout/package.json": json({ name: "@shop/checkout" }),
      "packages/checkout/README.md": "# Checkout\n\nTakes payment for a cart and confirms the order.\n",
      "packages/checkout/src/index.ts":
        'import { addItem } from "@shop/cart";\n\n/** Pays for a cart. */\nexport function pay(cart: string[]): boolean {\n  return addItem(cart, "fee") > 0;\n}\n',
      "services/recs/pyproject.toml":
        '[project]\nname = "shop-recs"\ndescription = "Product recommendations."\nversion = "0.1.0"\n',
      "services/recs/recs/__init__.py": "def recommend(sku):\n    return [sku]\n",
      "services/recs/tests/test_recs.py":
        'from recs import recommend\n\n\ndef test_recommends_the_product_itself():\n    """Recommendations include the product itself."""\n    assert recommend("a") == ["a"]\n',
      "docs/adr/0001-use-postgresql.md":
        "# 1. Use PostgreSQL for orders\n\nDate: 2026-09-05\n\n## Status\n\nAccepted\n\n## Context\n\nOrders need transactions across the cart and payments.\n\n## Decision\n\nWe store orders in PostgreSQL.\n\n## Consequences\n\nWe run and back up a PostgreSQL server.\n",
    },
  },
];

describe("importCodebase", () => {
  const temp = useRepoWithFactory("factory-import-", SHOP);

  const lineAt = (root: string) => temp.factory.floorplan.lineForPath(`${root}/src/index.ts`);

  it("proposes lines, dependencies, owners, blueprints, requirements and decisions, with provenance", async () => {
    const { repo, factory } = temp;
    const result = await importCodebase(factory, repo.root);

    expect(result.dryRun).toBe(false);
    expect(result.events).toBeGreaterThan(0);
    expect(result.problems).toEqual([]);
    const roots = result.proposal.lines.map((line) => line.root).sort();
    expect(roots).toEqual(["packages/cart", "packages/checkout", "packages/pricing", "services/recs"]);

    const cart = lineAt("packages/cart") as string;
    const pricing = lineAt("packages/pricing") as string;
    const checkout = lineAt("packages/checkout") as string;
    expect([cart, pricing, checkout].every((id) => id !== undefined)).toBe(true);
    expect(factory.floorplan.line(checkout)?.description).toBe(
      "Takes payment for a cart and confirms the order.",
    );

    // cart depends on pricing (manifest and import), checkout on cart (import only).
    const dependencies = factory.floorplan.dependencyList().map((edge) => `${edge.from}->${edge.to}`);
    expect(dependencies).toContain(`${cart}->${pricing}`);
    expect(dependencies).toContain(`${checkout}->${cart}`);
    const checkoutOnCart = result.proposal.dependencies.find(
      (edge) => edge.from === checkout && edge.to === cart,
    );
    expect(checkoutOnCart?.evidence.map((evidence) => evidence.method)).toContain("ts-imports");

    // Owners from git history, with evidence and a confidence below 1.
    const cartOwner = result.proposal.owners.find((owner) => owner.line === cart);
    expect(cartOwner?.email).toBe(alice.email);
    expect(cartOwner?.evidence.method).toBe("git-history");
    expect(cartOwner?.evidence.confidence).toBeGreaterThan(0);
    expect(cartOwner?.evidence.confidence).toBeLessThanOrEqual(1);
    expect(factory.floorplan.ownerOf(cart)).toBe(cartOwner?.operator);
    const graph = factory.floorplan.graph.graph;
    const owns = graph.getEdgeAttributes(
      edgeKey("owns", nodeKey("operator", cartOwner?.operator as string), nodeKey("line", cart)),
    );
    expect(owns.provenance.source).toBe("inferred");
    expect(owns.provenance.ref).toMatch(
      /^packages\/cart@[0-9a-f]{12} \(git-history, confidence [\d.]+: \d+ of \d+ commits/,
    );
    expect(graph.getNodeAttributes(nodeKey("line", cart)).provenance.ref).toMatch(
      /^packages\/cart\/package\.json@[0-9a-f]{12} \(npm/,
    );
    expect(factory.floorplan.graph.operator(cartOwner?.operator as string)?.email).toBe(alice.email);
    expect(factory.floorplan.ownerOf(pricing)).toBe(
      result.proposal.owners.find((owner) => owner.email === bob.email)?.operator,
    );

    // A blueprint per line, in the knowledge base, naming the public surface.
    const blueprints = (await factory.knowledge.fromSystem("codebase")).filter(
      (doc) => doc.kind === "blueprint",
    );
    expect(blueprints).toHaveLength(4);
    const cartBlueprint = blueprints.find((doc) => doc.lines.includes(cart));
    expect(cartBlueprint?.body).toContain("addItem");
    expect(cartBlueprint?.body).toContain("Adds an item to the cart");

    // Requirements inferred from tests in two languages, linked to their line and their test.
    const requirements = result.proposal.requirements;
    expect(requirements.map((requirement) => requirement.framework).sort()).toEqual(["pytest", "vitest"]);
    const cartRequirement = requirements.find((requirement) => requirement.framework === "vitest");
    const artifact = factory.work.artifact(cartRequirement?.id as string);
    expect(artifact?.kind).toBe("requirement");
    expect(artifact?.line).toBe(cart);
    expect(artifact?.fields.inferred).toBe(true);
    expect(artifact?.fields.provenance).toMatchObject({ file: "packages/cart/test/cart.test.ts" });
    const links = factory.work.linksOf(cartRequirement?.id as string);
    expect(links).toContainEqual(
      expect.objectContaining({ from: cartRequirement?.testId, to: cartRequirement?.id, type: "verifies" }),
    );

    // The ADR became a decision record.
    const decision = (await factory.knowledge.fromSystem("codebase")).find((doc) => doc.kind === "decision");
    expect(decision?.decision?.status).toBe("accepted");
    expect(decision?.decision?.decision).toContain("PostgreSQL");

    expect(result.mermaid).toContain("flowchart");
    expect(result.counts.lines.created).toBe(4);
  });

  it("links a JUnit report's run to the requirements its tests verify", async () => {
    const { repo, dir, factory } = temp;
    const { proposal } = await importCodebase(factory, repo.root);
    const report = join(dir, "junit.xml");
    writeFileSync(
      report,
      `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="vitest tests" tests="1" failures="0" errors="0" time="0.02">
  <testsuite name="packages/cart/test/cart.test.ts" timestamp="2026-09-06T10:00:00" tests="1" failures="0" errors="0" skipped="0" time="0.02">
    <testcase classname="packages/cart/test/cart.test.ts" name="cart &gt; adds an item and returns the total" time="0.002"/>
  </testsuite>
</testsuites>
`,
    );

    const summary = await importJUnitReport(factory, { file: report, runId: "ci-1" });

    expect(summary.problems).toEqual([]);
    const requirement = proposal.requirements.find((item) => item.framework === "vitest");
    const evidence = factory.work
      .linksOf(requirement?.id as string)
      .filter((link) => link.type === "verifies")
      .map((link) => factory.work.artifact(link.from)?.kind);
    expect(evidence).toContain("testEvidence");
  });

  it("writes no event when run again on an unchanged repository", async () => {
    const { repo, factory } = temp;
    await importCodebase(factory, repo.root);
    const head = await factory.log.head();

    const again = await importCodebase(factory, repo.root);

    expect(again.events).toBe(0);
    expect(await factory.log.head()).toBe(head);
    expect(again.counts.lines).toEqual({ created: 0, updated: 0, unchanged: 4, conflicts: 0 });
    expect(again.counts.requirements.unchanged).toBe(2);
    expect(again.counts.blueprints.unchanged).toBe(4);
    expect(again.conflicts).toEqual([]);
  });

  it("writes only what changed in the repository", async () => {
    const { repo, factory } = temp;
    await importCodebase(factory, repo.root);
    repo.commit({
      author: carol,
      files: {
        "packages/cart/test/cart.test.ts":
          'import { describe, expect, it } from "vitest";\nimport { addItem } from "../src/index.js";\n\ndescribe("cart", () => {\n  it("adds an item and returns the total", () => {\n    expect(addItem([], "abc")).toBe(300);\n  });\n  it("starts empty", () => {\n    expect([]).toHaveLength(0);\n  });\n});\n',
      },
    });

    const again = await importCodebase(factory, repo.root);

    expect(again.counts.requirements).toMatchObject({ created: 1, unchanged: 2 });
    expect(again.counts.lines.created).toBe(0);
    expect(again.events).toBeGreaterThan(0);
  });

  it("keeps an owner a person assigned and reports the conflict", async () => {
    const { repo, factory } = temp;
    const first = await importCodebase(factory, repo.root);
    const cart = lineAt("packages/cart") as string;
    const bobId = first.proposal.owners.find((owner) => owner.email === bob.email)?.operator as string;
    await factory.floorplan.assignOwner(cart, bobId, { actor: "lead" });

    const again = await importCodebase(factory, repo.root);

    expect(factory.floorplan.ownerOf(cart)).toBe(bobId);
    const ownerConflict = again.conflicts.find((item) => item.kind === "owner" && item.id === cart);
    expect(ownerConflict?.current).toBe(bobId);
    expect(ownerConflict?.proposed).toBe(
      first.proposal.owners.find((owner) => owner.line === cart)?.operator,
    );
    expect(ownerConflict?.diff).toContain(`+${ownerConflict?.proposed}`);
    expect(again.counts.owners.conflicts).toBe(1);
  });

  it("maps a proposed line onto the line a person declared for its folder, keeping what they wrote", async () => {
    const { repo, factory } = temp;
    await factory.floorplan.applyPlan({
      operators: [{ id: "lead" }],
      lines: [
        {
          id: "payments-desk",
          owner: "lead",
          paths: ["/packages/checkout/"],
          description: "Where customers pay.",
        },
      ],
    });

    const result = await importCodebase(factory, repo.root);

    expect(factory.floorplan.lineForPath("packages/checkout/src/index.ts")).toBe("payments-desk");
    expect(factory.floorplan.line("payments-desk")).toMatchObject({
      description: "Where customers pay.",
      owner: "lead",
    });
    const mine = result.conflicts.filter((item) => item.id === "payments-desk");
    expect(mine.map((item) => item.field).sort()).toEqual(["description", "owner"]);
    expect(mine.find((item) => item.field === "description")?.proposed).toBe(
      "Takes payment for a cart and confirms the order.",
    );
    // The import's own facts still land on the person's line: checkout depends on cart.
    const cart = lineAt("packages/cart") as string;
    expect(factory.floorplan.dependencyList()).toContainEqual(
      expect.objectContaining({ from: "payments-desk", to: cart }),
    );
  });

  it("keeps a blueprint a person revised and proposes the repository's change as a diff", async () => {
    const { repo, factory } = temp;
    await importCodebase(factory, repo.root);
    const cart = lineAt("packages/cart") as string;
    const blueprint = (await factory.knowledge.fromSystem("codebase")).find(
      (doc) => doc.kind === "blueprint" && doc.lines.includes(cart),
    );
    await factory.knowledge.revise(
      blueprint?.id as string,
      { body: `${blueprint?.body}\n\nReviewed by the cart team.` },
      { actor: "alice" },
    );
    repo.commit({
      author: alice,
      files: { "packages/cart/src/empty.ts": "/** Empties the cart. */\nexport function empty(): void {}\n" },
    });
    repo.commit({
      author: alice,
      files: {
        "packages/cart/src/index.ts":
          'import { price } from "@shop/pricing";\n\n/** Adds an item to the cart and returns the new total. */\nexport function addItem(cart: string[], sku: string): number {\n  cart.push(sku);\n  return cart.reduce((sum, item) => sum + price(item), 0);\n}\nexport { empty } from "./empty.js";\n',
      },
    });

    const again = await importCodebase(factory, repo.root);

    const kept = await factory.knowledge.get(blueprint?.id as string);
    expect(kept?.body).toContain("Reviewed by the cart team.");
    expect(kept?.body).not.toContain("Empties the cart");
    const documentConflict = again.conflicts.find(
      (item) => item.kind === "document" && item.id === blueprint?.id,
    );
    expect(documentConflict?.by).toBe("alice");
    expect(documentConflict?.diff).toContain("+");
    expect(documentConflict?.proposed).toContain("empty");
  });

  it("shows the proposal without writing in a dry run", async () => {
    const { repo, factory } = temp;
    const head = await factory.log.head();

    const result = await importCodebase(factory, repo.root, { dryRun: true });

    expect(await factory.log.head()).toBe(head);
    expect(result.events).toBe(0);
    expect(result.counts.lines.created).toBe(4);
    expect(result.counts.requirements.created).toBe(2);
    expect(factory.floorplan.lines()).toEqual([]);
  });

  it("imports a folder that is not a git repository, without owners or commits", async () => {
    const { factory } = temp;
    const plain = mkdtempSync(join(tmpdir(), "factory-plain-"));
    try {
      mkdirSync(join(plain, "billing"));
      mkdirSync(join(plain, "accounts"));
      writeFileSync(
        join(plain, "billing", "invoice.ts"),
        'import { user } from "../accounts/user.js";\nexport const invoice = user;\n',
      );
      writeFileSync(
        join(plain, "accounts", "user.ts"),
        "/** The signed-in user. */\nexport const user = 1;\n",
      );

      const result = await importCodebase(factory, plain);

      expect(result.proposal.commit).toBeUndefined();
      expect(result.proposal.lines.map((line) => line.root).sort()).toEqual(["accounts", "billing"]);
      expect(result.proposal.owners).toEqual([]);
      expect(result.proposal.dependencies.map((edge) => `${edge.from}->${edge.to}`)).toEqual([
        "billing->accounts",
      ]);
      expect(factory.floorplan.lineForPath("billing/invoice.ts")).toBe("billing");
      expect((await importCodebase(factory, plain)).events).toBe(0);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it("cuts a description longer than the floor plan holds to its limit, with a problem naming the file, and imports the rest", async () => {
    const { factory } = temp;
    const plain = mkdtempSync(join(tmpdir(), "factory-long-"));
    try {
      // Emoji are two UTF-16 units each: the cut must not split one.
      const long = `Payments ${"💸".repeat(PLAN_LIMITS.description)}`;
      writeFileSync(join(plain, "package.json"), json({ name: "payments", description: long }));
      mkdirSync(join(plain, "src"));
      writeFileSync(join(plain, "src", "index.ts"), "export const pay = 1;\n");

      const result = await importCodebase(factory, plain);

      const description = factory.floorplan.line("payments")?.description ?? "";
      expect(description.length).toBeLessThanOrEqual(PLAN_LIMITS.description);
      expect(description.length).toBeGreaterThan(PLAN_LIMITS.description - 2);
      expect(long.startsWith(description)).toBe(true);
      expect(result.problems).toEqual([
        {
          file: "package.json",
          message: `the description is ${long.length} characters, more than the floor plan's ${PLAN_LIMITS.description}: it was cut to ${PLAN_LIMITS.description}`,
        },
      ]);
      // The cut text is what the repository says now: a second run changes nothing.
      expect((await importCodebase(factory, plain)).events).toBe(0);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it("rejects a path that is not a folder", async () => {
    const { repo, factory } = temp;
    await expect(importCodebase(factory, join(repo.root, "package.json"))).rejects.toThrow(/not a folder/);
  });
});

describe("importCodebase with author emails that have no domain ending", () => {
  const root = { name: "root", email: "root@localhost" };
  const temp = useRepoWithFactory("factory-import-", [
    {
      author: root,
      files: {
        "billing/invoice.ts": 'import { user } from "../accounts/user.js";\nexport const invoice = user;\n',
        "accounts/user.ts": "/** The signed-in user. */\nexport const user = 1;\n",
        CODEOWNERS: "/accounts/ ops@x\n",
      },
    },
  ]);

  it("declares the owners from git history and CODEOWNERS without the emails a plan cannot hold", async () => {
    const { repo, factory } = temp;
    const result = await importCodebase(factory, repo.root);

    expect(result.proposal.owners.map((owner) => [owner.line, owner.email])).toEqual([
      ["accounts", "ops@x"],
      ["billing", "root@localhost"],
    ]);
    expect(factory.floorplan.ownerOf("billing")).toBe("root");
    expect(factory.floorplan.ownerOf("accounts")).toBe("ops");
    expect(factory.floorplan.graph.operator("root")?.email).toBeUndefined();
    expect(factory.floorplan.graph.operator("ops")?.email).toBeUndefined();
  });

  it("shows the proposal in a dry run", async () => {
    const { repo, factory } = temp;
    const result = await importCodebase(factory, repo.root, { dryRun: true });

    expect(result.counts.lines.created).toBe(2);
    expect(result.events).toBe(0);
  });
});

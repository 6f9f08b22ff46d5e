import { afterAll, describe, expect, it } from "vitest";
import type { InferredRequirement, ProposedLine } from "../../src/codebase/proposal.js";
import { listRepoFiles } from "../../src/codebase/scan/files.js";
import { inferRequirements, testHash } from "../../src/codebase/scan/tests.js";
import { makeRepo } from "./makeRepo.js";

const ada = { name: "Ada Lovelace", email: "ada@example.com" };
const grace = { name: "Grace Hopper", email: "grace@example.com" };

const VITEST = `import { describe, expect, it } from "vitest";
import { KnowledgeBase } from "../src/KnowledgeBase.js";

describe("KnowledgeBase", () => {
  describe("capture", () => {
    it("keeps every revision", async () => {
      expect(/rev/.test("revision")).toBe(true);
    });
    it.each([[1, 2, 3]])("adds %i + %i", (a, b, c) => expect(a + b).toBe(c));
    const kind = "note";
    it(\`captures a \${kind} with a key\`, () => {});
    it.skip("ignores an empty body", () => {});
  });
  it.todo("searches by tag");
});
`;

const JEST = `describe("Cart", () => {
  test("adds an item", () => {
    const add = jest.fn();
    expect(add).not.toHaveBeenCalled();
  });
  describe.each([["EUR"], ["USD"]])("in %s", (currency) => {
    test.concurrent("totals the lines", async () => {});
  });
});
`;

const NODE_TEST = `import { test } from "node:test";
import assert from "node:assert/strict";

test("parses the config", async (t) => {
  await t.test("rejects an empty file", () => assert.throws(() => parse("")));
  await t.test("reads the port", () => assert.equal(parse("port: 1").port, 1));
});
test("starts the server", () => {});
`;

const PYTEST = `import pytest

def test_sums_the_basket():
    assert 1 + 1 == 2

class TestInvoice:
    def test_rounds_to_cents(self):
        """Invoices round every amount to the cent.

        Banker's rounding is not used.
        """
        assert True

    @pytest.mark.parametrize("n", [1, 2])
    def test_numbers_are_unique(self, n):
        assert n

    def helper(self):
        def test_nested():
            pass

class Helper:
    def test_not_collected(self):
        pass
`;

const GO = `package config

import "testing"

func TestParse(t *testing.T) {
\tt.Run("rejects empty input", func(t *testing.T) {
\t\tif _, err := Parse(""); err == nil {
\t\t\tt.Fatal("want an error {")
\t\t}
\t})
\tt.Run("reads the port", func(t *testing.T) {
\t\tt.Run("as a number", func(t *testing.T) {})
\t})
}

func TestDefaultsApply(t *testing.T) {
\tif Defaults().Port != 8080 {
\t\tt.Fatal("port")
\t}
}

func helper(t *testing.T) {}
`;

const FEATURE = `Feature: Checkout
  Customers pay for their basket.

  Background:
    Given a basket with 2 items

  Scenario: Pay by card
    When I pay by card
    Then the order is placed

  Scenario Outline: Pay in <currency>
    When I pay in <currency>
    Then the total is shown in <currency>

    Examples:
      | currency |
      | EUR      |
`;

const repo = makeRepo([
  {
    author: ada,
    message: "knowledge tests",
    files: {
      "packages/knowledge/package.json": '{"name":"@acme/knowledge"}',
      "packages/knowledge/test/knowledge.test.ts": VITEST,
      "packages/knowledge/test/helpers.ts": "export const helper = () => 1;\n",
      "packages/cart/src/cart.spec.js": JEST,
      "packages/cart/node_modules/dep/index.test.js": JEST,
      "server/config.test.mjs": NODE_TEST,
    },
  },
  {
    author: grace,
    message: "python, go and gherkin tests",
    files: {
      "billing/tests/test_invoice.py": PYTEST,
      "config/parse_test.go": GO,
      "features/checkout.feature": FEATURE,
      "src/helpers.py": "def test_nothing():\n    pass\n",
    },
  },
]);
afterAll(() => repo.remove());

const line = (id: string, root: string): ProposedLine => ({
  id,
  title: id,
  root,
  paths: [`${root}/**`],
  ecosystem: "npm",
  packageName: id,
  evidence: { file: `${root}/package.json`, method: "npm-workspaces", confidence: 1 },
});
const lines = [line("knowledge", "packages/knowledge"), line("cart", "packages/cart")];

const summary = (requirements: readonly InferredRequirement[]) =>
  requirements.map((r) => [r.file, r.fileLine, r.framework, [...r.describePath, r.testName].join(" / ")]);

describe("inferRequirements", () => {
  it("finds one requirement per test in every framework, sorted by file and line", async () => {
    const requirements = await inferRequirements(await listRepoFiles(repo.root), lines);
    expect(summary(requirements)).toEqual([
      ["billing/tests/test_invoice.py", 3, "pytest", "sums the basket"],
      ["billing/tests/test_invoice.py", 7, "pytest", "Invoice / rounds to cents"],
      ["billing/tests/test_invoice.py", 15, "pytest", "Invoice / numbers are unique"],
      ["config/parse_test.go", 6, "go", "TestParse / rejects empty input"],
      ["config/parse_test.go", 12, "go", "TestParse / reads the port / as a number"],
      ["config/parse_test.go", 16, "go", "TestDefaultsApply"],
      ["features/checkout.feature", 7, "gherkin", "Checkout / Pay by card"],
      ["features/checkout.feature", 11, "gherkin", "Checkout / Pay in <currency>"],
      ["packages/cart/src/cart.spec.js", 2, "jest", "Cart / adds an item"],
      ["packages/cart/src/cart.spec.js", 7, "jest", "Cart / in EUR / totals the lines"],
      ["packages/cart/src/cart.spec.js", 7, "jest", "Cart / in USD / totals the lines"],
      [
        "packages/knowledge/test/knowledge.test.ts",
        6,
        "vitest",
        "KnowledgeBase / capture / keeps every revision",
      ],
      ["packages/knowledge/test/knowledge.test.ts", 9, "vitest", "KnowledgeBase / capture / adds 1 + 2"],
      [
        "packages/knowledge/test/knowledge.test.ts",
        11,
        "vitest",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the test's name as its source writes it
        "KnowledgeBase / capture / captures a ${kind} with a key",
      ],
      [
        "packages/knowledge/test/knowledge.test.ts",
        12,
        "vitest",
        "KnowledgeBase / capture / ignores an empty body",
      ],
      ["packages/knowledge/test/knowledge.test.ts", 14, "vitest", "KnowledgeBase / searches by tag"],
      ["server/config.test.mjs", 5, "node:test", "parses the config / rejects an empty file"],
      ["server/config.test.mjs", 6, "node:test", "parses the config / reads the port"],
      ["server/config.test.mjs", 8, "node:test", "starts the server"],
    ]);
  });

  it("states each requirement from its describe path and name, preferring a docstring", async () => {
    const requirements = await inferRequirements(await listRepoFiles(repo.root), lines);
    const titles = new Map(requirements.map((r) => [`${r.file}:${r.fileLine}`, r.title]));
    expect(titles.get("packages/knowledge/test/knowledge.test.ts:6")).toBe(
      "KnowledgeBase › capture: keeps every revision",
    );
    expect(titles.get("billing/tests/test_invoice.py:7")).toBe(
      "Invoice: Invoices round every amount to the cent.",
    );
    expect(titles.get("billing/tests/test_invoice.py:3")).toBe("sums the basket");
    expect(titles.get("config/parse_test.go:16")).toBe("Defaults apply");
    expect(titles.get("config/parse_test.go:6")).toBe("Parse: rejects empty input");
    expect(titles.get("features/checkout.feature:11")).toBe("Checkout: Pay in <currency>");
  });

  it("gives stable ids from the file, describe path and name, with the line and the evidence", async () => {
    const files = await listRepoFiles(repo.root);
    const first = await inferRequirements(files, lines);
    const second = await inferRequirements(await listRepoFiles(repo.root), lines);
    expect(second).toEqual(first);
    const revision = first.find((r) => r.testName === "keeps every revision") as InferredRequirement;
    const hash = testHash(revision.file, ["KnowledgeBase", "capture"], "keeps every revision");
    expect(hash).toMatch(/^[0-9a-f]{10}$/);
    expect(revision).toMatchObject({
      id: `REQ-${hash}`,
      testId: `TEST-${hash}`,
      line: "knowledge",
      evidence: {
        file: "packages/knowledge/test/knowledge.test.ts",
        commit: files.commit,
        method: "vitest",
        confidence: 0.6,
      },
    });
    expect(first.find((r) => r.file.endsWith("cart.spec.js"))?.line).toBe("cart");
    expect(first.find((r) => r.framework === "go")?.line).toBeUndefined();
    expect(new Set(first.map((r) => r.id)).size).toBe(first.length);
  });

  it("reads mocha suites and contexts, __tests__ folders, Gherkin rules, and ignores calls that only look like tests", async () => {
    const other = makeRepo([
      {
        author: ada,
        files: {
          "test/api.js": `const { expect } = require("chai");
suite("API", function () {
  context("when signed out", function () {
    specify("rejects the request", function () {
      expect(/x/.test("x")).to.equal(true);
      const pattern = /y/;
      pattern.test("y");
    });
  });
});
`,
          "src/__tests__/sum.tsx": `import { it } from "@jest/globals";\nit("renders <Sum/>", () => <Sum a={1} />);\n`,
          "features/refunds.feature": `Feature: Refunds\n\n  Rule: Only paid orders\n\n    Example: Refund a paid order\n      Given a paid order\n`,
        },
      },
    ]);
    try {
      const requirements = await inferRequirements(await listRepoFiles(other.root), []);
      expect(summary(requirements)).toEqual([
        ["features/refunds.feature", 5, "gherkin", "Refunds / Only paid orders / Refund a paid order"],
        ["src/__tests__/sum.tsx", 2, "jest", "renders <Sum/>"],
        ["test/api.js", 4, "mocha", "API / when signed out / rejects the request"],
      ]);
    } finally {
      other.remove();
    }
  });

  it("keeps ids when a test moves within its file, and changes them when it is renamed", async () => {
    const moving = makeRepo([{ author: ada, files: { "a.test.ts": VITEST } }]);
    try {
      const before = await inferRequirements(await listRepoFiles(moving.root), []);
      moving.commit({
        author: grace,
        files: {
          "a.test.ts": `// a comment\n\n${VITEST.replace("keeps every revision", "keeps each revision")}`,
        },
      });
      const after = await inferRequirements(await listRepoFiles(moving.root), []);
      const ids = (list: InferredRequirement[]) => new Set(list.map((r) => r.id));
      const kept = [...ids(before)].filter((id) => ids(after).has(id));
      expect(kept).toHaveLength(before.length - 1);
      const renamed = after.find((r) => r.testName === "keeps each revision");
      expect(renamed?.fileLine).toBe(8);
      expect(ids(before).has(renamed?.id ?? "")).toBe(false);
    } finally {
      moving.remove();
    }
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { InferredRequirement } from "../../src/codebase/proposal.js";
import { listRepoFiles } from "../../src/codebase/scan/files.js";
import { inferRequirements } from "../../src/codebase/scan/tests.js";
import { importJUnitReport } from "../../src/connectors/junit.js";
import type { Factory } from "../../src/index.js";
import { makeRepo } from "../codebase/makeRepo.js";
import { recordTests } from "./recordTests.js";
import { openTestFactory } from "./testFactory.js";

const ada = { name: "Ada Lovelace", email: "ada@example.com" };

const repo = makeRepo([
  {
    author: ada,
    files: {
      "packages/knowledge/test/knowledge.test.ts": `import { describe, expect, it } from "vitest";
describe("KnowledgeBase", () => {
  describe("capture", () => {
    it("keeps every revision", () => {});
    it.each([[1, 2, 3]])("adds %i + %i", (a, b, c) => expect(a + b).toBe(c));
  });
  it.skip("searches by tag", () => {});
});
`,
      "packages/cart/src/cart.spec.js": `describe("Cart", () => {
  test("adds an item", () => expect(1).toBe(1));
  describe.each([["EUR"]])("in %s", () => { test("totals the lines", () => {}); });
});
`,
      "billing/tests/test_invoice.py": `def test_sums_the_basket():
    pass

class TestInvoice:
    def test_rounds_to_cents(self):
        pass

    def test_numbers_are_unique(self, n):
        pass
`,
      "config/parse_test.go": `package config

import "testing"

func TestParse(t *testing.T) {
\tt.Run("rejects empty input", func(t *testing.T) {})
}

func TestDefaultsApply(t *testing.T) {}
`,
      "other/tests/test_invoice.py": "def test_sums_the_basket():\n    pass\n",
    },
  },
]);

const VITEST = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="vitest tests" tests="4" failures="1" errors="0" time="0.412">
    <testsuite name="packages/knowledge/test/knowledge.test.ts" timestamp="2026-11-25T10:00:00.000Z" hostname="ci-runner" tests="4" failures="1" errors="0" skipped="1" time="0.0123">
        <testcase classname="packages/knowledge/test/knowledge.test.ts" name="KnowledgeBase &gt; capture &gt; keeps every revision" time="0.004">
        </testcase>
        <testcase classname="packages/knowledge/test/knowledge.test.ts" name="KnowledgeBase &gt; capture &gt; adds 1 + 2" time="0.001">
            <failure message="expected 4 to be 3 // Object.is equality" type="AssertionError">
AssertionError: expected 4 to be 3 // Object.is equality
 ❯ packages/knowledge/test/knowledge.test.ts:5:60
            </failure>
        </testcase>
        <testcase classname="packages/knowledge/test/knowledge.test.ts" name="KnowledgeBase &gt; searches by tag" time="0">
            <skipped/>
        </testcase>
        <testcase classname="packages/knowledge/test/other.test.ts" name="KnowledgeBase &gt; capture &gt; keeps every revision" time="0.002">
        </testcase>
    </testsuite>
</testsuites>
`;

const JEST = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests" tests="2" failures="0" errors="0" time="1.204">
  <testsuite name="Cart" errors="0" failures="0" skipped="0" timestamp="2026-11-25T10:03:00" time="0.511" tests="2">
    <testcase classname="Cart adds an item" name="Cart adds an item" time="0.002">
    </testcase>
    <testcase classname="Cart in EUR totals the lines" name="Cart in EUR totals the lines" time="0.001">
    </testcase>
  </testsuite>
</testsuites>
`;

const PYTEST = `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="0" skipped="0" tests="3" time="0.031" timestamp="2026-11-25T10:01:02.123456" hostname="ci-runner"><testcase classname="billing.tests.test_invoice.TestInvoice" name="test_rounds_to_cents" time="0.001" /><testcase classname="billing.tests.test_invoice" name="test_sums_the_basket" time="0.001" /><testcase classname="billing.tests.test_invoice.TestInvoice" name="test_numbers_are_unique[1]" time="0.001" /></testsuite></testsuites>`;

const GO = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="3" failures="1">
	<testsuite name="github.com/acme/shop/config" tests="3" failures="1" errors="0" id="0" hostname="ci-runner" time="0.004" timestamp="2026-11-25T10:02:00Z">
		<properties>
			<property name="go.version" value="go1.22.1 linux/amd64"></property>
		</properties>
		<testcase name="TestParse" classname="github.com/acme/shop/config" time="0.000"></testcase>
		<testcase name="TestParse/rejects_empty_input" classname="github.com/acme/shop/config" time="0.000">
			<failure message="Failed"><![CDATA[    parse_test.go:6: want an error]]></failure>
		</testcase>
		<testcase name="TestDefaultsApply" classname="github.com/acme/shop/config" time="0.000"></testcase>
	</testsuite>
</testsuites>
`;

const SUREFIRE = `<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report.xsd" version="3.0" name="com.acme.cart.CartTest" time="0.052" tests="3" errors="1" skipped="1" failures="0">
  <properties>
    <property name="java.version" value="21.0.2"/>
  </properties>
  <testcase name="addsAnItem" classname="com.acme.cart.CartTest" time="0.011"/>
  <testcase name="rejectsNegativeQuantity" classname="com.acme.cart.CartTest" time="0.003">
    <error message="Index 3 out of bounds for length 3" type="java.lang.ArrayIndexOutOfBoundsException">java.lang.ArrayIndexOutOfBoundsException: Index 3 out of bounds for length 3
	at com.acme.cart.Cart.remove(Cart.java:42)</error>
  </testcase>
  <testcase name="appliesCoupon" classname="com.acme.cart.CartTest" time="0">
    <skipped message="coupons are off"/>
  </testcase>
</testsuite>
`;

let requirements: InferredRequirement[];
const folder = mkdtempSync(join(tmpdir(), "factory-junit-"));
const report = (name: string, text: string) => {
  const file = join(folder, name);
  writeFileSync(file, text);
  return file;
};
beforeAll(async () => {
  requirements = await inferRequirements(await listRepoFiles(repo.root), []);
});
afterAll(() => {
  repo.remove();
  rmSync(folder, { recursive: true, force: true });
});

let factory: Factory;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ factory, remove } = await openTestFactory());
  await recordTests(factory, requirements);
});
afterEach(() => remove());

const requirementOf = (name: string, file?: string) =>
  requirements.find((r) => r.testName === name && (file === undefined || r.file === file))?.id;
const verified = (factory: Factory, evidence: string) =>
  factory.work
    .linksOf(evidence)
    .filter((link) => link.from === evidence && link.type === "verifies")
    .map((link) => link.to)
    .sort();

describe("importJUnitReport", () => {
  it("records a vitest report as test evidence with counts and cases, linked to the requirements it ran", async () => {
    const summary = await importJUnitReport(factory, { file: report("vitest.xml", VITEST) });
    const recorded = (await factory.log.read({ types: ["artifact.recorded"] })).find(
      (event) => (event.data as { kind: string }).kind === "testEvidence",
    );
    const artifact = factory.work.artifact(recorded?.subject ?? "");
    expect(artifact).toMatchObject({
      kind: "testEvidence",
      stage: "testing",
      title:
        "Test run packages/knowledge/test/knowledge.test.ts@2026-11-25T10:00:00.000Z: 2 passed, 1 failed",
      fields: { passed: 2, failed: 1, skipped: 1, errors: 0, total: 4, report: "vitest.xml" },
    });
    const cases = (artifact?.fields.cases ?? []) as { status: string; message?: string }[];
    expect(cases[0]).toEqual({
      name: "KnowledgeBase > capture > adds 1 + 2",
      classname: "packages/knowledge/test/knowledge.test.ts",
      status: "failed",
      time: 0.001,
      message: "expected 4 to be 3 // Object.is equality",
    });
    expect(verified(factory, artifact?.id ?? "")).toEqual(
      [
        requirementOf("keeps every revision"),
        requirementOf("adds 1 + 2"), // the it.each row, named as vitest names it
        requirementOf("searches by tag"),
      ].sort(),
    );
    expect(summary).toEqual({ created: 4, updated: 0, unchanged: 0, skipped: 0, truncated: 0, problems: [] });
  });

  it("matches jest-junit, pytest and go-junit-report cases to their tests", async () => {
    const ids = async (name: string, text: string) => {
      await importJUnitReport(factory, { file: report(name, text), runId: name });
      const evidence = (await factory.log.read({ types: ["artifact.recorded"] }))
        .filter((event) => (event.data as { kind: string }).kind === "testEvidence")
        .map((event) => event.subject)
        .find((id) => factory.work.artifact(id)?.fields.runId === name);
      return verified(factory, evidence ?? "");
    };
    expect(await ids("jest.xml", JEST)).toEqual(
      [requirementOf("adds an item"), requirementOf("totals the lines")].sort(),
    );
    expect(await ids("pytest.xml", PYTEST)).toEqual(
      [
        requirementOf("rounds to cents"),
        requirementOf("sums the basket", "billing/tests/test_invoice.py"),
        requirementOf("numbers are unique"),
      ].sort(),
    );
    expect(await ids("go.xml", GO)).toEqual(
      [requirementOf("rejects empty input"), requirementOf("TestDefaultsApply")].sort(),
    );
  });

  it("counts a Maven Surefire report's errors and skips as evidence with no requirement to link", async () => {
    const summary = await importJUnitReport(factory, {
      file: report("TEST-com.acme.cart.CartTest.xml", SUREFIRE),
    });
    expect(summary).toMatchObject({ created: 1 });
    const event = (await factory.log.read({ types: ["artifact.recorded"] })).at(-1);
    expect(factory.work.artifact(event?.subject ?? "")?.fields).toMatchObject({
      passed: 1,
      failed: 1,
      errors: 1,
      skipped: 1,
      total: 3,
      time: 0.052,
    });
  });

  it("writes nothing when the same report is imported again", async () => {
    const file = report("again.xml", VITEST);
    await importJUnitReport(factory, { file });
    const head = await factory.log.head();
    expect(await importJUnitReport(factory, { file })).toEqual({
      created: 0,
      updated: 0,
      unchanged: 4,
      skipped: 0,
      truncated: 0,
      problems: [],
    });
    expect(await factory.log.head()).toBe(head);
  });

  it("rejects malformed XML and bytes that are not UTF-8 with the file, line and column, and a case without a name", async () => {
    const broken = report(
      "broken.xml",
      `<testsuites>\n  <testsuite name="x">\n    <testcase name="a">\n  </testsuite>\n</testsuites>\n`,
    );
    await expect(importJUnitReport(factory, { file: broken })).rejects.toMatchObject({
      _tag: "ValidationError",
      message: expect.stringContaining(`${broken}:4:`),
    });
    const unclosed = report(
      "unclosed.xml",
      `<testsuites>\n  <testsuite name="x">\n    <testcase name="a">\n`,
    );
    await expect(importJUnitReport(factory, { file: unclosed })).rejects.toMatchObject({
      message: expect.stringContaining(
        "malformed XML: <testsuites>, <testsuite>, <testcase> are never closed",
      ),
    });
    const nameless = report(
      "nameless.xml",
      `<testsuite name="x">\n  <testcase classname="a"/>\n</testsuite>\n`,
    );
    await expect(importJUnitReport(factory, { file: nameless })).rejects.toMatchObject({
      _tag: "ValidationError",
      message: expect.stringMatching(
        /nameless\.xml:2 testsuite\[0\]\.testcase\[0\]\.name: a test case needs a name/,
      ),
    });
    const latin1 = join(folder, "latin1.xml");
    writeFileSync(
      latin1,
      Buffer.from(`<testsuite name="x">\n  <testcase name="caf\u00e9"/>\n</testsuite>\n`, "latin1"),
    );
    await expect(importJUnitReport(factory, { file: latin1 })).rejects.toThrow(
      `JUnit report is invalid: ${latin1}:2:22 (root): is not UTF-8 text (save it as UTF-8)`,
    );
    await expect(importJUnitReport(factory, { file: join(folder, "missing.xml") })).rejects.toMatchObject({
      _tag: "NotFoundError",
    });
  });
});

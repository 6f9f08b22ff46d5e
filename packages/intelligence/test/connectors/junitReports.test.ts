/**
 * Reports as the tools write them (pytest 9 `--junitxml`, Maven Surefire 3,
 * vitest's junit reporter), imported as test evidence.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { type Factory, importJUnitReport } from "../../src/index.js";
import { openTestFactory } from "./testFactory.js";

/** Written by `pytest --junitxml` (pytest 9.0.3): a message's line breaks are `&#10;`. */
const PYTEST = `<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="0" failures="1" skipped="0" tests="2" time="0.108" timestamp="2026-11-27T02:38:47.896964+00:00" hostname="vm"><testcase classname="tests.test_cart" name="test_adds" time="0.001" /><testcase classname="tests.test_cart" name="test_fails" time="0.001"><failure message="AssertionError: assert {'a': '&lt;x&gt;'} == {'a': ']]&gt;'}&#10;  &#10;  Differing items:">def test_fails():
&gt;       assert {"a": "&lt;x&gt;"} == {"a": "]]&gt;"}

tests/test_cart.py:8: AssertionError</failure></testcase></testsuite></testsuites>
`;

/** Written by Maven Surefire 3: several suites' files would each be a `<testsuite>` root; messages use `&#10;` too. */
const SUREFIRE = `<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report-3.0.xsd" version="3.0" name="com.example.CartTest" time="0.052" tests="2" errors="0" skipped="0" failures="1">
  <properties>
    <property name="java.version" value="17.0.9"/>
  </properties>
  <testcase name="addsItem" classname="com.example.CartTest" time="0.011"/>
  <testcase name="totalRounds" classname="com.example.CartTest" time="0.012">
    <failure message="expected: &lt;3&gt; but was: &lt;2&gt;&#10;for &#x1F6D2;" type="org.opentest4j.AssertionFailedError"><![CDATA[org.opentest4j.AssertionFailedError: &#10; stays as written here
]]></failure>
  </testcase>
</testsuite>
`;

/** Written by vitest's junit reporter: the run's suites under `<testsuites>`, each timed. */
const VITEST = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="vitest tests" tests="2" failures="0" errors="0" time="0.9">
    <testsuite name="test/cart.test.ts" timestamp="2026-11-27T02:38:09.941Z" hostname="vm" tests="1" failures="0" errors="0" skipped="0" time="0.5">
        <testcase classname="test/cart.test.ts" name="cart &gt; adds an item" time="0.005">
        </testcase>
    </testsuite>
    <testsuite name="test/total.test.ts" timestamp="2026-11-27T02:38:09.950Z" hostname="vm" tests="1" failures="0" errors="0" skipped="0" time="0.25">
        <testcase classname="test/total.test.ts" name="total &gt; rounds" time="0.001">
        </testcase>
    </testsuite>
</testsuites>
`;

let factory: Factory;
let remove: () => Promise<void>;
let dir: string;

beforeEach(async () => {
  ({ factory, remove } = await openTestFactory());
  dir = mkdtempSync(join(tmpdir(), "factory-junit-reports-"));
});
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await remove();
});

/** Imports a report written to a file and returns the evidence it recorded. */
async function evidenceOf(name: string, xml: string) {
  const file = join(dir, name);
  writeFileSync(file, xml);
  await importJUnitReport(factory, { file, runId: name });
  const recorded: string[] = [];
  for await (const event of factory.log.readAll({ types: ["artifact.recorded"] }))
    recorded.push(event.subject);
  return factory.work.artifact(recorded.at(-1) as string)?.fields as {
    time: number;
    cases: { name: string; message?: string }[];
  };
}

it("reads the numeric character references pytest and Surefire write in failure messages", async () => {
  const pytest = await evidenceOf("pytest.xml", PYTEST);
  expect(pytest.cases[0]).toMatchObject({
    name: "test_fails",
    message: "AssertionError: assert {'a': '<x>'} == {'a': ']]>'}\n  \n  Differing items:",
  });
  const surefire = await evidenceOf("TEST-com.example.CartTest.xml", SUREFIRE);
  expect(surefire.cases[0]).toMatchObject({
    name: "totalRounds",
    message: "expected: <3> but was: <2>\nfor 🛒",
  });
});

it("times a run under <testsuites> by its suites, not by its cases alone", async () => {
  expect((await evidenceOf("vitest.xml", VITEST)).time).toBe(0.75);
  expect((await evidenceOf("pytest.xml", PYTEST)).time).toBe(0.108);
});

/**
 * A connector says where what it imports sits: a JUnit run given another
 * work item, a JSONL record or an issue now naming another line, moves there
 * on a re-import rather than failing it for naming another owner than the
 * artifact's.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importIssues } from "../../src/connectors/issues.js";
import { importJsonl, type JsonlMapping } from "../../src/connectors/jsonl.js";
import { importJUnitReport } from "../../src/connectors/junit.js";
import type { Factory } from "../../src/index.js";
import { jsonlFolder } from "./jsonlFixture.js";
import { openTestFactory } from "./testFactory.js";

const { write } = jsonlFolder();

let factory: Factory;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ factory, remove } = await openTestFactory());
});
afterEach(() => remove());

const REPORT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites id="ci-7" tests="1"><testsuite name="cart" tests="1"><testcase classname="cart" name="adds an item"/></testsuite></testsuites>
`;

describe("a re-import whose source places an artifact elsewhere", () => {
  it("moves a JUnit run given another work item to it", async () => {
    const file = write("junit.xml", REPORT);
    const first = await factory.work.createWorkItem({ line: "cart", title: "Basket" });
    const second = await factory.work.createWorkItem({ line: "billing", title: "Invoices" });
    await importJUnitReport(factory, { file, workItem: first.id });

    expect(await importJUnitReport(factory, { file, workItem: second.id })).toMatchObject({ updated: 1 });

    expect(factory.work.artifactsOf(first.id)).toEqual([]);
    expect(factory.work.artifactsOf(second.id)).toMatchObject([
      { kind: "testEvidence", workItem: second.id, line: "billing" },
    ]);
  });

  it("moves a JSONL record whose line changed to that line, an artifact or a signal's reference", async () => {
    const record = (team: string) =>
      write("feedback.jsonl", JSON.stringify({ id: 7, subject: "Slow", team }));
    const common = { id: "id", title: "subject", line: "team" };
    const mappings: JsonlMapping[] = [
      { ...common, target: "artifact", kind: "feedback", system: "feedback" },
      { ...common, target: "signal", system: "tickets" },
    ];
    for (const mapping of mappings) {
      await importJsonl(factory, { file: record("cart"), mapping });

      expect(await importJsonl(factory, { file: record("billing"), mapping })).toMatchObject({ updated: 1 });
    }

    expect(factory.work.artifacts().map((artifact) => [artifact.kind, artifact.line])).toEqual([
      ["feedback", "billing"],
      ["externalRef", "billing"],
    ]);
  });

  it("moves an issue's reference to the line its label names now", async () => {
    const issue = (line: string) =>
      write(
        "issues.json",
        JSON.stringify([
          {
            number: 9,
            title: "Basket empties itself",
            body: "",
            labels: [{ name: `line:${line}` }],
            state: "OPEN",
            url: "https://github.com/acme/shop/issues/9",
          },
        ]),
      );
    await importIssues(factory, { file: issue("cart"), format: "github", as: "signals" });

    const again = await importIssues(factory, { file: issue("billing"), format: "github", as: "signals" });

    expect(again).toMatchObject({ updated: 1, problems: [] });
    expect(factory.work.artifacts().map((artifact) => [artifact.kind, artifact.line])).toEqual([
      ["externalRef", "billing"],
    ]);
  });
});

import {
  MISSING_CONTEXT,
  MISSING_DECISION,
  parseDecisionRecord,
  parseFrontMatter,
} from "@software-factory/knowledge";
import { describe, expect, it } from "vitest";

const read = (text: string) => {
  const { data, body } = parseFrontMatter(text);
  return parseDecisionRecord(data, body);
};

describe("parseDecisionRecord", () => {
  it("reads a MADR with its options, pros and cons, and consequences", () => {
    const record = read(`---
status: accepted
date: 2026-05-01
---
# Use PostgreSQL for orders

## Context and Problem Statement

Orders need transactions.

## Considered Options

* PostgreSQL
* MongoDB

## Decision Outcome

Chosen option: "PostgreSQL", because it has transactions.

### Consequences

* Good, because reports are SQL.

## Pros and Cons of the Options

### PostgreSQL

* Good, because transactions
* Bad, because one more server

### MongoDB

* Bad, because no multi-document transactions by default
`);
    expect(record.format).toBe("madr");
    expect(record.decision).toMatchObject({
      status: "accepted",
      context: "Orders need transactions.",
      decision: 'Chosen option: "PostgreSQL", because it has transactions.',
      consequences: "* Good, because reports are SQL.",
    });
    expect(record.decision.options).toEqual([
      { title: "PostgreSQL", pros: ["transactions"], cons: ["one more server"] },
      { title: "MongoDB", pros: [], cons: ["no multi-document transactions by default"] },
    ]);
  });

  it("reads Nygard's format, and the same headings under front matter", () => {
    const nygard = read(
      "# 3. Queue emails\n\nDate: 2026-02-01\n\n## Status\n\nSuperseded by 7\n\n## Context\n\nSending blocks checkout.\n\n## Decision\n\nWe queue emails.\n\n## Consequences\n\nA worker runs.\n",
    );
    expect(nygard.format).toBe("nygard");
    expect(nygard.decision).toMatchObject({
      status: "superseded",
      context: "Sending blocks checkout.",
      decision: "We queue emails.",
      consequences: "A worker runs.",
      options: [],
    });
    const fronted = read(
      "---\nkind: decision\nstatus: accepted\n---\n## Context\n\nWhy.\n\n## Decision\n\nWhat.\n",
    );
    expect(fronted.decision).toMatchObject({ status: "accepted", context: "Why.", decision: "What." });
  });

  it("never invents a missing context or decision, and says which is missing", () => {
    const record = read("# 4. Something\n\nJust prose.\n");
    expect(record.decision.status).toBe("proposed");
    expect(record.decision.context).toBe(MISSING_CONTEXT);
    expect(record.decision.decision).toBe(MISSING_DECISION);
    expect([record.missingContext, record.missingDecision]).toEqual([true, true]);
  });
});

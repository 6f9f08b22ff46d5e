import { afterAll, describe, expect, it } from "vitest";
import type { ProposedDocument, ProposedLine } from "../../src/codebase/proposal.js";
import { findDocuments } from "../../src/codebase/scan/docs.js";
import { listRepoFiles } from "../../src/codebase/scan/files.js";
import { makeRepo } from "./makeRepo.js";

const ada = { name: "Ada Lovelace", email: "ada@example.com" };

const MADR = `---
status: accepted
date: 2026-03-02
deciders: ada, grace
---
# Use PostgreSQL for the shared event log

## Context and Problem Statement

Several processes write to one factory. SQLite serialises writers on one machine.

## Considered Options

* PostgreSQL
* SQLite on a network share
* EventStoreDB

## Decision Outcome

Chosen option: "PostgreSQL", because teams already run it.

### Consequences

* Good, because backups are already in place.
* Bad, because a server must run.

## Pros and Cons of the Options

### PostgreSQL

* Good, because teams know it
* Bad, because it needs a server

### SQLite on a network share

* Bad, because locks over NFS are unreliable
`;

const NYGARD = `# 2. Record architecture decisions

Date: 2026-01-12

## Status

Superseded by [5. Keep decisions in the factory](0005-keep-decisions-in-the-factory.md)

## Context

We need to record the architectural decisions made on this project.

## Decision

We will use Architecture Decision Records, as described by Michael Nygard.

## Consequences

See Michael Nygard's article, linked above.
`;

const NO_CONTEXT = `# 3. Use pnpm

## Status

Proposed

## Decision

We use pnpm workspaces.
`;

const repo = makeRepo([
  {
    author: ada,
    message: "docs",
    files: {
      "README.md": "# Acme\n\nThe Acme shop.\n",
      "CHANGELOG.md": "# Changelog\n\n## 1.2.0\n\n- Pay by link\n",
      "docs/adr/0001-use-postgresql.md": MADR,
      "docs/adr/0002-record-architecture-decisions.md": NYGARD,
      "doc/architecture/decisions/0003-use-pnpm.md": NO_CONTEXT,
      "docs/adr/template.md": "# Title\n\n## Status\n\n## Context\n",
      "docs/guides/getting-started.md": "---\ntitle: Getting started\n---\n# Start here\n\nRun it.\n",
      "docs/operations/runbooks/restore.md": "# Restore the database\n\n1. Stop the writers.\n",
      "ops/deploy-runbook.md": "Deploy with `make deploy`.\n",
      "packages/cart/README.md": "# @acme/cart\n\nThe basket.\n",
      "packages/cart/CHANGELOG.md": "## 0.1.0\n\n- First release\n",
      "packages/cart/notes.md": "# Not imported\n",
      "packages/cart/node_modules/x/docs/readme.md": "# Dependency\n",
      "docs/big.md": `# Big\n\n${"x".repeat(1024 * 1024)}\n`,
    },
  },
]);
afterAll(() => repo.remove());

const lines: ProposedLine[] = [
  {
    id: "cart",
    title: "@acme/cart",
    root: "packages/cart",
    paths: ["packages/cart/**"],
    ecosystem: "npm",
    packageName: "@acme/cart",
    evidence: { file: "packages/cart/package.json", method: "npm-workspaces", confidence: 1 },
  },
];

describe("findDocuments", () => {
  it("finds ADRs, docs, runbooks, READMEs and CHANGELOGs with their kind, title and method", async () => {
    const documents = await findDocuments(await listRepoFiles(repo.root), lines);
    expect(documents.map((d) => [d.file, d.kind, d.title, d.evidence.method, d.lines])).toEqual([
      ["CHANGELOG.md", "note", "Changelog", "changelog", []],
      ["README.md", "note", `${repo.root.split("/").pop()} README`, "readme", []],
      ["doc/architecture/decisions/0003-use-pnpm.md", "decision", "3. Use pnpm", "adr-nygard", []],
      [
        "docs/adr/0001-use-postgresql.md",
        "decision",
        "Use PostgreSQL for the shared event log",
        "adr-madr",
        [],
      ],
      [
        "docs/adr/0002-record-architecture-decisions.md",
        "decision",
        "2. Record architecture decisions",
        "adr-nygard",
        [],
      ],
      ["docs/guides/getting-started.md", "note", "Getting started", "docs", []],
      ["docs/operations/runbooks/restore.md", "runbook", "Restore the database", "runbook", []],
      ["ops/deploy-runbook.md", "runbook", "deploy-runbook", "runbook", []],
      ["packages/cart/CHANGELOG.md", "note", "@acme/cart changelog", "changelog", ["cart"]],
      ["packages/cart/README.md", "note", "@acme/cart README", "readme", ["cart"]],
    ]);
  });

  it("reads a MADR into decision fields with options, pros and cons", async () => {
    const documents = await findDocuments(await listRepoFiles(repo.root), lines);
    const madr = documents.find((d) => d.file === "docs/adr/0001-use-postgresql.md") as ProposedDocument;
    expect(madr.decision).toEqual({
      status: "accepted",
      context: "Several processes write to one factory. SQLite serialises writers on one machine.",
      options: [
        { title: "PostgreSQL", pros: ["teams know it"], cons: ["it needs a server"] },
        { title: "SQLite on a network share", pros: [], cons: ["locks over NFS are unreliable"] },
        { title: "EventStoreDB", pros: [], cons: [] },
      ],
      decision: 'Chosen option: "PostgreSQL", because teams already run it.',
      consequences: "* Good, because backups are already in place.\n* Bad, because a server must run.",
    });
    expect(madr.key).toBe("repo:docs/adr/0001-use-postgresql.md");
    expect(madr.body.startsWith("# Use PostgreSQL")).toBe(true);
    expect(madr.evidence).toEqual({
      file: "docs/adr/0001-use-postgresql.md",
      commit: repo.git("rev-parse", "HEAD"),
      method: "adr-madr",
      confidence: 1,
    });
  });

  it("reads a Nygard ADR, maps its status, and never invents a missing context", async () => {
    const documents = await findDocuments(await listRepoFiles(repo.root), lines);
    const nygard = documents.find((d) => d.file.endsWith("0002-record-architecture-decisions.md"));
    expect(nygard?.decision).toEqual({
      status: "superseded",
      context: "We need to record the architectural decisions made on this project.",
      options: [],
      decision: "We will use Architecture Decision Records, as described by Michael Nygard.",
      consequences: "See Michael Nygard's article, linked above.",
    });
    const pnpm = documents.find((d) => d.file.endsWith("0003-use-pnpm.md"));
    expect(pnpm?.decision?.status).toBe("proposed");
    expect(pnpm?.decision?.context).toMatch(/^The ADR states no context/);
    expect(pnpm?.decision?.decision).toBe("We use pnpm workspaces.");
  });

  it("reads a MADR 2 record with its status as a bullet and positive and negative consequences", async () => {
    const madr2 = makeRepo([
      {
        author: ada,
        files: {
          "docs/decisions/0004-use-vitest.md": `# Use vitest

* Status: rejected
* Deciders: Ada
* Date: 2026-02-01

## Context and Problem Statement

Tests are slow.

## Considered Options

* vitest
* jest

## Decision Outcome

Chosen option: "jest".

### Positive Consequences

* Nothing to migrate.

### Negative Consequences

* Slow runs stay.
`,
        },
      },
    ]);
    try {
      const [adr] = await findDocuments(await listRepoFiles(madr2.root), []);
      expect(adr?.evidence.method).toBe("adr-madr");
      expect(adr?.decision).toEqual({
        status: "rejected",
        context: "Tests are slow.",
        options: [
          { title: "vitest", pros: [], cons: [] },
          { title: "jest", pros: [], cons: [] },
        ],
        decision: 'Chosen option: "jest".',
        consequences:
          "Positive Consequences:\n\n* Nothing to migrate.\n\nNegative Consequences:\n\n* Slow runs stay.",
      });
    } finally {
      madr2.remove();
    }
  });

  it("gives the same documents on a second run", async () => {
    const files = await listRepoFiles(repo.root);
    expect(await findDocuments(files, lines)).toEqual(await findDocuments(files, lines));
  });
});

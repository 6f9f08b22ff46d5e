/**
 * A repository's ADRs, docs pages and runbooks may have a front matter title,
 * a heading or a file name holding a tab or a bidi override, which a knowledge
 * document's title refuses. importCodebase titles such a document one line
 * instead of failing the import, keeps its body as written, and a second
 * import of the unchanged repository revises nothing.
 */
import { findUnsafeLineCharacter, hashJson } from "@software-factory/core";
import { DEFAULT_IMPORT_ACTOR, importCodebase } from "@software-factory/intelligence";
import { expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const ada = { name: "Ada Lovelace", email: "ada@example.com" };

/** An ADR whose front matter title holds a bidi override and a line break. */
const ADR = `---
title: "Use \u202eLQSergtsoP\u202c\\nfor the log"
status: accepted
---
## Context

Several processes write to one factory.

## Decision

We use PostgreSQL.
`;
/** A docs page whose heading holds a tab. */
const GUIDE = "# Retries\tpolicy\n\nWe retry twice.\n";

const temp = useRepoWithFactory("factory-document-titles-", [
  {
    author: ada,
    files: {
      "package.json": '{"name":"shop"}\n',
      "docs/adr/0001-log.md": ADR,
      "docs/guide.md": GUIDE,
      "docs/\u202e\u2066.md": "No heading here.\n",
      "docs/runbooks/\u202epager.md": "Page the owner.\n",
    },
  },
]);

it("titles documents whose front matter, heading or file name holds control characters or bidi overrides as one line", async () => {
  const { repo, factory } = temp;
  const first = await importCodebase(factory, repo.root);

  expect(first.problems).toEqual([]);
  const documents = await factory.knowledge.fromSystem("codebase");
  const byFile = Object.fromEntries(
    documents.map((document) => [document.source.uri?.replace(/^[^:]*:/, ""), document]),
  );
  expect(byFile["docs/adr/0001-log.md"]).toMatchObject({
    kind: "decision",
    title: "Use LQSergtsoP for the log",
  });
  expect(byFile["docs/guide.md"]).toMatchObject({ title: "Retries policy", body: GUIDE });
  // Nothing is left of the file's name: its path titles it.
  expect(byFile["docs/\u202e\u2066.md"]?.title).toBe("docs/.md");
  expect(byFile["docs/runbooks/\u202epager.md"]).toMatchObject({ kind: "runbook", title: "pager" });
  for (const document of documents)
    expect(findUnsafeLineCharacter(document.title), document.source.uri).toBeUndefined();

  const head = await factory.log.head();
  const second = await importCodebase(factory, repo.root);
  expect(second.counts.documents).toMatchObject({ created: 0, updated: 0 });
  expect(await factory.log.head()).toBe(head);
});

it("revises a document titled before titles were one line once, then leaves it alone", async () => {
  const { repo } = temp;
  let { factory } = temp;
  await importCodebase(factory, repo.root);
  const guide = (await factory.knowledge.fromSystem("codebase")).find((document) =>
    document.source.uri?.endsWith("docs/guide.md"),
  );
  if (guide === undefined) throw new Error("docs/guide.md was not imported");
  // The title an import (its actor) stored before titles were one line: the heading as written.
  const title = "Retries\tpolicy";
  const { tags, lines, validFrom } = guide;
  const contentHash = hashJson({ title, body: GUIDE, decision: null });
  await factory.log.append([
    {
      type: "knowledge.document.revised",
      subject: guide.id,
      actor: DEFAULT_IMPORT_ACTOR,
      data: { title, body: GUIDE, contentHash, tags, lines, validFrom },
    },
  ]);
  factory = await temp.reopen();
  expect((await factory.knowledge.get(guide.id))?.title).toBe(title);

  expect((await importCodebase(factory, repo.root)).counts.documents).toMatchObject({ updated: 1 });
  expect((await factory.knowledge.get(guide.id))?.title).toBe("Retries policy");
  expect((await importCodebase(factory, repo.root)).counts.documents).toMatchObject({ updated: 0 });
  expect((await factory.knowledge.get(guide.id))?.revisions).toHaveLength(3);
});

/**
 * A decision record's title (front matter, `# ` heading or file name) may
 * hold a tab, a line break or a bidi override, which a knowledge document's
 * title refuses. `factory import docs` records the decision with the title
 * made one line instead of reporting the file as a problem, keeps the
 * sections as written, and an import of the unchanged folder records nothing.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, hashJson, openEventLog } from "@software-factory/core";
import { type KnowledgeBase, openKnowledgeBase } from "@software-factory/knowledge";
import { afterEach, beforeEach, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

const SLOW = { timeout: 240_000 };
const SECTIONS = "## Context\nTwo\tteams.\n\n## Decision\nWe retry twice.\n";
const DECISIONS = {
  // A front matter title holding a bidi override and (a YAML escape) a line break.
  "log.md": `---\nkind: decision\ntitle: "Use \u202eLQSergtsoP\u202c\\nfor the log"\n---\n${SECTIONS}`,
  // A heading holding a tab.
  "retries.md": `---\nkind: decision\n---\n# Retries\tpolicy\n\n${SECTIONS}`,
  // No title nor heading, and a file name of bidi controls and a word.
  "\u202e\u2066refunds.md": `---\nkind: decision\n---\n${SECTIONS}`,
};

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

/** Runs `use` on the knowledge base of the factory in `cwd` and its event log (the knowledge events registered). */
async function withKnowledge<T>(use: (kb: KnowledgeBase, log: EventLog) => Promise<T>): Promise<T> {
  const log = await openEventLog({ path: join(cwd, ".factory", "factory.db") });
  const kb = await openKnowledgeBase({ log });
  try {
    return await use(kb, log);
  } finally {
    await kb.close();
    await log.close();
  }
}

/** The `import docs docs --json` report. */
async function importDocs(): Promise<{ decisions: number; problems: unknown[] }> {
  const run = await factory("import", "docs", "docs", "--json");
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

beforeEach(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-decision-titles-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  execFileSync("git", ["init", "--quiet", cwd]);
  mkdirSync(join(cwd, "docs"));
  for (const [name, text] of Object.entries(DECISIONS)) writeFileSync(join(cwd, "docs", name), text);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

it(
  "records decisions whose title holds control characters or bidi overrides with the title made one line",
  SLOW,
  async () => {
    expect(await importDocs()).toMatchObject({ decisions: 3, problems: [] });

    const decisions = await withKnowledge((kb) => kb.fromSystem("decisions:docs"));
    const byFile = Object.fromEntries(decisions.map((document) => [document.source.uri, document]));
    expect(byFile["log.md"]?.title).toBe("Use LQSergtsoP for the log");
    expect(byFile["retries.md"]).toMatchObject({
      title: "Retries policy",
      decision: { context: "Two\tteams.", decision: "We retry twice." },
    });
    expect(byFile["\u202e\u2066refunds.md"]?.title).toBe("refunds");

    expect(await importDocs()).toMatchObject({ decisions: 0, problems: [] });
  },
);

it("revises a decision titled before titles were one line once, then leaves it alone", SLOW, async () => {
  await importDocs();
  // The title an import stored before titles were one line: the heading as written (with the import's reason).
  const title = "Retries\tpolicy";
  const stored = await withKnowledge((kb) => kb.bySource("decisions:docs", "retries.md"));
  if (stored === undefined) throw new Error("retries.md was not recorded");
  const { id, body, decision, tags, lines, validFrom } = stored;
  await withKnowledge((_kb, log) =>
    log.append([
      {
        type: "knowledge.document.revised",
        subject: id,
        data: {
          title,
          body,
          contentHash: hashJson({ title, body, decision: decision ?? null }),
          tags,
          lines,
          validFrom,
          ...(decision === undefined ? {} : { decision }),
          reason: "re-imported from retries.md",
        },
      },
    ]),
  );
  expect(await withKnowledge(async (kb) => (await kb.get(id))?.title)).toBe(title);

  expect(await importDocs()).toMatchObject({ decisions: 1, problems: [] });
  expect(await withKnowledge(async (kb) => (await kb.get(id))?.title)).toBe("Retries policy");
  expect(await importDocs()).toMatchObject({ decisions: 0, problems: [] });
  expect(await withKnowledge(async (kb) => (await kb.get(id))?.revisions)).toHaveLength(3);
});

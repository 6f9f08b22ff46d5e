import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { type KnowledgeBase, openKnowledgeBase } from "@software-factory/knowledge";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
const SLOW = { timeout: 240_000 };
const SYSTEM = "decisions:docs";

/** Nygard's record with eight lines of context: changing one keeps most of them. */
const adr = (decision: string) =>
  `---\nkind: decision\nstatus: accepted\nlines: [payments]\n---\n# Retry payments twice\n\n## Context\n${["Card payments fail now and then.", "The bank limits retries.", "Customers see a spinner.", "Support gets tickets.", "Most failures are transient.", "A second try mostly works.", "A third one rarely does.", "The queue can hold them."].join("\n")}\n\n## Decision\n${decision}\n`;

/** Another decision record, with nothing in common with {@link adr}. */
const QUEUE =
  "---\nkind: decision\n---\n# Queue\n\n## Context\nExports time out.\n\n## Decision\nQueue them.\n";

/** Runs git in `cwd` as a test user. */
function git(...args: string[]): void {
  execFileSync("git", ["-C", cwd, "-c", "user.name=Test", "-c", "user.email=test@example.com", ...args]);
}

/** Runs `use` over the knowledge base of the factory in `cwd` (the SDK on the same SQLite file). */
async function withKnowledge<T>(use: (kb: KnowledgeBase) => Promise<T>): Promise<T> {
  const log = await openEventLog({ path: join(cwd, ".factory", "factory.db") });
  const kb = await openKnowledgeBase({ log });
  try {
    return await use(kb);
  } finally {
    await kb.close();
    await log.close();
  }
}

/** Imports the docs folder with --json, checks it succeeded, and returns the report. */
async function importDocs(): Promise<Record<string, unknown>> {
  const run = await factory("import", "docs", "docs", "--json");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

beforeEach(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-renamed-decisions-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  mkdirSync(join(cwd, "docs"));
  execFileSync("git", ["init", "--quiet", cwd]);
  expect((await factory("plan", "apply", "factory.yaml")).code).toBe(0);
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory import docs and a renamed decision record", () => {
  it(
    "keeps the decision of a record renamed with git mv: same id, links, lines and options, recorded as a move",
    SLOW,
    async () => {
      writeFileSync(join(cwd, "docs", "adr-1.md"), adr("Retry twice."));
      git("add", "docs");
      git("commit", "--quiet", "-m", "adr");
      expect(await importDocs()).toMatchObject({ decisions: 1, renamed: [] });
      const before = await withKnowledge(async (kb) => {
        const decision = await kb.bySource(SYSTEM, "adr-1.md");
        const id = decision?.id ?? "";
        const note = await kb.capture({
          kind: "note",
          title: "Bank limits",
          body: "Two tries a day.",
          source: { system: "cli" },
          links: [{ type: "informs", target: id }],
        });
        await kb.link(id, { type: "relatesTo", target: note.id });
        // Options are not read from the file: these, recorded since, stay.
        const options = [{ title: "Retry three times", pros: [], cons: ["the bank refuses"] }];
        await kb.revise(id, {
          decision: { ...(decision?.decision ?? { status: "accepted", context: "", decision: "" }), options },
        });
        return kb.get(id);
      });

      git("mv", "docs/adr-1.md", "docs/0001-retry-payments.md");
      const report = await importDocs();

      expect(report).toMatchObject({ captured: 0, decisions: 0, retracted: 0, problems: [], warnings: [] });
      expect(report.renamed).toEqual([
        { id: before?.id, from: "adr-1.md", to: "0001-retry-payments.md", content: "same" },
      ]);
      await withKnowledge(async (kb) => {
        const live = (await kb.fromSystem(SYSTEM)).filter((document) => document.retracted === undefined);
        expect(live.map((document) => document.id)).toEqual([before?.id]);
        const after = await kb.bySource(SYSTEM, "0001-retry-payments.md");
        expect(after).toMatchObject({
          id: before?.id,
          links: before?.links,
          lines: ["payments"],
          revisions: before?.revisions,
          decision: before?.decision,
          moves: [
            {
              from: "adr-1.md",
              to: "0001-retry-payments.md",
              reason: "adr-1.md was renamed to 0001-retry-payments.md",
            },
          ],
        });
        expect(after?.links).toHaveLength(1);
        expect(after?.decision?.options).toHaveLength(1);
        expect(await kb.bySource(SYSTEM, "adr-1.md")).toBeUndefined();
      });
    },
  );

  it("names the renamed files, notes and decisions alike, in the summary without --json", SLOW, async () => {
    writeFileSync(join(cwd, "docs", "adr-1.md"), adr("Retry twice."));
    writeFileSync(join(cwd, "docs", "guide.md"), "# Refunds guide\n\nRefunds take five days.\n");
    git("add", "docs");
    git("commit", "--quiet", "-m", "docs");
    expect(await importDocs()).toMatchObject({ decisions: 1, captured: 1 });
    const [decision, note] = await withKnowledge(async (kb) => [
      await kb.bySource(SYSTEM, "adr-1.md"),
      await kb.bySource("markdown:docs", "guide.md"),
    ]);

    git("mv", "docs/adr-1.md", "docs/0001-retry-payments.md");
    git("mv", "docs/guide.md", "docs/refunds.md");
    const run = await factory("import", "docs", "docs");

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split("\n").sort()).toEqual(
      [
        "",
        `docs/adr-1.md renamed to docs/0001-retry-payments.md: ${decision?.id} moved with it`,
        `docs/guide.md renamed to docs/refunds.md: ${note?.id} moved with it`,
        "docs: 0 captured, 0 revised, 1 unchanged, 0 retracted, 0 decisions, 0 problems, 0 warnings, 2 renamed",
      ].sort(),
    );
  });

  it(
    "keeps the decision of a record renamed and lightly edited, revised to the new text; one mostly rewritten is a new decision",
    SLOW,
    async () => {
      writeFileSync(join(cwd, "docs", "adr-1.md"), adr("Retry twice."));
      writeFileSync(join(cwd, "docs", "adr-2.md"), QUEUE);
      expect(await importDocs()).toMatchObject({ decisions: 2 });
      const [first, second] = await withKnowledge(async (kb) => [
        await kb.bySource(SYSTEM, "adr-1.md"),
        await kb.bySource(SYSTEM, "adr-2.md"),
      ]);

      rmSync(join(cwd, "docs", "adr-1.md"));
      writeFileSync(join(cwd, "docs", "0001-retries.md"), adr("Retry twice, a minute apart."));
      rmSync(join(cwd, "docs", "adr-2.md"));
      writeFileSync(
        join(cwd, "docs", "0002-queue.md"),
        QUEUE.replace("Exports time out.", "Imports are slow.").replace("Queue them.", "Batch them."),
      );
      const report = await importDocs();

      expect(report).toMatchObject({ decisions: 2, retracted: 1, problems: [] });
      expect(report.renamed).toEqual([
        { id: first?.id, from: "adr-1.md", to: "0001-retries.md", content: "edited" },
      ]);
      await withKnowledge(async (kb) => {
        const moved = await kb.bySource(SYSTEM, "0001-retries.md");
        expect(moved).toMatchObject({
          id: first?.id,
          decision: { decision: "Retry twice, a minute apart." },
        });
        expect(moved?.revisions).toHaveLength(2);
        expect((await kb.get(second?.id ?? ""))?.retracted).toBeDefined();
        expect((await kb.bySource(SYSTEM, "0002-queue.md"))?.id).not.toBe(second?.id);
      });
    },
  );
});

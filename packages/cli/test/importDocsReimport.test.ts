/**
 * `factory import docs` run again over what people curated with `factory
 * knowledge` since: a revision made by hand stays while its file is
 * unchanged, a superseded decision stays superseded, and a retracted
 * document's file is skipped with a warning (the audit's findings 1, 2, 5).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
const SLOW = { timeout: 240_000 };

/** The id of the only document a search for `words` finds. */
async function idOf(words: string): Promise<string> {
  const found = JSON.parse((await factory("search", words, "--json")).stdout);
  return found.hits[0].document.id as string;
}

/** What these tests read of a document as `factory knowledge show --json` gives it. */
interface Shown {
  readonly body: string;
  readonly decision?: { readonly status: string; readonly consequences: string };
  readonly supersededBy: { readonly id: string };
  readonly retracted: { readonly at: string };
}

/** A document as `factory knowledge show --json` gives it. */
async function shown(id: string): Promise<Shown> {
  return JSON.parse((await factory("knowledge", "show", id, "--json")).stdout);
}

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-docs-reimport-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  mkdirSync(join(cwd, "notes"));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory import docs run again over curated documents", () => {
  it(
    "keeps a knowledge revise while the file is unchanged, and names it in a warning when the edited file replaces it",
    SLOW,
    async () => {
      const pricing = "---\ntitle: Pricing\nkind: strategy\n---\nStarter costs EUR 19.\n";
      writeFileSync(join(cwd, "notes", "pricing.md"), pricing);
      await factory("import", "docs", "notes");
      const id = await idOf("Starter");
      const revised = await factory(
        "--actor",
        "alice",
        ...[
          "knowledge",
          "revise",
          id,
          "--body",
          "Starter costs EUR 25 from July.",
          "--reason",
          "board decision",
        ],
      );
      expect(revised.code).toBe(0);

      const again = await factory("import", "docs", "notes");
      expect(again.stdout).toBe(
        "notes: 0 captured, 0 revised, 1 unchanged, 0 retracted, 0 decisions, 0 problems, 0 warnings\n",
      );
      expect((await shown(id)).body).toBe("Starter costs EUR 25 from July.");

      writeFileSync(join(cwd, "notes", "pricing.md"), pricing.replace("EUR 19", "EUR 29"));
      const edited = await factory("import", "docs", "notes");
      expect(edited.stdout).toBe(
        `notes/pricing.md warning replaces revision 2 of ${id} by alice ("board decision"): its source changed since its last import, and the source is what is kept\n` +
          "notes: 0 captured, 1 revised, 0 unchanged, 0 retracted, 0 decisions, 0 problems, 1 warning\n",
      );
      expect((await shown(id)).body).toBe("Starter costs EUR 29.\n");
    },
  );

  it(
    "keeps a decision superseded by a later one when its edited record is imported again, with a warning",
    SLOW,
    async () => {
      const adr =
        '---\ntitle: "ADR-3: Reminders at 7 and 21 days"\nkind: decision\nstatus: accepted\n---\n## Context\nCustomers want reminders.\n\n## Decision\nRemind at 7 and 21 days.\n\n## Consequences\nNot configurable.\n';
      writeFileSync(join(cwd, "notes", "adr-3.md"), adr);
      await factory("import", "docs", "notes");
      const old = (JSON.parse((await factory("knowledge", "list", "--json")).stdout) as { id: string }[])[0]
        ?.id as string;
      const decided = await factory(
        ...["knowledge", "decide", "--title", "ADR-5: Configurable reminder days", "--status", "accepted"],
        ...["--context", "Tenants asked.", "--decision", "Configurable.", "--consequences", "Per tenant."],
        ...["--supersedes", old],
      );
      expect(decided.code).toBe(0);
      const by = (await shown(old)).supersededBy.id;
      writeFileSync(
        join(cwd, "notes", "adr-3.md"),
        adr.replace("Not configurable.", "Not configurable, fixed."),
      );

      const again = await factory("import", "docs", "notes");

      expect(again.stdout).toMatch(
        new RegExp(
          `^notes/adr-3\\.md warning stays superseded by ${by} \\(since [^)]+\\): the source says status: accepted, which a re-import does not restore; write status: superseded in it\\n`,
        ),
      );
      expect(again.stdout).toContain("1 decision, 0 problems, 1 warning\n");
      const after = await shown(old);
      expect(after.decision).toMatchObject({
        status: "superseded",
        consequences: "Not configurable, fixed.",
      });
      expect(after.supersededBy.id).toBe(by);
      expect(after.body).toContain("superseded");
      expect(after.body).not.toContain("accepted");
    },
  );

  it(
    "skips the file of a retracted document with a warning naming the retraction, while the file is unchanged",
    SLOW,
    async () => {
      writeFileSync(join(cwd, "notes", "inc-19.md"), "# INC-19 postmortem\nDuplicate dunning emails sent.\n");
      await factory("import", "docs", "notes");
      const id = await idOf("dunning");
      await factory("--actor", "bob", "knowledge", "retract", id, "--reason", "wrong numbers, do not use");
      const at = (await shown(id)).retracted.at;

      const again = await factory("import", "docs", "notes");

      expect(again.stdout).toBe(
        `notes/inc-19.md warning skipped: its document ${id} ("INC-19 postmortem") was retracted at ${at} by bob ("wrong numbers, do not use"), and the source is unchanged since it was last imported: delete it, or edit it to capture it again as a new document\n` +
          "notes: 0 captured, 0 revised, 1 unchanged, 0 retracted, 0 decisions, 0 problems, 1 warning\n",
      );
      expect((await factory("search", "dunning")).stdout).toMatch(/^no documents match/);
      expect(readFileSync(join(cwd, "notes", "inc-19.md"), "utf8")).toContain("INC-19");
    },
  );
});

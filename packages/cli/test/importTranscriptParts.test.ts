import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** Each test runs the bin several times over megabytes of text, many seconds each on a loaded machine. */
const SLOW = { timeout: 480_000 };

/** The most characters a document's body holds. */
const BODY_MAX = 2_000_000;

/**
 * An all-day workshop's transcript, as plain `Name: words` lines: Ana and
 * Sam all day, Bo only in the last hour; its markdown is about 2.3 times a
 * document's limit, so it makes 3 parts.
 */
const turns = Array.from({ length: 21_000 }, (_, index) => {
  const speaker = index >= 20_000 && index % 2 === 0 ? "Bo Chen" : index % 2 === 0 ? "Ana Diaz" : "Sam Lee";
  return {
    speaker,
    words: `Turn ${index}: ${"we should retry the payment before the refund. ".repeat(4).trim()}`,
  };
});
const WORKSHOP = `${turns.map(({ speaker, words }) => `${speaker}: ${words}`).join("\n")}\n`;
/** The markdown the whole transcript makes, a paragraph per turn. */
const MARKDOWN = turns.map(({ speaker, words }) => `**${speaker}**: ${words}`).join("\n\n");

/** The importer's answer per document, as `--json` prints it. */
interface Imported {
  file: string;
  part?: number;
  parts?: number;
  id: string;
  uri: string;
  title: string;
  outcome: "captured" | "revised" | "unchanged";
  speakers: string[];
  turns: number;
}

const conversations = async () => {
  const listed = await factory("knowledge", "list", "--all", "--json");
  expect(listed.code, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout) as { id: string; title: string; tags: string[] }[];
};

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-transcript-parts-"));
  writeFileSync(join(cwd, "workshop-day.txt"), WORKSHOP);
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
}, 240_000);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory import transcripts of a recording over a document's limit", () => {
  it("refuses the whole import when another file is bad, writing none of its parts", SLOW, async () => {
    writeFileSync(join(cwd, "empty.vtt"), "WEBVTT\n\nNOTE nothing was said\n");
    const refused = await factory("import", "transcripts", "workshop-day.txt", "empty.vtt");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: E_VALIDATION: 1 of 2 transcripts refused, nothing imported\n/);
    expect(refused.stderr).toContain("  empty.vtt: holds no turns");
    expect(refused.stderr).not.toContain("workshop-day.txt");
    expect(await conversations()).toEqual([]);
  });

  it(
    "splits it between turns into documents within the limit, titled part k of n; a re-run writes nothing, a shorter text retracts the parts it no longer makes",
    SLOW,
    async () => {
      expect(MARKDOWN.length).toBeGreaterThan(2 * BODY_MAX);
      const first = await factory("import", "transcripts", "workshop-day.txt", "--tag", "workshop", "--json");
      expect(first.code, first.stderr).toBe(0);
      const parts = JSON.parse(first.stdout) as Imported[];
      expect(parts).toMatchObject([
        { file: "workshop-day.txt", part: 1, parts: 3, uri: "workshop-day.txt", outcome: "captured" },
        { file: "workshop-day.txt", part: 2, parts: 3, uri: "workshop-day.txt#part-2", outcome: "captured" },
        { file: "workshop-day.txt", part: 3, parts: 3, uri: "workshop-day.txt#part-3", outcome: "captured" },
      ]);
      expect(parts.map((part) => part.title)).toEqual([
        "Workshop day (part 1 of 3)",
        "Workshop day (part 2 of 3)",
        "Workshop day (part 3 of 3)",
      ]);
      expect(parts[0]?.speakers).toEqual(["Ana Diaz", "Sam Lee"]);
      expect([...(parts[2]?.speakers ?? [])].sort()).toEqual(["Ana Diaz", "Bo Chen", "Sam Lee"]);
      expect(parts.reduce((sum, part) => sum + part.turns, 0)).toBe(turns.length);

      const bodies: string[] = [];
      for (const part of parts) {
        const shown = await factory("knowledge", "show", part.id, "--json");
        const document = JSON.parse(shown.stdout) as {
          kind: string;
          body: string;
          tags: string[];
          source: { system: string; uri: string };
        };
        expect(document).toMatchObject({
          kind: "conversation",
          source: { system: "transcript", uri: part.uri },
        });
        expect(document.body.length).toBeLessThanOrEqual(BODY_MAX);
        // Split between turns: each part starts with a speaker and ends with a turn's last words.
        expect(document.body).toMatch(/^\*\*(Ana Diaz|Sam Lee|Bo Chen)\*\*: Turn \d+: [\s\S]*refund\.$/);
        expect(document.tags).toEqual(
          expect.arrayContaining([
            "workshop",
            ...part.speakers.map((name) => `speaker:${name.toLowerCase().replace(" ", "-")}`),
          ]),
        );
        bodies.push(document.body);
      }
      expect(bodies.join("\n\n")).toBe(MARKDOWN);
      expect(await conversations()).toHaveLength(3);

      const again = await factory("import", "transcripts", "workshop-day.txt", "--tag", "workshop");
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toBe(
        `captured 3 conversations (3 unchanged): ${parts
          .map(
            (part) =>
              `workshop-day.txt part ${part.part} of 3 (${part.speakers.length} speakers, ${part.turns} turns, unchanged)`,
          )
          .join(", ")}\n`,
      );
      expect(await conversations()).toHaveLength(3);

      // Cut shorter, to two documents' worth: the first part stays, the second is revised, the third retracted.
      const shorter = turns.slice(0, 12_000);
      writeFileSync(
        join(cwd, "workshop-day.txt"),
        `${shorter.map(({ speaker, words }) => `${speaker}: ${words}`).join("\n")}\n`,
      );
      const cut = await factory("import", "transcripts", "workshop-day.txt", "--tag", "workshop", "--json");
      expect(cut.code, cut.stderr).toBe(0);
      expect(JSON.parse(cut.stdout)).toMatchObject([
        { part: 1, parts: 2, id: parts[0]?.id, title: "Workshop day (part 1 of 2)", outcome: "revised" },
        { part: 2, parts: 2, id: parts[1]?.id, title: "Workshop day (part 2 of 2)", outcome: "revised" },
        { part: 3, id: parts[2]?.id, uri: "workshop-day.txt#part-3", outcome: "retracted" },
      ]);
      expect((await conversations()).map((document) => document.id).sort()).toEqual(
        [parts[0]?.id, parts[1]?.id].sort(),
      );
      const cutAgain = await factory(
        "import",
        "transcripts",
        "workshop-day.txt",
        "--tag",
        "workshop",
        "--json",
      );
      expect((JSON.parse(cutAgain.stdout) as Imported[]).map((entry) => entry.outcome)).toEqual([
        "unchanged",
        "unchanged",
      ]);
    },
  );

  it(
    "cuts a turn longer than a document between words, the same speaker going on in the next part",
    SLOW,
    async () => {
      const words = "word ".repeat(420_000).trim();
      writeFileSync(join(cwd, "monologue.txt"), `Ana: ${words}\n`);
      const first = await factory("import", "transcripts", "monologue.txt", "--json");
      expect(first.code, first.stderr).toBe(0);
      const parts = JSON.parse(first.stdout) as Imported[];
      expect(parts).toMatchObject([
        { part: 1, parts: 2, title: "Monologue (part 1 of 2)", speakers: ["Ana"], turns: 1 },
        { part: 2, parts: 2, title: "Monologue (part 2 of 2)", speakers: ["Ana"], turns: 1 },
      ]);
      const bodies = await Promise.all(
        parts.map(async (part) => {
          const shown = await factory("knowledge", "show", part.id, "--json");
          return (JSON.parse(shown.stdout) as { body: string }).body;
        }),
      );
      for (const body of bodies) {
        expect(body.length).toBeLessThanOrEqual(BODY_MAX);
        expect(body).toMatch(/^\*\*Ana\*\*: word( word)*$/);
      }
      expect(bodies.map((body) => body.replace("**Ana**: ", "")).join(" ")).toBe(words);
    },
  );
});

import { describe, expect, it } from "vitest";
import { chunkSizes, packBlocks } from "../src/chunking/chunkMarkdown.js";
import { markdownBlocks } from "../src/chunking/markdownBlocks.js";
import { simpleMarkdownBlocks } from "../src/chunking/simpleMarkdownBlocks.js";
import { chunkMarkdown } from "../src/index.js";
import { randomOf } from "./fixtures/seededRandom.js";

const WORDS = [
  "the",
  "checkout",
  "fails",
  "after",
  "payment",
  "retries",
  "café",
  "日本語",
  "🎉",
  "e-mail",
  "v1.2.3",
  "https://example.com/a?b=c",
  "www.example.com",
  "user@example.com",
  "`npm run build`",
  "*really*",
  "**must**",
  "_soon_",
  "~~old~~",
  "[the docs](https://example.com)",
  "[ref]",
  "![chart](chart.png)",
  "snake_case_name",
  "#42",
  "#hashtag",
  "##",
  "<b>",
  "&amp;",
  "\\#",
  "\\*",
  "a\u00a0b",
  "1.",
  "-",
  "*",
  "+",
  "|",
];
const OPTIONS = [
  {},
  { maxTokens: 16 },
  { maxTokens: 16, overlapTokens: 0 },
  { maxTokens: 24, overlapTokens: 8 },
  { maxTokens: 64, overlapTokens: 4 },
  { maxTokens: 512, overlapTokens: 64 },
] as const;

type Random = () => number;
const pickOf =
  (random: Random) =>
  <T>(items: readonly T[]): T =>
    items[Math.floor(random() * items.length)] as T;

/** A few words, sometimes with markup, as text of a line. */
function words(random: Random, most = 8): string {
  const pick = pickOf(random);
  const count = 1 + Math.floor(random() * most);
  const out = [pick(["The", "We", "Agent:", "café", "Zürich", "`code`", "*Note*", "#tag", "+1", "-5"])];
  for (let index = 1; index < count; index += 1) out.push(pick(WORDS));
  return out.join(random() < 0.1 ? "\t" : " ");
}

/** An ATX heading, sometimes indented, closed, empty, or with inline markup. */
function heading(random: Random): string {
  const pick = pickOf(random);
  const depth = 1 + Math.floor(random() * 6);
  const title = random() < 0.1 ? "" : words(random, 5);
  const closing = pick(["", "", "", " #", " ###", "#", " # x", " \\#"]);
  return `${pick(["", "", "", " ", "   "])}${"#".repeat(depth)}${pick([" ", " ", "  ", "\t"])}${title}${closing}${pick(["", "", " ", "\t", "\u00a0"])}`;
}

/** A paragraph of 1 to 4 lines, continuation lines sometimes indented or starting with `#` text. */
function paragraph(random: Random): string {
  const pick = pickOf(random);
  const lines = [`${pick(["", "", " ", "  "])}${words(random)}`];
  const more = Math.floor(random() * 4);
  for (let index = 0; index < more; index += 1) {
    lines.push(
      `${pick(["", "", " ", "    ", "\t"])}${pick(["", "", "", "#tag ", "####### ", "    # "])}${words(random)}`,
    );
  }
  return lines.join("\n");
}

/** A list: items with one marker kind (sometimes switching), continuation, lazy and nested lines, blank lines between. */
function list(random: Random): string {
  const pick = pickOf(random);
  const kind = pick(["-", "*", "+", ".", ")"]);
  const markerOf = (index: number, kindNow: string) =>
    kindNow === "." || kindNow === ")"
      ? `${pick([index + 1, index + 1, 1, 10, 123456789])}${kindNow}`
      : kindNow;
  const lines: string[] = [];
  const items = 1 + Math.floor(random() * 4);
  for (let index = 0; index < items; index += 1) {
    const kindNow = random() < 0.08 ? pick(["-", "*", "+", ".", ")"]) : kind;
    const marker = markerOf(index, kindNow);
    const gap = random() < 0.8 ? " " : pick(["  ", "    ", "     ", "\t"]);
    const indent = pick(["", "", "", " ", "  "]);
    lines.push(`${indent}${marker}${gap}${random() < 0.05 ? "" : words(random)}`);
    const width = indent.length + marker.length + gap.length;
    const extra = Math.floor(random() * 3);
    for (let at = 0; at < extra; at += 1) {
      const roll = random();
      if (roll < 0.3) lines.push(`${" ".repeat(width)}${words(random)}`);
      else if (roll < 0.45) lines.push(words(random));
      else if (roll < 0.6) lines.push(`${" ".repeat(width)}${pick(["-", "*", "1.", "2)"])} ${words(random)}`);
      else if (roll < 0.7) lines.push(`${" ".repeat(width + pick([0, 1, 2, 4, 6]))}${words(random)}`);
      else if (roll < 0.73)
        lines.push(
          `${" ".repeat(width)}${pick(["# ", "> ", "```", "- [ ] ", "[x]: /u", "---"])}${words(random)}`,
        );
      else lines.push("");
    }
    if (random() < 0.3) lines.push(pick(["", "", " ", "\n"]));
  }
  return lines.join("\n");
}

/** One of the constructs where a line split would differ from the parser. */
function otherBlock(random: Random): string {
  const pick = pickOf(random);
  const fence = pick(["```", "~~~", "````"]);
  return pick([
    `${fence}\n# not a heading\n- not a list\n${fence}`,
    `${fence}ts\n${words(random)}\n\n# inside\n`,
    `${words(random)}\n${pick(["===", "---", "  ==", "- - -"])}`,
    `<div>\n# html\n</div>`,
    `<!-- ${words(random)} -->`,
    `| a | b |\n| - | - |\n| # 1 | ${words(random)} |`,
    `a | b\n--|--\n1 | 2`,
    `> ${words(random)}\n# quoted?\n> ${words(random)}`,
    `    # indented\n    code`,
    `\t${words(random)}`,
    `[ref]: https://example.com\n# ${words(random)} [ref]`,
    `[^1]: ${words(random)}`,
    pick(["***", "---", "___", " * * *"]),
    `- [ ] ${words(random)}\n- [x] ${words(random)}`,
  ]);
}

/** A document mixing headings, paragraphs and lists, and (when `others`) every construct the scanner must decline. */
function document(random: Random, others: boolean): string {
  const parts: string[] = [];
  const count = 1 + Math.floor(random() * 8);
  for (let index = 0; index < count; index += 1) {
    const roll = random();
    if (others && roll < 0.15) parts.push(otherBlock(random));
    else if (roll < 0.4) parts.push(heading(random));
    else if (roll < 0.7) parts.push(paragraph(random));
    else parts.push(list(random));
  }
  const pick = pickOf(random);
  let body = "";
  for (const [index, part] of parts.entries()) {
    body += index === 0 ? part : pick(["\n", "\n\n", "\n\n", "\n \n", "\n\n\n"]) + part;
  }
  return random() < 0.2 ? body.replaceAll("\n", "\r\n") : body;
}

describe("chunking markdown of headings, paragraphs and lists without the parser", () => {
  it("gives the parser's blocks and chunks, or declines, for a thousand generated documents", () => {
    const random = randomOf(20261127);
    let taken = 0;
    let withHeadings = 0;
    let withLists = 0;
    for (let run = 0; run < 1200; run += 1) {
      const body = document(random, run % 2 === 1);
      const blocks = simpleMarkdownBlocks(body);
      if (blocks === undefined) continue;
      const options = OPTIONS[run % OPTIONS.length] ?? {};
      const context = `run ${run}: ${JSON.stringify(body)}`;
      const parsed = markdownBlocks(body);
      expect(blocks, context).toEqual(parsed);
      expect(chunkMarkdown(body, options), context).toEqual(packBlocks(parsed, chunkSizes(options)));
      taken += 1;
      if (blocks.some((block) => block.kind === "heading")) withHeadings += 1;
      if (blocks.some((block) => block.kind === "list")) withLists += 1;
    }
    // The scanner takes a good share of the documents, headings and lists among them.
    expect(taken).toBeGreaterThan(300);
    expect(withHeadings).toBeGreaterThan(200);
    expect(withLists).toBeGreaterThan(100);
  });

  it("takes documents of plain headings, paragraphs and lists", () => {
    const random = randomOf(11);
    for (let run = 0; run < 100; run += 1) {
      const parts: string[] = [];
      for (let index = 0; index < 1 + Math.floor(random() * 6); index += 1) {
        parts.push(`${"#".repeat(1 + Math.floor(random() * 3))} ${words(random, 4)}`);
        parts.push(`${words(random, 20)}\n${words(random, 20)}`);
        if (random() < 0.5) parts.push(`- ${words(random)}\n- ${words(random)}\n  ${words(random)}`);
        if (random() < 0.3) parts.push(`1. ${words(random)}\n2. ${words(random)}`);
      }
      const body = parts.join("\n\n");
      expect(simpleMarkdownBlocks(body), JSON.stringify(body)).toEqual(markdownBlocks(body));
    }
  });

  it("reads `#` in fenced code, without a space, or indented four columns as no heading", () => {
    // A heading starts a chunk: one chunk means no heading was read.
    const cases: [string, string[][]][] = [
      ["```\n# not a heading\n```\n\ntext", [[]]],
      ["#hashtag and more\n\ntext", [[]]],
      ["    # indented\n\ntext", [[]]],
      ["Some text\n    # continued\n\n# Real\n\nbody", [[], ["Real"]]],
    ];
    for (const [body, paths] of cases) {
      expect(
        chunkMarkdown(body).map((chunk) => chunk.headingPath),
        body,
      ).toEqual(paths);
      expect(chunkMarkdown(body), body).toEqual(packBlocks(markdownBlocks(body), chunkSizes({})));
    }
    // The scanner reads the last two; the parser the first two.
    expect(simpleMarkdownBlocks("#hashtag and more\n\ntext")).toBeDefined();
    expect(simpleMarkdownBlocks("Some text\n    # continued\n\n# Real\n\nbody")).toBeDefined();
  });

  it("reads setext headings and closed, empty and marked-up ATX headings as the parser does", () => {
    const setext = "Title\n=====\n\nbody\n\nSub\n---\n\nmore";
    expect(chunkMarkdown(setext, { maxTokens: 16 }).map((chunk) => chunk.headingPath)).toEqual([
      ["Title"],
      ["Title", "Sub"],
    ]);
    const atx = "# Design ##\n\n## `store` *and* [search](x) # ##\n\n### #\n\n#### Deep\u00a0\n\ntext";
    expect(simpleMarkdownBlocks(atx)?.map((block) => block.headingPath)).toEqual([
      ["Design"],
      ["Design", "store and search #"],
      ["Design", "store and search #"],
      ["Design", "store and search #", "Deep\u00a0"],
      ["Design", "store and search #", "Deep\u00a0"],
    ]);
    for (const body of [setext, atx]) {
      expect(chunkMarkdown(body), body).toEqual(packBlocks(markdownBlocks(body), chunkSizes({})));
    }
  });

  it("declines the constructs a line split would read wrong", () => {
    const declined = [
      "# A\n\n```\n# not a heading\n```",
      "# A\n\nTitle\n=====",
      "# A\n\nTitle\n---",
      "# A\n\n    # indented",
      "# A\n\n> quoted",
      "# A\n\n<div>\n# html\n</div>",
      "# A\n\n| a | b |\n| - | - |",
      "# A\n\n[ref]: https://example.com",
      "# A\n\n- item\n\n      code in the item",
      "# A\n\n- item\n  # heading in the item",
      "# A\n\n-\tTab after the marker",
    ];
    for (const body of declined) expect(simpleMarkdownBlocks(body), JSON.stringify(body)).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { chunkSizes, packBlocks } from "../src/chunking/chunkMarkdown.js";
import { markdownBlocks } from "../src/chunking/markdownBlocks.js";
import { simpleMarkdownBlocks } from "../src/chunking/simpleMarkdownBlocks.js";
import { chunkMarkdown } from "../src/index.js";
import { randomOf } from "./fixtures/seededRandom.js";

const WORDS = [
  "the",
  "customer",
  "reported",
  "that",
  "checkout",
  "fails",
  "after",
  "payment",
  "retries",
  "we",
  "agreed",
  "to",
  "ship",
  "on",
  "Friday",
  "café",
  "naïve",
  "Zürich",
  "日本語",
  "テキスト",
  "ошибка",
  "λόγος",
  "🎉",
  "👩‍💻",
  "e-mail",
  "O'Brien",
  "2024",
  "3.5",
  "v1.2.3",
  "https://example.com/a?b=c",
  "user@example.com",
  "`npm run build`",
  "`x | y`",
  "*really*",
  "**must**",
  "_soon_",
  "~~old~~",
  "[the docs](https://example.com)",
  "![chart](chart.png)",
  "snake_case_name",
  "camelCaseName",
  "src/path/file.ts",
  "a\u00a0b",
  "50%",
  "#42",
  "<b>",
  "&amp;",
  "1.",
  "-",
  "*",
  "+",
  ">",
  "\\*escaped\\*",
  "—",
  "…",
];
const LINE_STARTS = [
  "The",
  "We",
  "Customer",
  "café",
  "日本語",
  "*Note*",
  "_Aside_",
  "**Bold**",
  "`code`",
  "Agent:",
  "(see",
  '"Quoted"',
  "'Single'",
  "Ärger",
  "+1",
  "-5",
  "¿Qué",
  "🎉",
];
const PUNCTUATION = ["", "", "", ",", ".", "!", "?", ";", ":", "…"];
const INDENTS = ["", "", "", " ", "  ", "   ", "\u00a0", "\u3000"];
const CONTINUATION_INDENTS = [...INDENTS, "\t", "    ", " \t", "        "];
const TRAILING = ["", "", "", " ", "  ", "\t", " \t ", "\u00a0", "\\"];
const BLANKS = ["", "", " ", "\t", "   ", " \t  "];

/** A body of plain prose: paragraphs of lines of words, with the whitespace captured texts carry. */
function proseBody(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const newline = random() < 0.3 ? "\r\n" : "\n";
  const lineEnding = () => (random() < 0.1 ? (newline === "\n" ? "\r\n" : "\n") : newline);
  const line = (first: boolean) => {
    const long = random() < 0.04;
    const count = long ? 40 + Math.floor(random() * 160) : 1 + Math.floor(random() * 14);
    const words = [pick(LINE_STARTS)];
    for (let index = 1; index < count; index += 1) words.push(pick(WORDS) + pick(PUNCTUATION));
    const separator = random() < 0.1 ? "\t" : " ";
    return `${pick(first ? INDENTS : CONTINUATION_INDENTS)}${words.join(separator)}${pick(TRAILING)}`;
  };
  const paragraphs: string[] = [];
  const paragraphCount = 1 + Math.floor(random() * (random() < 0.1 ? 10 : 3));
  for (let index = 0; index < paragraphCount; index += 1) {
    const lineCount = 1 + Math.floor(random() * (random() < 0.1 ? 10 : 3));
    const lines = Array.from({ length: lineCount }, (_, at) => line(at === 0));
    paragraphs.push(lines.map((text, at) => (at === 0 ? text : lineEnding() + text)).join(""));
  }
  const gap = () => {
    let text = lineEnding();
    const blankLines = 1 + Math.floor(random() * 3);
    for (let index = 0; index < blankLines; index += 1) text += pick(BLANKS) + lineEnding();
    return text;
  };
  const edge = () => (random() < 0.2 ? gap() : "");
  return edge() + paragraphs.map((text, at) => (at === 0 ? text : gap() + text)).join("") + edge();
}

/** A body built to trip the fast path: lines that start with markdown markers, odd whitespace and controls. */
function trickyBody(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const prefixes = [
    "",
    "",
    "",
    "",
    " ",
    "   ",
    "    ",
    "\t",
    "#",
    "# ",
    "###### ",
    "####### ",
    ">",
    "> ",
    "-",
    "- ",
    "--",
    "---",
    "***",
    "* * *",
    "___",
    "_",
    "*",
    "* ",
    "+",
    "+ ",
    "=",
    "===",
    "1.",
    "1. ",
    "2) ",
    "10.",
    "1234567890. ",
    "```",
    "``",
    "`",
    "~~~",
    "~",
    "<div>",
    "<!-- ",
    "<http://a.b>",
    "[a]: /url",
    "[^1]: note",
    "[x]",
    "|",
    "a | b",
    "| --- |",
    ":--",
    ":",
    ": ",
    ":-",
    "\u00a0",
    "\u3000",
    "\ufeff",
    "\0",
    "\f",
    "\v",
    "\r",
    "\\#",
    "!",
    "&#35; ",
    "\u2028",
  ];
  const lines: string[] = [];
  const count = 1 + Math.floor(random() * 8);
  for (let index = 0; index < count; index += 1) {
    const words = Array.from({ length: Math.floor(random() * 6) }, () => pick(WORDS)).join(" ");
    lines.push(random() < 0.3 ? pick(BLANKS) : `${pick(prefixes)}${words}${pick(TRAILING)}`);
  }
  return lines.join(pick(["\n", "\n", "\r\n", "\n\n"]));
}

const OPTIONS = [
  {},
  { maxTokens: 16 },
  { maxTokens: 16, overlapTokens: 0 },
  { maxTokens: 24, overlapTokens: 8 },
  { maxTokens: 48, overlapTokens: 32 },
  { maxTokens: 64, overlapTokens: 4 },
  { maxTokens: 128 },
  { maxTokens: 512, overlapTokens: 64 },
] as const;

describe("chunking plain prose without the markdown parser", () => {
  it("gives the parser's blocks and chunks for hundreds of generated prose bodies", () => {
    const random = randomOf(20261126);
    let splitBodies = 0;
    for (let run = 0; run < 700; run += 1) {
      const body = proseBody(random);
      const options = OPTIONS[run % OPTIONS.length] ?? {};
      const context = `run ${run}: ${JSON.stringify(body.slice(0, 200))}`;
      const parsed = markdownBlocks(body);
      expect(simpleMarkdownBlocks(body), context).toEqual(parsed);
      const chunks = chunkMarkdown(body, options);
      expect(chunks, context).toEqual(packBlocks(parsed, chunkSizes(options)));
      if (chunks.length > parsed.length) splitBodies += 1;
    }
    // The bodies exercise cutting with overlap, not only packing.
    expect(splitBodies).toBeGreaterThan(175);
  });

  it("either declines a body or agrees with the parser, for bodies full of markdown markers", () => {
    const random = randomOf(7);
    let taken = 0;
    let declined = 0;
    for (let run = 0; run < 6000; run += 1) {
      const body = trickyBody(random);
      const blocks = simpleMarkdownBlocks(body);
      if (blocks === undefined) {
        declined += 1;
        continue;
      }
      taken += 1;
      expect(blocks, `run ${run}: ${JSON.stringify(body)}`).toEqual(markdownBlocks(body));
    }
    expect(taken).toBeGreaterThan(500);
    expect(declined).toBeGreaterThan(500);
  });

  it("either declines or agrees with the parser on short random strings of markdown characters", () => {
    const alphabet = [..."abZ19  \t\n\n#>-*_+=`~<[]()|:.!\\&^\"'/", "\r\n", "\u00a0", "\u3000", "é", "🎉"];
    const random = randomOf(99);
    let taken = 0;
    for (let run = 0; run < 8000; run += 1) {
      const length = 1 + Math.floor(random() * 30);
      let body = "";
      for (let index = 0; index < length; index += 1) {
        body += alphabet[Math.floor(random() * alphabet.length)];
      }
      const blocks = simpleMarkdownBlocks(body);
      if (blocks === undefined) continue;
      taken += 1;
      expect(blocks, JSON.stringify(body)).toEqual(markdownBlocks(body));
    }
    expect(taken).toBeGreaterThan(2000);
  });

  it("declines every body where a line starts markdown structure other than a heading or list", () => {
    // ATX headings and lists of text are read by the scanner too (chunkSimpleMarkdown.test.ts).
    const structures = [
      "Title\n=====",
      "Title\n---",
      "> quoted",
      "```ts\nconst a = 1;\n```",
      "~~~\ncode\n~~~",
      "    indented code",
      "\tindented code",
      "| a | b |\n| - | - |\n| 1 | 2 |",
      "a | b\n--|--",
      "a | b\n:-- | --:",
      "<div>\nhtml\n</div>",
      "<!-- comment -->",
      "***",
      "___",
      "- - -",
      "[docs]: https://example.com",
      "[^1]: A footnote.",
      "\ufeffByte order mark",
      "Old Mac\rline ending",
    ];
    for (const structure of structures) {
      for (const body of [structure, `Some prose first.\n\n${structure}\n\nSome prose after.`]) {
        expect(simpleMarkdownBlocks(body), JSON.stringify(body)).toBeUndefined();
      }
    }
  });

  it("takes the fast path for prose with inline markup, CRLF, tabs and unicode", () => {
    const body =
      "Agent: the *checkout* fails with `E42`; see [the runbook](https://example.com).\r\n" +
      "\tCustomer\u00a0replied — café at 3.5 km 🎉  \r\n \t \r\n" +
      "  _Follow-up_: ship on Friday.";
    const blocks = simpleMarkdownBlocks(body);
    expect(blocks).toEqual(markdownBlocks(body));
    expect(blocks?.map((block) => block.startLine)).toEqual([1, 4]);
    expect(chunkMarkdown(body).map((chunk) => chunk.text)).toEqual([
      "Agent: the *checkout* fails with `E42`; see [the runbook](https://example.com).\r\n" +
        "\tCustomer\u00a0replied — café at 3.5 km 🎉\n\n_Follow-up_: ship on Friday.",
    ]);
  });
});

import { chunkMarkdown, countTokens } from "@software-factory/knowledge";
import { describe, expect, it } from "vitest";
import { randomOf } from "./fixtures/seededRandom.js";

const WORDS = [
  "the",
  "checkout",
  "retries",
  "payment",
  "Zürich",
  "日本語テキスト",
  "ошибка",
  "🎉",
  "👩‍💻",
  "v1.2.3",
  "https://example.com/a?b=c",
  "snake_case_name",
  "`npm run build`",
  "—",
  "…",
  "50%",
  "e-mail,",
  "done.",
];
const SEPARATORS = [" ", " ", " ", " ", "  ", "\t", "\u00a0", "\u3000"];

/**
 * One line of prose of more than `minTokens` tokens (up to about three times
 * more), sometimes with a word too long for any chunk (a path of hundreds of
 * symbols).
 */
function longLine(random: () => number, minTokens: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const count = Math.floor(minTokens * 2 * random());
  let line = "Customer";
  for (let index = 1; index < count || countTokens(line) <= minTokens; index += 1) {
    const word = random() < 0.005 ? "a/".repeat(40 + Math.floor(random() * 200)) : pick(WORDS);
    line += pick(SEPARATORS) + word;
  }
  return line;
}

/** The cut a line must get: words added one at a time, a piece closed when the next word would not fit. */
function wordByWord(line: string, maxTokens: number): string[] {
  const pieces: string[] = [];
  let current = "";
  for (const word of line.split(/(?<=\s)/)) {
    if (current !== "" && countTokens(current + word) > maxTokens) {
      pieces.push(current);
      current = "";
    }
    current += word;
  }
  if (current !== "") pieces.push(current);
  return pieces;
}

const OPTIONS = [
  { maxTokens: 16 },
  { maxTokens: 16, overlapTokens: 0 },
  { maxTokens: 37, overlapTokens: 8 },
  { maxTokens: 64 },
  { maxTokens: 256 },
  { maxTokens: 512, overlapTokens: 64 },
] as const;

describe("chunking a line longer than a chunk", () => {
  it("cuts it between words where adding words one at a time would, with or without a heading", () => {
    const random = randomOf(20261126);
    let oversizedWords = 0;
    // Ten lines for each size: the check below counts a piece again for each word it adds, most of the test's time.
    for (let run = 0; run < 60; run += 1) {
      const options = OPTIONS[run % OPTIONS.length] ?? { maxTokens: 16 };
      const line = longLine(random, options.maxTokens);
      const heading = run % 2 === 1;
      const chunks = chunkMarkdown(heading ? `# Notes\n\n${line}` : line, options);
      const cut = chunks.slice(heading ? 1 : 0);
      const context = `run ${run}: ${JSON.stringify(line.slice(0, 120))}`;
      expect(
        cut.map((chunk) => chunk.text),
        context,
      ).toEqual(wordByWord(line, options.maxTokens));
      for (const chunk of cut) {
        expect(chunk.tokens, context).toBe(countTokens(chunk.text));
        if (/\s\S/.test(chunk.text.trimEnd()))
          expect(chunk.tokens, context).toBeLessThanOrEqual(options.maxTokens);
        else if (chunk.tokens > options.maxTokens) oversizedWords += 1;
      }
    }
    // Some lines hold a word over the budget, which becomes a chunk of its own.
    expect(oversizedWords).toBeGreaterThan(5);
  });

  it("keeps a fenced code block whose lines are longer than a chunk within the size, fences reopened", () => {
    const line = Array.from({ length: 400 }, (_, index) => `call(${index})`).join(" ");
    const other = "const done = true;";
    const chunks = chunkMarkdown(`\`\`\`ts\n${other}\n${line}\n\`\`\``, { maxTokens: 64, overlapTokens: 8 });
    const budget = 64 - countTokens("```ts\n```");
    expect(chunks.map((chunk) => chunk.text)).toEqual(
      [other, ...wordByWord(line, budget)].map((text) => `\`\`\`ts\n${text}\n\`\`\``),
    );
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(64);
  });
});

/** A line of code of `count` identifiers and symbols between spaces (empty for none), sometimes indented. */
function codeLine(random: () => number, count: number): string {
  const parts = [
    "x",
    "retryCount",
    "a_very_long_identifier_name",
    "checkout_payment_retry_count",
    "(",
    ")",
    "=>",
    ";",
  ];
  const words = Array.from({ length: count }, () => `${parts[Math.floor(random() * parts.length)]} `);
  return `${count > 0 && random() < 0.3 ? "  " : ""}${words.join("")}`;
}

describe("chunking a fenced code block longer than a chunk", () => {
  it("keeps every chunk within maxTokens, counting the newlines that join its lines", () => {
    const random = randomOf(20261127);
    const fences = ["```", "```ts", "~~~~", "```a_long_language_name_x", "```a_long_language_name_xyz"];
    for (let run = 0; run < 120; run += 1) {
      const options = OPTIONS[run % OPTIONS.length] ?? { maxTokens: 16 };
      // A long line of maxTokens words and symbols takes about 2.5 times maxTokens: cut, and a few KB for the parser.
      const lines = Array.from({ length: 20 + Math.floor(random() * 120) }, () =>
        codeLine(random, random() < 0.1 ? options.maxTokens : Math.max(0, Math.floor(random() * 8) - 2)),
      );
      const fence = fences[run % fences.length] ?? "```";
      const close = fence.replace(/[^`~]/g, "");
      const markdown = `${run % 2 === 1 ? "# Code\n\n" : ""}${fence}\n${lines.join("\n")}\n${close}`;
      for (const chunk of chunkMarkdown(markdown, options)) {
        const context = `run ${run}, chunk ${chunk.index}: ${JSON.stringify(chunk.text.slice(0, 120))}`;
        expect(chunk.tokens, context).toBe(countTokens(chunk.text));
        expect(chunk.tokens, context).toBeLessThanOrEqual(options.maxTokens);
      }
    }
  });
});

describe("chunking a fenced code block with a long info string", () => {
  it("counts the newlines around a line with the fences, so a line that fills the rest is cut", () => {
    // The fence lines take 8 tokens, the line 8: together, with the newlines between them, 17.
    const fence = "```a_long_language_name_wxyz";
    const words = [`${"a".repeat(15)} `, "b".repeat(16)];
    const line = words.join("");
    const chunks = chunkMarkdown(`${fence}\n${line}\n${line}\n\`\`\``, { maxTokens: 16, overlapTokens: 0 });
    expect(chunks.map((chunk) => chunk.text)).toEqual(
      [...words, ...words].map((piece) => `${fence}\n${piece}\n\`\`\``),
    );
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(16);
  });
});

describe("packing blocks into a chunk", () => {
  it("keeps every chunk within maxTokens, counting the blank lines that join its blocks", () => {
    const random = randomOf(20261128);
    for (let run = 0; run < 60; run += 1) {
      const options = OPTIONS[run % OPTIONS.length] ?? { maxTokens: 16 };
      const blocks = Array.from({ length: 5 + Math.floor(random() * 60) }, (_, index) => {
        const line = codeLine(random, 1 + Math.floor(random() * (options.maxTokens / 4)));
        return index % 11 === 10 ? `## Part ${index}` : index % 5 === 4 ? `- ${line}` : line;
      });
      for (const chunk of chunkMarkdown(blocks.join("\n\n"), options)) {
        const context = `run ${run}, chunk ${chunk.index}: ${JSON.stringify(chunk.text.slice(0, 120))}`;
        expect(chunk.tokens, context).toBe(countTokens(chunk.text));
        expect(chunk.tokens, context).toBeLessThanOrEqual(options.maxTokens);
      }
    }
  });
});

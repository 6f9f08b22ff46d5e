import { chunkMarkdown, countTokens } from "@software-factory/knowledge";
import { describe, expect, it } from "vitest";

/** Seeded generator (mulberry32), so a failure names a line that can be replayed. */
function randomOf(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 2 ** 32;
  };
}

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
    for (let run = 0; run < 180; run += 1) {
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

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { chunkMarkdownSteps } from "../src/chunking/chunkMarkdown.js";
import { markdownBlockSteps, markdownBlocks } from "../src/chunking/markdownBlocks.js";
import { runSteps } from "../src/chunking/steps.js";
import {
  chunkMarkdown,
  createHashingEmbedder,
  type Embedder,
  knowledgeEvents,
  openKnowledgeBase,
} from "../src/index.js";
import { loadMarkdownParser } from "../src/internal/markdownParser.js";
import { capturedByAnother, warmUp } from "./fixtures/otherWriter.js";
import { randomOf } from "./fixtures/seededRandom.js";

const paragraph =
  "Payment retries back off exponentially before the order is marked as failed, and the ledger is reconciled nightly. ";

/** About `size` characters of headings, paragraphs and lists: the line scanner's kind of markdown. */
function sectioned(size: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let index = 0; length < size; index += 1) {
    const part =
      index % 10 === 0
        ? `# Part ${index}\n\n`
        : `## Step ${index}\n\n${paragraph.repeat(4)}\n\n- item one ${index}\n- item two\n  continued\n\n1. first\n2. second\n\n`;
    parts.push(part);
    length += part.length;
  }
  return parts.join("");
}

/** About `size` characters of code blocks, tables, quotes and inline markup: the markdown parser's kind. */
function structured(size: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let index = 0; length < size; index += 1) {
    const part = [
      `## Code ${index}\n\n\`\`\`ts\nconst x${index} = ${index};\n\`\`\`\n\n`,
      `| a | b |\n|---|---|\n| ${index} | **bold** |\n\n> quote ${index} ${paragraph}\n\n`,
      `### Note *${index}*\n\n${paragraph.repeat(3)} \`code\`\n\n`,
    ][index % 3] as string;
    parts.push(part);
    length += part.length;
  }
  return parts.join("");
}

/** Runs chunking steps with a turn of the event loop after every step; returns the chunks and the number of turns. */
async function chunkWithTurns(markdown: string): Promise<{ chunks: unknown; turns: number }> {
  const steps = chunkMarkdownSteps(markdown, { maxTokens: 200 });
  let turns = 0;
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done === true) return { chunks: step.value, turns };
    turns += 1;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("chunking a long document in steps", () => {
  it("cuts the same chunks as chunkMarkdown in one go, pausing inside a long document", async () => {
    await loadMarkdownParser();
    const documents = {
      "sectioned 2 MB": sectioned(1_999_000),
      "sectioned, CRLF line ends": sectioned(100_000).replaceAll("\n", "\r\n"),
      "structured (parsed)": structured(30_000),
      "one code block of 2,000 lines": `# Code\n\n\`\`\`js\n${Array.from({ length: 2000 }, (_, index) => `const value${index} = compute(${index});`).join("\n")}\n\`\`\`\n`,
      "one line of 100 KB": `# Line\n\n${paragraph.repeat(900)}`,
      short: "# Title\n\nHello *world*.",
    };
    for (const [name, markdown] of Object.entries(documents)) {
      const { chunks, turns } = await chunkWithTurns(markdown);
      expect(chunks, name).toEqual(chunkMarkdown(markdown, { maxTokens: 200 }));
      if (markdown.length > 50_000) expect(turns, name).toBeGreaterThan(markdown.length / 4096);
    }
  });

  it("pauses while it counts and finds the words of one line of a megabyte, not only between the pieces it cuts", async () => {
    const words = ["Customer", "checkout", "Zürich", "v1.2.3", "snake_case_name", "🎉", "—", "done."];
    const separators = [" ", " ", "  ", "\t", "\u00a0", "\u3000"];
    const random = randomOf(7);
    let line = "Customer";
    while (line.length < 1_000_000) {
      line += `${separators[Math.floor(random() * separators.length)]}${words[Math.floor(random() * words.length)]}`;
    }
    for (const markdown of [line, `# One line\n\n${line} `]) {
      const { chunks, turns } = await chunkWithTurns(markdown);
      expect(chunks).toEqual(chunkMarkdown(markdown, { maxTokens: 200 }));
      // A step per 1,024 characters of the line counted (twice: as a block, then as a line), scanned for word ends and
      // cut into pieces; cutting the pieces alone, after counting and finding the words in one go, gives about half a step.
      expect(turns).toBeGreaterThan((2 * markdown.length) / 1024);
    }
  });
});

/** Pieces of markdown where cutting a document before a heading could go wrong, and headings to cut before. */
const constructs = [
  "# Heading",
  "## Sub *emph* `code` [ref]",
  "###### Six",
  "#",
  "# Closing ###",
  "   # indented heading",
  "\t# tab, so code",
  "Paragraph with **bold** and <span>html</span>",
  "Lazy\ncontinuation",
  "- item\n- two\n\n  continued in the item\n- three",
  "1. one\n2. two\n   # heading in the item",
  "- ~~~\n  fence left open in an item",
  "> quote\n> more",
  "> ```\n> fence left open in a quote",
  "```js\nconst x = 1;\n\n# not a heading\n```",
  "```\nfence left open\n\n# inside it",
  "    indented code\n\n    more",
  "<div>\nhtml block\n\n# after the div",
  "<pre>\npre\n\n# inside pre\n</pre>",
  "<!-- comment\n\n# inside the comment\n-->",
  "<script>\nlet a;\n\n# inside the script",
  "<?php\n\n# inside ?>",
  "<![CDATA[\n\n# inside ]]>",
  "<!DOCTYPE html\n\n# inside>",
  "| a | b |\n|---|---|\n| 1 | 2 |",
  "Setext\n===",
  "Setext\n---",
  "***",
  "- [ ] task\n- [x] done",
  '[ref]: https://example.com "title"',
  "[^note]: A footnote\n\n    continued",
  "# Footnote[^note] and ![image][ref]",
];

describe("parsing a document in pieces", () => {
  it("finds the blocks the parser finds in the whole document, cut before every heading it can be", async () => {
    await loadMarkdownParser();
    const random = randomOf(13);
    const separators = ["\n\n", "\n", "\n\n\n", "\n \n", "\n\t\n"];
    let pieces = 0;
    for (let document = 0; document < 60; document += 1) {
      const parts = Array.from({ length: 5 + Math.floor(random() * 40) }, (_, index) => {
        const part = constructs[Math.floor(random() * constructs.length)] as string;
        const heading = random() < 0.4 ? `# Part ${index}\n\n` : "";
        return `${index === 0 ? "" : separators[Math.floor(random() * separators.length)]}${heading}${part}`;
      });
      const lf = parts.join("");
      const markdown = random() < 0.2 ? lf.replaceAll("\n", "\r\n") : lf;
      const whole = markdownBlocks(markdown);
      for (const pieceChars of [1, 64]) {
        const steps = markdownBlockSteps(markdown, pieceChars);
        for (let step = steps.next(); ; step = steps.next()) {
          if (step.done === true) {
            expect(step.value, JSON.stringify(markdown)).toEqual(whole);
            break;
          }
          pieces += 1;
        }
      }
    }
    // Most documents were cut, in several pieces: 120 runs took more steps than that.
    expect(pieces).toBeGreaterThan(360);
  });

  it("parses a fence left open again a few times, not once for each heading after it", async () => {
    await loadMarkdownParser();
    const sections = Array.from({ length: 200 }, (_, index) => `# Part ${index}\n\nText ${index}.`);
    const markdown = `Intro.\n\n\`\`\`js\nopen fence\n\n${sections.join("\n\n")}\n`;
    const steps = markdownBlockSteps(markdown, 1);
    let parsed = 0;
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done === true) {
        expect(step.value).toEqual(markdownBlocks(markdown));
        break;
      }
      parsed += step.value;
    }
    // Each step is one parse: the piece after the fence is parsed with 1, 2, 4... more headings, about twice the rest in all;
    // a heading at a time, it parsed about 100 times the document.
    expect(parsed).toBeLessThan(3 * markdown.length);
  });

  it("parses each piece once when its last block is code or HTML closed before the cut", async () => {
    await loadMarkdownParser();
    const endings = [
      "```js\nconst x = 1;\n```",
      "~~~\ncode\n~~~",
      "    indented code",
      "<div>\nhtml\n</div>",
      "<!-- a comment -->",
    ];
    const sections = Array.from(
      { length: 50 },
      (_, index) => `# Part ${index}\n\nText.\n\n${endings[index % endings.length]}`,
    );
    const markdown = `${sections.join("\n\n")}\n`;
    const steps = markdownBlockSteps(markdown, 1);
    let parsed = 0;
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done === true) {
        expect(step.value).toEqual(markdownBlocks(markdown));
        break;
      }
      parsed += step.value;
    }
    // Parsing a piece again whenever it ended with code or HTML parsed most of them twice.
    expect(parsed).toBe(markdown.length);
  });

  it("cuts a document that may hold a definition, unless a heading may refer to one", async () => {
    await loadMarkdownParser();
    const cut = "# One\n\nSee [the guide].\n\n# Two\n\n[the guide]: https://example.com\n";
    const cutSteps = markdownBlockSteps(cut, 1);
    expect(cutSteps.next()).toEqual({ done: false, value: cut.indexOf("# Two") });
    expect(runSteps(cutSteps)).toEqual(markdownBlocks(cut));
    const whole = "# One\n\nSee [the guide].\n\n# Two [the guide]\n\n[the guide]: https://example.com\n";
    expect(runSteps(markdownBlockSteps(whole, 1))).toEqual(markdownBlocks(whole));
    // The second heading's title is the reference's text, resolved by the definition in the piece after it.
    expect(markdownBlocks(whole)[2]?.headingPath).toEqual(["Two the guide"]);
    const earlier =
      "[^1]: A note.\n\n# One\n\nText.\n\n# Two[^1] ![logo][the guide]\n\n[the guide]: /logo.png\n";
    expect(runSteps(markdownBlockSteps(earlier, 1))).toEqual(markdownBlocks(earlier));
    expect(markdownBlocks(earlier).at(-2)?.headingPath).toEqual(["Two "]);
  });
});

describe("re-indexing one large document", () => {
  it("lets a chain of 100 event-loop turns finish before the document's chunks reach the embedder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-kb-one-large-"));
    const log = await openEventLog({ path: join(dir, "factory.db") });
    log.registry.register(...knowledgeEvents);
    const hashing = createHashingEmbedder();
    /** Turns of the chain that had run when the embedder was first asked for the large document's chunks. */
    let turnsAtEmbedding: number | undefined;
    let turns = 0;
    const embedder: Embedder = {
      id: hashing.id,
      dimension: hashing.dimension,
      semantic: hashing.semantic,
      embed: (texts) => {
        if (texts.some((text) => text.startsWith("Large")) && turnsAtEmbedding === undefined)
          turnsAtEmbedding = turns;
        return hashing.embed(texts);
      },
    };
    const kb = await openKnowledgeBase({ log, embedder });
    try {
      await warmUp(kb);
      await log.append([
        capturedByAnother({
          id: "large_1",
          kind: "note",
          title: "Large",
          // About 2 MB: the most a document's body may hold is 2,000,000 characters.
          body: sectioned(1_999_000),
          system: "other-process",
          uri: "large.md",
          validFrom: new Date().toISOString(),
        }),
      ]);
      const turn = (): void => {
        turns += 1;
        if (turns < 100) setImmediate(turn);
      };
      setImmediate(turn);
      const { hits } = await kb.search("reconciled nightly", { limit: 1 });
      expect(hits[0]?.document.id).toBe("large_1");
      // Cut and indexed in one step (before chunking in steps), it reached the embedder before the chain's first turn.
      expect(turnsAtEmbedding).toBe(100);
    } finally {
      await kb.close();
      await log.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

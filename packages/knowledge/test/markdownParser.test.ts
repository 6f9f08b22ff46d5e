import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { gfm } from "micromark-extension-gfm";
import { describe, expect, it } from "vitest";
import { parseMarkdown } from "../src/internal/markdownParser.js";
import { randomOf } from "./fixtures/seededRandom.js";

/** Pieces of markdown that exercise every GFM extension and the core constructs around them. */
const PIECES = [
  "# Title",
  "Setext\n===",
  "Plain text with www.example.com, https://example.com/a?b=c and user@example.com.",
  "A footnote[^1] and another[^note].",
  "[^1]: The first note.",
  "[^note]: A note\n    with a second paragraph.",
  "[^1]: A second definition of the same label.",
  "~~struck~~ and ~single~ and *emphasis* and `code`",
  "| a | b |\n| :- | -: |\n| 1 | ~~2~~ |",
  "a | b\n--|--",
  "- [ ] open task\n- [x] done task\n  - [X] nested",
  "1. one\n2. two",
  "> quoted [^1]\n> - item",
  "```ts\nconst a = 1;\n```",
  "    indented code",
  "<div>\nhtml\n</div>",
  "[ref]: https://example.com\n\nA [ref] link.",
  "A [ref] link without its definition.",
  "***",
  "Trailing text[^missing].",
];

describe("parseMarkdown", () => {
  it("gives the tree a parser with fresh GFM extensions gives, document after document", () => {
    const random = randomOf(314);
    const fresh = (markdown: string) =>
      fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
    for (let run = 0; run < 300; run += 1) {
      const count = 1 + Math.floor(random() * 6);
      const pieces = Array.from({ length: count }, () => PIECES[Math.floor(random() * PIECES.length)] ?? "");
      const markdown = pieces.join(random() < 0.5 ? "\n\n" : "\n");
      expect(parseMarkdown(markdown), JSON.stringify(markdown)).toEqual(fresh(markdown));
    }
  });
});

import { describe, expect, it } from "vitest";
import { chunkMarkdown, countTokens } from "../src/index.js";

describe("chunkMarkdown", () => {
  it("keeps the heading path of each chunk and starts a chunk at each heading", () => {
    const chunks = chunkMarkdown("# Design\n\nIntro.\n\n## Storage\n\nSQLite file.\n\n## Search\n\nBM25.");
    expect(chunks.map((chunk) => chunk.headingPath)).toEqual([
      ["Design"],
      ["Design", "Storage"],
      ["Design", "Search"],
    ]);
    expect(chunks[1]?.text).toBe("## Storage\n\nSQLite file.");
    expect(chunks[1]?.startLine).toBe(5);
  });

  it("keeps a table and a list whole when they fit", () => {
    const table = "| a | b |\n| - | - |\n| 1 | 2 |";
    const list = "- one\n- two\n- three";
    const chunks = chunkMarkdown(`# T\n\n${table}\n\n${list}`, { maxTokens: 200 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.text).toContain(table);
    expect(chunks[0]?.text).toContain(list);
  });

  it("cuts an oversized code block between lines, closing and reopening the fence, within the size", () => {
    const code = Array.from({ length: 200 }, (_, index) => `const value${index} = compute(${index});`).join(
      "\n",
    );
    const chunks = chunkMarkdown(`# Code\n\n\`\`\`ts\n${code}\n\`\`\``, {
      maxTokens: 100,
      overlapTokens: 20,
    });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks.slice(1)) {
      expect(chunk.text.startsWith("```ts\n")).toBe(true);
      expect(chunk.text.endsWith("\n```")).toBe(true);
      expect(chunk.tokens).toBeLessThanOrEqual(100);
      expect(chunk.headingPath).toEqual(["Code"]);
    }
    const lastLineOf = (text: string) => text.split("\n").at(-2);
    const firstLineOf = (text: string) => text.split("\n")[1];
    // Overlap: the next chunk repeats the end of the previous one.
    expect(chunks[2]?.text).toContain(lastLineOf(chunks[1]?.text ?? "") ?? "missing");
    expect(firstLineOf(chunks[2]?.text ?? "")).not.toBe(firstLineOf(chunks[1]?.text ?? ""));
  });

  it("packs small paragraphs of one section together up to the size", () => {
    const paragraphs = Array.from(
      { length: 30 },
      (_, index) => `Paragraph ${index} has a few words in it.`,
    ).join("\n\n");
    const chunks = chunkMarkdown(paragraphs, { maxTokens: 64, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(countTokens(chunk.text)).toBeLessThanOrEqual(64);
    expect(chunks.map((chunk) => chunk.text).join("\n\n")).toBe(paragraphs);
  });
});

/**
 * The headings and sections of a markdown text (ATX headings outside fenced
 * code), for importers that read documents by their sections.
 *
 * @module
 */
import { checkArguments } from "@software-factory/core";
import { z } from "zod";
import { List, Text } from "../internal/arguments.js";

/** One heading and the text under it, up to the next heading of the same or a higher level. */
export interface MarkdownSection {
  /** Heading level, 1 (`#`) to 6 (`######`). */
  readonly level: number;
  /** The heading's text, without its opening and closing `#` marks. */
  readonly title: string;
  /** The section's own text and its subsections, trimmed. */
  readonly text: string;
  /** The text before its first subsection, trimmed. */
  readonly lead: string;
}

/**
 * Every section of a markdown text, in order.
 *
 * @throws ValidationError naming `markdown` when it is not a string.
 */
export function markdownSections(markdown: string): MarkdownSection[] {
  checkArguments("markdownSections", { markdown: [Text, markdown] });
  const lines = markdown.split(/\r?\n/);
  const headings: { level: number; title: string; index: number }[] = [];
  let fence: string | undefined;
  for (const [index, line] of lines.entries()) {
    const fenced = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fenced !== null) {
      const marker = (fenced[1] as string).charAt(0);
      if (fence === undefined) fence = marker;
      else if (fence === marker) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading !== null)
      headings.push({ level: (heading[1] as string).length, title: heading[2] as string, index });
  }
  return headings.map((heading, position) => {
    const next = headings.slice(position + 1);
    const end = next.find((other) => other.level <= heading.level)?.index ?? lines.length;
    const leadEnd = next[0] === undefined ? lines.length : Math.min(next[0].index, end);
    return {
      level: heading.level,
      title: heading.title,
      text: lines
        .slice(heading.index + 1, end)
        .join("\n")
        .trim(),
      lead: lines
        .slice(heading.index + 1, leadEnd)
        .join("\n")
        .trim(),
    };
  });
}

/**
 * The first section whose title matches, if any.
 *
 * @throws ValidationError naming `sections` or `title` when one is not an array or a RegExp.
 */
export function sectionNamed(
  sections: readonly MarkdownSection[],
  title: RegExp,
): MarkdownSection | undefined {
  checkArguments("sectionNamed", { sections: [List, sections], title: [z.instanceof(RegExp), title] });
  return sections.find((section) => title.test(section.title.trim()));
}

/**
 * The items of a markdown bullet list (`-`, `*`, `+` or numbered), first line of each.
 *
 * @throws ValidationError naming `text` when it is not a string.
 */
export function listItems(text: string): string[] {
  checkArguments("listItems", { text: [Text, text] });
  return [...text.matchAll(/^\s{0,3}(?:[-*+]|\d+[.)])\s+(.+?)\s*$/gm)].map((match) => match[1] as string);
}

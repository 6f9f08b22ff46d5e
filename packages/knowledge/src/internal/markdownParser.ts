import { createRequire } from "node:module";
import type { Root } from "mdast";
import type { fromMarkdown as FromMarkdown } from "mdast-util-from-markdown";
import type { gfmFromMarkdown as GfmFromMarkdown } from "mdast-util-gfm";
import type { gfm as Gfm } from "micromark-extension-gfm";

interface Parser {
  readonly fromMarkdown: typeof FromMarkdown;
  readonly gfmFromMarkdown: typeof GfmFromMarkdown;
  readonly gfm: typeof Gfm;
}

let parser: Parser | undefined;

/**
 * Loads the parser through `import()`, which works on every Node version;
 * {@link parseMarkdown} then needs no `require`. The knowledge base calls it
 * before it chunks documents.
 */
export async function loadMarkdownParser(): Promise<void> {
  if (parser !== undefined) return;
  const [markdown, gfmMarkdown, gfmSyntax] = await Promise.all([
    import("mdast-util-from-markdown"),
    import("mdast-util-gfm"),
    import("micromark-extension-gfm"),
  ]);
  parser ??= {
    fromMarkdown: markdown.fromMarkdown,
    gfmFromMarkdown: gfmMarkdown.gfmFromMarkdown,
    gfm: gfmSyntax.gfm,
  };
}

/**
 * Parses markdown with GFM (tables, task lists, strikethrough, autolinks) into
 * an mdast tree. The parser (micromark and its extensions, the largest part of
 * this package's imports) loads on the first call, so a process that only
 * reads the index never loads it. Unless {@link loadMarkdownParser} ran first,
 * it loads through `require` of these ES modules (Node 20.19 and later), which
 * keeps chunking synchronous.
 */
export function parseMarkdown(markdown: string): Root {
  if (parser === undefined) {
    const requireModule = createRequire(import.meta.url);
    parser = {
      fromMarkdown: (requireModule("mdast-util-from-markdown") as Pick<Parser, "fromMarkdown">).fromMarkdown,
      gfmFromMarkdown: (requireModule("mdast-util-gfm") as Pick<Parser, "gfmFromMarkdown">).gfmFromMarkdown,
      gfm: (requireModule("micromark-extension-gfm") as Pick<Parser, "gfm">).gfm,
    };
  }
  return parser.fromMarkdown(markdown, {
    extensions: [parser.gfm()],
    mdastExtensions: [parser.gfmFromMarkdown()],
  });
}

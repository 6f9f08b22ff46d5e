import { createRequire } from "node:module";
import type { Root } from "mdast";
import type { fromMarkdown as FromMarkdown, Options } from "mdast-util-from-markdown";
import type { gfmFromMarkdown as GfmFromMarkdown } from "mdast-util-gfm";
import type { gfm as Gfm } from "micromark-extension-gfm";

/** The parser and its GFM extensions, made once: making them for each document cost 8 to 15 % of parsing it. */
interface Parser {
  readonly fromMarkdown: typeof FromMarkdown;
  readonly options: Options;
}

let parser: Parser | undefined;

/**
 * The parser of these modules, with its GFM extensions made once (remark-gfm
 * too makes them once per processor and reuses them for every document).
 */
function parserOf(
  fromMarkdown: typeof FromMarkdown,
  gfmFromMarkdown: typeof GfmFromMarkdown,
  gfm: typeof Gfm,
): Parser {
  return { fromMarkdown, options: { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] } };
}

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
  parser ??= parserOf(markdown.fromMarkdown, gfmMarkdown.gfmFromMarkdown, gfmSyntax.gfm);
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
    parser = parserOf(
      (requireModule("mdast-util-from-markdown") as { fromMarkdown: typeof FromMarkdown }).fromMarkdown,
      (requireModule("mdast-util-gfm") as { gfmFromMarkdown: typeof GfmFromMarkdown }).gfmFromMarkdown,
      (requireModule("micromark-extension-gfm") as { gfm: typeof Gfm }).gfm,
    );
  }
  return parser.fromMarkdown(markdown, parser.options);
}

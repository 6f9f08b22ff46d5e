/**
 * The public surface of Rust, Go and Python packages, read with patterns:
 * top-level public items and the first sentence of their doc comments.
 *
 * @module
 */
import type { ProposedLine } from "../../proposal.js";
import { inFolder, readRepoText } from "./structure-io.js";
import { firstSentence, type SurfaceSymbol } from "./structure-surface.js";
import type { ScanContext } from "./structure-types.js";

/** Top-level items of a source whose docs are line comments: `item` matches one, `describe` gives its name and kind. */
function commentedItems(
  text: string,
  file: string,
  comment: RegExp,
  item: RegExp,
  describe: (match: RegExpExecArray) => { name: string; kind: string },
): SurfaceSymbol[] {
  const out: SurfaceSymbol[] = [];
  let doc: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const commented = comment.exec(line);
    if (commented !== null) {
      doc.push(commented[1] ?? "");
      continue;
    }
    const match = item.exec(line);
    if (match !== null) {
      const sentence = firstSentence(doc.join(" "));
      out.push({ ...describe(match), ...(sentence ? { doc: sentence } : {}), file });
    }
    if (!/^\s*(#\[|@)/.test(line)) doc = [];
  }
  return out;
}

/** Public items of a Rust crate's `src/lib.rs`. */
async function rustSurface(context: ScanContext, line: ProposedLine): Promise<SurfaceSymbol[]> {
  const file = inFolder(line.root, "src/lib.rs");
  const text = context.fileSet.has(file) ? await readRepoText(context.root, file) : undefined;
  if (text === undefined) return [];
  return commentedItems(
    text,
    file,
    /^\s*\/\/\/\s?(.*)$/,
    /^pub\s+(?:async\s+)?(?:unsafe\s+)?(?<kind>fn|struct|enum|trait|type|const|static|mod)\s+(?<name>[A-Za-z_]\w*)/,
    (match) => {
      const kind = match.groups?.kind ?? "item";
      return {
        name: match.groups?.name ?? "",
        kind: kind === "fn" ? "function" : kind === "mod" ? "module" : kind,
      };
    },
  );
}

/** Exported functions and types of the Go package in a module's root folder. */
async function goSurface(context: ScanContext, line: ProposedLine): Promise<SurfaceSymbol[]> {
  const prefix = line.root === "." ? "" : `${line.root}/`;
  const files = context.files.filter(
    (file) =>
      file.startsWith(prefix) &&
      !file.slice(prefix.length).includes("/") &&
      file.endsWith(".go") &&
      !file.endsWith("_test.go"),
  );
  const out: SurfaceSymbol[] = [];
  for (const file of files) {
    const text = await readRepoText(context.root, file);
    if (text === undefined || /^package main\b/m.test(text)) continue;
    out.push(
      ...commentedItems(
        text,
        file,
        /^\/\/\s?(.*)$/,
        /^(?:func\s+(?<name>[A-Z]\w*)\s*[[(]|type\s+(?<type>[A-Z]\w*)\s+(?<kind>struct|interface|func)?)/,
        (match) =>
          match.groups?.type === undefined
            ? { name: match.groups?.name ?? "", kind: "function" }
            : { name: match.groups.type, kind: match.groups.kind ?? "type" },
      ),
    );
  }
  return out;
}

/** Public functions and classes of a Python package's `__init__.py` (top-level names not starting with `_`), with their docstrings. */
async function pythonSurface(context: ScanContext, line: ProposedLine): Promise<SurfaceSymbol[]> {
  const module = line.packageName.toLowerCase().replace(/[-.]/g, "_");
  const file = [`src/${module}/__init__.py`, `${module}/__init__.py`]
    .map((path) => inFolder(line.root, path))
    .find((path) => context.fileSet.has(path));
  const text = file === undefined ? undefined : await readRepoText(context.root, file);
  if (file === undefined || text === undefined) return [];
  const out: SurfaceSymbol[] = [];
  for (const match of text.matchAll(
    /^(?:async\s+)?(def|class)\s+([A-Za-z]\w*)[^\n]*:\s*\n(?:[ \t]+(?:[rRuU]?)("""|''')([\s\S]*?)\3)?/gm,
  )) {
    const doc = firstSentence(match[4] ?? "");
    out.push({
      name: match[2] ?? "",
      kind: match[1] === "def" ? "function" : "class",
      ...(doc ? { doc } : {}),
      file,
    });
  }
  return out;
}

/** The public surface of a Rust, Go or Python line (empty for other ecosystems). */
export async function nativeSurface(context: ScanContext, line: ProposedLine): Promise<SurfaceSymbol[]> {
  if (line.ecosystem === "cargo") return rustSurface(context, line);
  if (line.ecosystem === "go") return goSurface(context, line);
  if (line.ecosystem === "python") return pythonSurface(context, line);
  return [];
}

/**
 * Which files of a folder import were renamed since the last one: a document
 * whose file is gone paired with a new file that holds its text.
 *
 * @module
 */

/** A file renamed since the last import: its document keeps its id and moves to the new file. */
export interface RenamedFile {
  /** The document's id. */
  readonly id: string;
  /** The file it was imported from, relative to the folder, with `/`. */
  readonly from: string;
  /** The file that holds its text now. */
  readonly to: string;
  /** `same` when the new file holds the document's title and body as they were, `edited` when most of the body's lines. */
  readonly content: "same" | "edited";
}

/** A document whose file is gone, or a new file, as {@link renamedFiles} compares them. */
export interface ImportedText {
  /** The file, relative to the folder (for a gone document, the file it was imported from). */
  readonly uri: string;
  /** Its title (for a new file, as the import gives it: front matter, first heading or file name). */
  readonly title: string;
  /** Its markdown body, front matter left out. */
  readonly body: string;
}

/**
 * Share of the body's non-blank lines two texts must have in common (Dice:
 * twice the common lines over the lines of both) for an edited file to be
 * taken as renamed. Git takes 50 % for a rename a reviewer sees in a diff;
 * no one reviews this pairing, and a wrong one hands a document's links,
 * lines and decisions to another text, so it asks for most of the text.
 */
export const RENAME_SIMILARITY = 0.8;

/**
 * Pairs documents whose file is gone with new files of the folder: first
 * the new files holding a gone document's title and body exactly, then, of
 * those left, the new files sharing at least {@link RENAME_SIMILARITY} of
 * their body's non-blank lines with a gone document. A pair counts only
 * when it is the only candidate both ways (one gone document, one new
 * file); an ambiguous one (two new copies of a removed file, or a new file
 * like two removed ones) is no rename, and is named in `ambiguous` so the
 * import can say why.
 */
export function renamedFiles(
  gone: readonly (ImportedText & { readonly id: string })[],
  arrived: readonly ImportedText[],
): { renamed: RenamedFile[]; ambiguous: { item: string; candidates: string[] }[] } {
  const renamed: RenamedFile[] = [];
  const ambiguous: { item: string; candidates: string[] }[] = [];
  let documents = [...gone];
  let files = [...arrived];
  for (const content of ["same", "edited"] as const) {
    const matches =
      content === "same"
        ? (document: ImportedText, file: ImportedText) =>
            document.title === file.title && document.body === file.body
        : (document: ImportedText, file: ImportedText) =>
            similarity(document.body, file.body) >= RENAME_SIMILARITY;
    const paired = new Set<string>();
    for (const file of files) {
      const candidates = documents.filter((document) => matches(document, file));
      const [document] = candidates;
      if (document === undefined) continue;
      const rivals = files.filter((other) => matches(document, other));
      if (candidates.length === 1 && rivals.length === 1) {
        renamed.push({ id: document.id, from: document.uri, to: file.uri, content });
        paired.add(document.id).add(file.uri);
      } else if (!ambiguous.some((entry) => entry.item === file.uri)) {
        const names =
          candidates.length > 1 ? candidates.map((each) => each.uri) : rivals.map((each) => each.uri);
        ambiguous.push({ item: file.uri, candidates: names });
      }
    }
    documents = documents.filter((document) => !paired.has(document.id));
    files = files.filter((file) => !paired.has(file.uri));
  }
  return { renamed, ambiguous };
}

/** Dice similarity of the non-blank lines (trimmed) of two texts, 0 when either has none. */
function similarity(a: string, b: string): number {
  const left = lines(a);
  const right = lines(b);
  if (left.length === 0 || right.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const line of left) counts.set(line, (counts.get(line) ?? 0) + 1);
  let common = 0;
  for (const line of right) {
    const count = counts.get(line) ?? 0;
    if (count > 0) {
      common += 1;
      counts.set(line, count - 1);
    }
  }
  return (2 * common) / (left.length + right.length);
}

function lines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

/**
 * The YAML front matter of a rule file, shared by Claude Code's rules
 * (`.claude/rules/**\/*.md`) and Cursor's (`.mdc`): found between `---`
 * lines, read with positions, and refused with file:line:column when it is
 * never closed, is not YAML, or is not a map of fields. Internal to the package.
 *
 * @module
 */
import { formatIssues, ValidationError, type ValidationIssue } from "@software-factory/core";
import { type Document, isMap, isNode, LineCounter, parseDocument, visit, type YAMLError } from "yaml";

/** An issue with its line and column in the rule file. */
export type Positioned = ValidationIssue & { readonly line: number; readonly column: number };

/** The front matter of a rule file, read by {@link readFrontMatter}. */
export interface FrontMatter {
  /** The fields, `{}` for empty front matter. */
  readonly fields: Record<string, unknown>;
  /** Index of the `---` line that closes the front matter; the body starts after it. */
  readonly close: number;
  /** Where a key's value is in the file (or the key itself when `itself`, or the front matter's start when the key is absent). */
  readonly keyAt: (key: PropertyKey | undefined, itself?: boolean) => { line: number; column: number };
}

/**
 * The front matter of a rule file's lines, or undefined when the first line is
 * not `---` (a file without front matter). A line matching `verbatim` has its
 * second group read as a string, as the tool that reads the rule reads it.
 *
 * @throws ValidationError with file:line:column (kind names the file, as `Claude rule`) when the front matter is never closed, is not YAML, or is not a map.
 */
export function readFrontMatter(
  lines: readonly string[],
  verbatim: RegExp,
  file: string,
  kind: string,
): FrontMatter | undefined {
  if (!/^---[ \t]*$/.test(lines[0] ?? "")) return undefined;
  const close = lines.findIndex((line, index) => index > 0 && /^---[ \t]*$/.test(line));
  if (close === -1) {
    throw invalidRule(kind, file, [
      {
        path: "",
        message: "front matter opened by --- on line 1 is never closed by a --- line",
        line: 1,
        column: 1,
      },
    ]);
  }
  const yamlText = lines
    .slice(1, close)
    .map((line) => line.replace(verbatim, (_, key: string, value: string) => key + JSON.stringify(value)))
    .join("\n");
  const counter = new LineCounter();
  const document = parseDocument(yamlText, { lineCounter: counter, prettyErrors: false });
  const position = (offset: number) => {
    const { line, col } = counter.linePos(offset);
    return { line: line + 1, column: col };
  };
  if (document.errors.length > 0) {
    throw invalidRule(
      kind,
      file,
      document.errors.map((error) => ({
        path: "",
        message: error.message.split("\n")[0] as string,
        ...position(openerOf(document, error) ?? error.pos[0]),
      })),
    );
  }
  // The YAML library throws here, not while parsing, when aliases expand past its limit (an alias
  // bomb); that is a problem of the file like bad YAML.
  let front: unknown;
  try {
    front = document.toJS() ?? {};
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw invalidRule(kind, file, [{ path: "", message, line: 2, column: 1 }]);
  }
  const notMap = notAMap(front);
  if (notMap !== undefined) {
    throw invalidRule(kind, file, [
      {
        path: "",
        message: `front matter must be a map of fields (key: value), not ${notMap}`,
        ...position((document.contents as { range?: readonly number[] } | null)?.range?.[0] ?? 0),
      },
    ]);
  }
  const keyAt = (key: PropertyKey | undefined, itself = false) => {
    const pair = isMap(document.contents)
      ? document.contents.items.find((item) => String((item.key as { value?: unknown })?.value) === key)
      : undefined;
    const node = (itself ? pair?.key : (pair?.value ?? pair?.key)) as
      | { range?: readonly number[] }
      | null
      | undefined;
    return position(node?.range?.[0] ?? 0);
  };
  return { fields: front as Record<string, unknown>, close, keyAt };
}

/**
 * Where a glob is written: the first line from the `globs` value on that holds
 * it, at its column; the value's start when no line does.
 */
export function globAt(
  lines: readonly string[],
  glob: string,
  value: { line: number; column: number },
): { line: number; column: number } {
  for (let index = value.line - 1; index < lines.length; index++) {
    const column = (lines[index] as string).indexOf(glob);
    if (column !== -1) return { line: index + 1, column: column + 1 };
  }
  return value;
}

/**
 * Where the flow collection (`[`, `{`) or quoted text an error says is never
 * closed was opened: the YAML library reports such an error where it gave up
 * (the next key's line, the end of the text), the outermost node that runs up
 * to that place is the one left open. Undefined for other errors.
 */
function openerOf(document: Document, error: YAMLError): number | undefined {
  const flow = /end with a [\]}]/.test(error.message);
  const quote = error.code === "MISSING_CHAR" && /closing .?quote/i.test(error.message);
  if (!flow && !quote) return undefined;
  let opener: number | undefined;
  visit(document, (_key, node) => {
    if (!isNode(node) || node.range?.[1] !== error.pos[0]) return;
    const open = flow
      ? (node as { flow?: boolean }).flow === true
      : (node as { type?: string }).type?.startsWith("QUOTE_") === true;
    if (open && (opener === undefined || node.range[0] < opener)) opener = node.range[0];
  });
  return opener;
}

/** What a front matter value that is not a map is (`a string`, `a list`), or undefined for a map. */
function notAMap(front: unknown): string | undefined {
  if (Array.isArray(front)) return "a list";
  if (typeof front === "object" && front !== null) return undefined;
  return `a ${typeof front}`;
}

/** A ValidationError of a rule file (kind names it, as `cursor rule`), its issues sorted by line and column. */
export function invalidRule(kind: string, file: string, issues: readonly Positioned[]): ValidationError {
  const located = [...issues]
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .map((issue) => ({ ...issue, file }));
  return new ValidationError({ message: formatIssues(kind, located), issues: located });
}

/** The problems of malformed instruction files, each saying its file was skipped, as warnings of a loader that skips them. */
export function skippedFile(issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.map((issue) => ({ ...issue, message: `${issue.message}; the file was skipped` }));
}

/**
 * pytest tests: module-level `def test_*` functions and `test_*` methods of
 * `class Test*` classes (nested classes too), with their docstring's first line.
 *
 * @module
 */
import type { FoundTest } from "./tests-found.js";

const DEF = /^(\s*)(?:async\s+)?def\s+(test\w*)\s*\(/;
const CLASS = /^(\s*)class\s+(\w+)\s*[(:]/;

/** `test_keeps_every_revision` -> `keeps every revision`; `TestKnowledgeBase` -> `KnowledgeBase`. */
export function humanisePython(name: string): string {
  return name
    .replace(/^test_?/i, "")
    .replace(/_+/g, " ")
    .trim();
}

/**
 * For each line, the first line from it that ends with `:` (a signature may
 * span lines; the body starts after that one), or `lines.length`: found in one
 * pass from the end, not by a scan from each `def` (quadratic on many
 * signatures left open).
 */
function signatureEnds(lines: readonly string[]): number[] {
  const ends: number[] = new Array(lines.length);
  let next = lines.length;
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    if (/:\s*(#.*)?$/.test(lines[index] as string)) next = index;
    ends[index] = next;
  }
  return ends;
}

/** The first line of the docstring opening the body that starts after line `end` (ending a `def`'s signature), if any. */
function docstringAfter(lines: readonly string[], end: number): string | undefined {
  for (let next = end + 1; next < lines.length; next += 1) {
    const text = (lines[next] as string).trim();
    if (text === "") continue;
    const match = /^[rRuU]?("""|''')(.*)$/.exec(text);
    if (match === null) return undefined;
    const rest = (match[2] as string).split(match[1] as string)[0]?.trim() ?? "";
    if (rest !== "") return rest;
    const following = lines[next + 1]?.trim();
    return following === undefined || following === "" || following.startsWith(match[1] as string)
      ? undefined
      : following;
  }
  return undefined;
}

/** The pytest tests of a Python file. */
export function findPythonTests(text: string): FoundTest[] {
  const lines = text.split(/\r?\n/);
  const found: FoundTest[] = [];
  // Open blocks (classes and functions) by indentation; a `def` inside a function is no test.
  const open: { indent: number; kind: "class" | "def"; name: string }[] = [];
  let ends: number[] | undefined;
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    const indent = (/^\s*/.exec(line)?.[0] ?? "").length;
    while (open.length > 0 && (open[open.length - 1] as { indent: number }).indent >= indent) open.pop();
    const declared = CLASS.exec(line);
    if (declared !== null) {
      open.push({ indent, kind: "class", name: declared[2] as string });
      continue;
    }
    const defined = /^(\s*)(?:async\s+)?def\s+(\w+)\s*\(/.exec(line);
    if (defined === null) continue;
    const name = defined[2] as string;
    // A test is a module-level `test*` function or a `test*` method of classes that are all `Test*`.
    const collected =
      DEF.test(line) && open.every((block) => block.kind === "class" && /^Test/.test(block.name));
    open.push({ indent, kind: "def", name });
    if (!collected) continue;
    ends ??= signatureEnds(lines);
    const statement = docstringAfter(lines, ends[index] as number);
    found.push({
      framework: "pytest",
      describePath: open.slice(0, -1).map((block) => humanisePython(block.name)),
      testName: humanisePython(name),
      line: index + 1,
      ...(statement === undefined ? {} : { statement }),
    });
  }
  return found;
}

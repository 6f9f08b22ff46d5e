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

/** The first line of the docstring opening the body that starts after `from` (the line of a `def`), if any. */
function docstringAfter(lines: readonly string[], from: number): string | undefined {
  let index = from;
  // The signature may span lines: the body starts after the line ending with `:`.
  while (index < lines.length && !/:\s*(#.*)?$/.test(lines[index] as string)) index += 1;
  for (let next = index + 1; next < lines.length; next += 1) {
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
  // Open classes as [indent, name, is a test class].
  const classes: { indent: number; name: string; tests: boolean }[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    const indent = (/^\s*/.exec(line)?.[0] ?? "").length;
    while (classes.length > 0 && (classes[classes.length - 1] as { indent: number }).indent >= indent)
      classes.pop();
    const declared = CLASS.exec(line);
    if (declared !== null) {
      const name = declared[2] as string;
      classes.push({ indent, name, tests: /^Test/.test(name) });
      continue;
    }
    const defined = DEF.exec(line);
    if (defined === null) continue;
    const owner = classes[classes.length - 1];
    // A test function is module-level or a method of a class whose every enclosing class is a test class.
    if (owner !== undefined && (indent <= owner.indent || classes.some((open) => !open.tests))) continue;
    if (owner === undefined && indent > 0) continue;
    const statement = docstringAfter(lines, index);
    found.push({
      framework: "pytest",
      describePath: classes.map((open) => humanisePython(open.name)),
      testName: humanisePython(defined[2] as string),
      line: index + 1,
      ...(statement === undefined ? {} : { statement }),
    });
  }
  return found;
}

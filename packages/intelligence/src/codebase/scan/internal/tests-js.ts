/**
 * Tests of JavaScript and TypeScript files (vitest, jest, mocha, node:test),
 * read with the TypeScript compiler API: `describe`/`suite`/`context` blocks
 * and `it`/`test`/`specify` calls, with their modifiers (`.only`, `.skip`,
 * `.each`, `.concurrent`...), and node:test subtests (`t.test`).
 *
 * @module
 */
import type * as TS from "typescript";
import type { TestFramework } from "../../proposal.js";
import { eachNames, eachTable } from "./tests-each.js";
import type { FoundTest } from "./tests-found.js";

/** The TypeScript compiler module, loaded lazily by the caller. */
type TypeScript = typeof import("typescript");

const BLOCKS = new Set(["describe", "suite", "context", "fdescribe", "xdescribe", "xcontext"]);
const TESTS = new Set(["it", "test", "specify", "fit", "xit", "xtest", "xspecify"]);
const MODIFIERS = new Set([
  "only",
  "skip",
  "todo",
  "each",
  "concurrent",
  "sequential",
  "fails",
  "skipIf",
  "runIf",
  "shuffle",
  "failing",
]);

/**
 * The framework a JS/TS test file is written for, told from its imports; without
 * one, from the globals it uses (`vi.*` vitest, `jest.*` or jest matchers jest), else mocha.
 */
function frameworkOfSource(text: string): TestFramework {
  const imported = new Set(
    [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["']([^"']+)["']/g)].map((match) => match[1]),
  );
  if (imported.has("vitest")) return "vitest";
  if (imported.has("@jest/globals")) return "jest";
  if (imported.has("node:test") || imported.has("test")) return "node:test";
  if (imported.has("mocha")) return "mocha";
  if (/\bvi\.(fn|mock|spyOn|useFakeTimers|stubEnv)\b/.test(text)) return "vitest";
  if (/\bjest\.(fn|mock|spyOn|useFakeTimers|setTimeout)\b/.test(text) || /\.toBe\(|\.toEqual\(/.test(text))
    return "jest";
  return "mocha";
}

type CallKind = "block" | "test";

/** Whether a call is a describe block or a test, looking through modifiers and `.each(table)` calls. */
function kindOf(ts: TypeScript, callee: TS.Expression): CallKind | undefined {
  let node: TS.Expression = callee;
  // `it.each(table)("name")` and `it.each`table`("name")`: the callee is itself a call or tagged template.
  if (ts.isCallExpression(node)) node = node.expression;
  else if (ts.isTaggedTemplateExpression(node)) node = node.tag;
  const chain: string[] = [];
  while (ts.isPropertyAccessExpression(node)) {
    chain.unshift(node.name.text);
    node = node.expression;
  }
  if (!ts.isIdentifier(node)) return undefined;
  const base = node.text;
  if (chain.every((name) => MODIFIERS.has(name))) {
    if (BLOCKS.has(base)) return "block";
    if (TESTS.has(base)) return "test";
    return undefined;
  }
  // node:test subtests: `t.test("name", ...)`, and `t.test.skip(...)` (a call with a name only, as `re.test("x")`, is no test).
  const [first, ...rest] = chain;
  if (first === "test" && rest.every((name) => MODIFIERS.has(name))) return "test";
  return undefined;
}

/** The name a test or block is given: a string, a template (substitutions kept as `${...}`) or a named reference. */
function nameOf(
  ts: TypeScript,
  source: TS.SourceFile,
  argument: TS.Expression | undefined,
): string | undefined {
  if (argument === undefined) return undefined;
  if (ts.isStringLiteral(argument) || ts.isNoSubstitutionTemplateLiteral(argument)) return argument.text;
  if (ts.isTemplateExpression(argument)) {
    return (
      argument.head.text +
      argument.templateSpans
        .map((span) => `\${${span.expression.getText(source)}}${span.literal.text}`)
        .join("")
    );
  }
  if (ts.isIdentifier(argument) || ts.isPropertyAccessExpression(argument)) return argument.getText(source);
  return undefined;
}

/** One name on a test's path: as written (or as the runner names a `.each` row), and as a title shows it. */
interface NamePart {
  readonly name: string;
  readonly readable: string;
}

/** The names a test or block call gives: one, or one per row of a `.each` table written out in the source. */
function partsOf(ts: TypeScript, call: TS.CallExpression, name: string): NamePart[] {
  const table = eachTable(ts, call.expression);
  if (table === undefined) return [{ name, readable: name }];
  const names = eachNames(ts, table, name, call.arguments.at(-1));
  if ("rows" in names) return names.rows.map((row) => ({ name: row, readable: row }));
  return [{ name: names.written, readable: names.readable }];
}

/** A found test from its path of names, the test's own last. */
function foundTest(framework: TestFramework, parts: readonly NamePart[], line: number): FoundTest {
  const names = parts.map((part) => part.name);
  const readable = parts.map((part) => part.readable);
  const testName = names.pop() as string;
  const plain = readable.every((part, index) => part === (index < names.length ? names[index] : testName));
  return { framework, describePath: names, testName, line, ...(plain ? {} : { readablePath: readable }) };
}

/**
 * The tests of a JS/TS source: each test call with its enclosing blocks. A
 * test that holds other tests (node:test subtests) counts as a block.
 */
export function findJsTests(ts: TypeScript, file: string, text: string): FoundTest[] {
  const extension = /\.([cm]?[jt]sx?)$/.exec(file)?.[1] ?? "ts";
  const kind = extension.endsWith("tsx")
    ? ts.ScriptKind.TSX
    : extension.endsWith("jsx")
      ? ts.ScriptKind.JSX
      : extension.endsWith("js")
        ? ts.ScriptKind.JS
        : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const framework = frameworkOfSource(text);
  const found: FoundTest[] = [];
  const lineOf = (node: TS.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;

  const visit = (node: TS.Node, path: readonly NamePart[]): number => {
    if (ts.isCallExpression(node)) {
      const kind = kindOf(ts, node.expression);
      const todo = node.expression.getText(source).endsWith(".todo");
      const named = kind !== undefined && (node.arguments.length >= 2 || todo);
      const name = named ? nameOf(ts, source, node.arguments[0]) : undefined;
      if (kind !== undefined && name !== undefined) {
        let count = 0;
        for (const part of partsOf(ts, node, name)) {
          let inner = 0;
          for (const argument of node.arguments.slice(1)) inner += visit(argument, [...path, part]);
          if (kind === "test" && inner === 0) {
            found.push(foundTest(framework, [...path, part], lineOf(node)));
            inner = 1;
          }
          count += inner;
        }
        return count;
      }
    }
    let count = 0;
    node.forEachChild((child) => {
      count += visit(child, path);
    });
    return count;
  };
  visit(source, []);
  return found;
}

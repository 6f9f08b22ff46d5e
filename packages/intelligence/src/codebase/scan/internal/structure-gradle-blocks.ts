/**
 * The `{ }` blocks of a Gradle script, read in one pass (a script is at most
 * a megabyte; a scan from each `{` to its `}` would be quadratic on nested or
 * unclosed ones): the top-level blocks of a root build script with the
 * projects each configures (`subprojects { }`, `allprojects { }`,
 * `configure(<projects>) { }`, `project(":x") { }`), and a script without its
 * blocks that only react to a plugin (`plugins.withId("maven-publish") { }`).
 *
 * @module
 */

/** The projects a root block configures: every one, the named paths, or it cannot be told (`configure(subprojects.filter { ... })`). */
export type BlockTargets =
  | { readonly kind: "all" }
  | { readonly kind: "paths"; readonly paths: readonly string[] }
  | { readonly kind: "unknown" };

/** A top-level `{ }` block of a script. */
export interface ScriptBlock {
  /** The text of its statement before the `{`, since the previous top-level block ended. */
  readonly head: string;
  readonly body: string;
  /** The projects it configures; undefined when its head names none (`plugins { }`, `tasks.register("x") { }`). */
  readonly targets: BlockTargets | undefined;
}

/** A project path as `project(":x")` names it. */
const PROJECT_CALL = /\bproject\s*\(\s*(?:path\s*[:=]\s*)?["'](:[^"']*)["']\s*\)/g;
/** What may surround `project(...)` calls in a list of them: `listOf(`, `[`, commas, parentheses. */
const LIST_PUNCTUATION = /\b(?:listOf|setOf|arrayOf|mutableListOf)\b|[\s,()[\]]/g;

/** The projects named by `configure(...)`'s argument, or by `project(...)`'s. */
function targetsOf(call: string, argument: string): BlockTargets {
  const trimmed = argument.trim();
  if (call === "configure" && /^(?:subprojects|allprojects)$/.test(trimmed)) return { kind: "all" };
  const text = call === "project" ? `project(${trimmed})` : trimmed;
  const paths = [...text.matchAll(PROJECT_CALL)].map((match) => match[1] ?? "");
  const rest = text.replace(PROJECT_CALL, "").replace(LIST_PUNCTUATION, "");
  return paths.length > 0 && rest === "" ? { kind: "paths", paths } : { kind: "unknown" };
}

/**
 * The top-level blocks of a script (comments removed), in order, and the text
 * outside them. A `{` inside parentheses (`configure(subprojects.filter { })`)
 * opens no top-level block; a `}` closes the parentheses left open in its block.
 */
export function topLevelBlocks(code: string): { blocks: ScriptBlock[]; outside: string } {
  const blocks: ScriptBlock[] = [];
  const stack: number[] = [];
  let outside = "";
  let statementStart = 0;
  let blockOpen = -1;
  // The last parentheses closed at the top level, which end a block's head when only blanks follow them.
  let paren: [number, number] = [-1, -1];
  for (let index = 0; index < code.length; index++) {
    const char = code[index];
    if (char === "(" || char === "{") {
      if (char === "{" && stack.length === 0) blockOpen = index;
      stack.push(index);
    } else if (char === ")") {
      if (code[stack.at(-1) ?? -1] !== "(") continue;
      const open = stack.pop() as number;
      if (stack.length === 0) paren = [open, index];
    } else if (char === "}") {
      while (stack.length > 0 && code[stack.at(-1) as number] === "(") stack.pop();
      if (stack.pop() === undefined || stack.length > 0) continue;
      const head = code.slice(statementStart, blockOpen);
      const [open, close] = paren;
      const call =
        close >= statementStart && code.slice(close + 1, blockOpen).trim() === ""
          ? /\b(configure|project)\s*$/.exec(code.slice(Math.max(statementStart, open - 20), open))?.[1]
          : undefined;
      const targets: BlockTargets | undefined = /\b(?:subprojects|allprojects)$/.test(
        head.trimEnd().slice(-12),
      )
        ? { kind: "all" }
        : call === undefined
          ? undefined
          : targetsOf(call, code.slice(open + 1, close));
      blocks.push({ head, body: code.slice(blockOpen + 1, index), targets });
      outside += head;
      statementStart = index + 1;
    }
  }
  return { blocks, outside: outside + code.slice(statementStart) };
}

/** A block that runs only when a plugin is applied: `plugins.withId("x") {`, `pluginManager.withPlugin("x") {`, `plugins.withType<T> {`. */
const REACTION = /\b(?:withId|withPlugin|withType)(?:[ \t]*<[^<>{}\n]*>)?(?:[ \t]*\([^(){}\n]*\))?[ \t]*\{/g;

/**
 * A script without its blocks that react to a plugin being applied
 * (`plugins.withId("maven-publish") { publishing { } }` configures publishing
 * for a project that applies the plugin elsewhere; it applies nothing).
 */
export function withoutReactions(code: string): string {
  if (!code.includes("with")) return code;
  const closeOf = new Map<number, number>();
  const opens: number[] = [];
  for (let index = 0; index < code.length; index++) {
    if (code[index] === "{") opens.push(index);
    else if (code[index] === "}" && opens.length > 0) closeOf.set(opens.pop() as number, index);
  }
  let out = "";
  let from = 0;
  REACTION.lastIndex = 0;
  for (let match = REACTION.exec(code); match !== null; match = REACTION.exec(code)) {
    const close = closeOf.get(REACTION.lastIndex - 1);
    if (close === undefined) break;
    out += code.slice(from, match.index);
    from = close + 1;
    REACTION.lastIndex = from;
  }
  return out + code.slice(from);
}

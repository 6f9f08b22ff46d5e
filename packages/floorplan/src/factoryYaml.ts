import { readFile } from "node:fs/promises";
import { ValidationError } from "@software-factory/core";
import { CORE_SCHEMA, load } from "js-yaml";
import { type Document, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { listFiles } from "./internal/listFiles.js";
import { positionOf, splitPath } from "./internal/yamlPositions.js";
import { type Plan, PlanSchema } from "./Plan.js";
import type { RelationRegistry } from "./RelationRegistry.js";
import { type PlanProblem, validatePlan } from "./validatePlan.js";

/** Options of {@link parseFactoryYaml} and {@link loadFactoryYaml}. */
export interface FactoryYamlOptions {
  /** Repository files; when given, path patterns that match none are reported. */
  readonly files?: readonly string[];
  /** Relation types for the plan's `relations` (built-ins only when omitted). */
  readonly relations?: RelationRegistry;
  /** Called with each warning of a plan that loads. */
  readonly onWarning?: (problem: PlanProblem) => void;
}

/** Options of {@link loadFactoryYaml}. */
export interface LoadFactoryYamlOptions extends FactoryYamlOptions {
  /** Repository root; its files are listed to check that every path pattern matches something. */
  readonly repoRoot?: string;
}

/** The outcome of {@link safeParseFactoryYaml}: the plan and its warnings, or every problem found. */
export type FactoryYamlResult =
  | {
      readonly success: true;
      readonly plan: Plan;
      readonly warnings: readonly PlanProblem[];
      readonly document: Document;
    }
  | { readonly success: false; readonly error: ValidationError; readonly problems: readonly PlanProblem[] };

function has(data: unknown, segments: readonly (string | number)[]): boolean {
  let node: unknown = data;
  for (const segment of segments) {
    if (node === null || typeof node !== "object" || !(segment in node)) return false;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return true;
}

function schemaProblem(
  issue: z.core.$ZodIssue,
  data: unknown,
): PlanProblem & { readonly atKey?: boolean; readonly segments: (string | number)[] } {
  const segments = issue.path.map((key) => (typeof key === "number" ? key : String(key)));
  if (issue.code === "unrecognized_keys") {
    const [first] = issue.keys;
    return {
      code: "unknown-field",
      severity: "error",
      path: [...segments, first ?? ""].join("."),
      message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}`,
      hint: "check the spelling; see docs/floorplan.md for the fields of factory.yaml",
      atKey: true,
      segments: [...segments, first ?? ""],
    };
  }
  const missing = issue.code === "invalid_type" && !has(data, segments);
  return {
    code: "schema",
    severity: "error",
    path: segments
      .map((segment) => (typeof segment === "number" ? `[${segment}]` : segment))
      .join(".")
      .replace(/\.\[/g, "["),
    message: missing ? `missing required field "${String(segments.at(-1))}"` : issue.message,
    segments,
  };
}

/** Formats problems one per line: `file:line:column severity message [path] (hint)`. */
export function formatProblems(problems: readonly PlanProblem[]): string {
  return problems
    .map((problem) => {
      const place = [problem.file, problem.line, problem.column]
        .filter((part) => part !== undefined)
        .join(":");
      return `${place} ${problem.severity} ${problem.message} [${problem.path || "(root)"}]${problem.hint === undefined ? "" : `; fix: ${problem.hint}`}`;
    })
    .join("\n");
}

/** An anchor or alias outside quotes: such texts take the positioned parse, which bounds alias expansion. */
const ANCHOR_OR_ALIAS = /(^|[\s[{,:-])[&*][^\s\]},]/m;

/**
 * The plan of a text that js-yaml reads (YAML 1.2 core schema, duplicate keys
 * refused) and that validates without a single problem; undefined sends the
 * text to the positioned parse, which reports every problem with its place.
 * js-yaml reads a large file about ten times faster than building the
 * `yaml` document whose node ranges give those places.
 */
function quickParse(text: string, options: FactoryYamlOptions): Plan | undefined {
  if (ANCHOR_OR_ALIAS.test(text)) return undefined;
  let data: unknown;
  try {
    data = load(text, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  const parsed = PlanSchema.safeParse(data ?? {});
  if (!parsed.success || validatePlan(parsed.data, options).length > 0) return undefined;
  return parsed.data;
}

/**
 * Parses and validates the text of a `factory.yaml`, reporting every problem
 * at once (YAML syntax, schema, then references, owners and cycles), each
 * with file:line:column and a fix hint. Never throws.
 */
export function safeParseFactoryYaml(
  text: string,
  file = "factory.yaml",
  options: FactoryYamlOptions = {},
): FactoryYamlResult {
  const plan = quickParse(text, options);
  if (plan === undefined) return parseWithPositions(text, file, options);
  let document: Document | undefined;
  return {
    success: true,
    plan,
    warnings: [],
    // The editable document is built only when asked for.
    get document() {
      document ??= parseDocument(text, { uniqueKeys: true });
      return document;
    },
  };
}

/** The parse that keeps every node's place, so each problem gets file:line:column. */
function parseWithPositions(text: string, file: string, options: FactoryYamlOptions): FactoryYamlResult {
  const counter = new LineCounter();
  const problems: PlanProblem[] = [];
  const fail = (): FactoryYamlResult => {
    const sorted = problems.sort(
      (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
    );
    return {
      success: false,
      problems: sorted,
      error: new ValidationError({
        message: `${file} is invalid:\n${formatProblems(sorted)}`,
        issues: sorted,
      }),
    };
  };
  let document: Document;
  let data: unknown;
  try {
    document = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
    for (const error of document.errors) {
      const position = error.linePos?.[0] ?? counter.linePos(error.pos[0]);
      problems.push({
        code: "yaml",
        severity: "error",
        path: "",
        message: `YAML ${error.code.toLowerCase().replace(/_/g, " ")}: ${error.message.split("\n")[0]}`,
        hint: "fix the YAML syntax (indentation, quotes, a duplicate key)",
        file,
        ...(position === undefined ? {} : { line: position.line, column: position.col }),
      });
    }
    if (problems.length > 0) return fail();
    data = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    problems.push({
      code: "yaml",
      severity: "error",
      path: "",
      message: `YAML could not be read: ${error instanceof Error ? error.message : String(error)}`,
      file,
      line: 1,
      column: 1,
    });
    return fail();
  }
  const parsed = PlanSchema.safeParse(data ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const { atKey, segments, ...problem } = schemaProblem(issue, data);
      problems.push({ ...problem, file, ...positionOf(document, counter, segments, atKey) });
    }
    return fail();
  }
  for (const problem of validatePlan(parsed.data, options)) {
    problems.push({ ...problem, file, ...positionOf(document, counter, splitPath(problem.path)) });
  }
  if (problems.some((problem) => problem.severity === "error")) return fail();
  const warnings = problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  for (const warning of warnings) options.onWarning?.(warning);
  return { success: true, plan: parsed.data, warnings, document };
}

/**
 * Parses and validates the text of a `factory.yaml`.
 *
 * @throws ValidationError listing every problem with file:line:column and a fix hint.
 * @example
 * ```ts
 * const plan = parseFactoryYaml(text, "factory.yaml");
 * ```
 */
export function parseFactoryYaml(
  text: string,
  file = "factory.yaml",
  options: FactoryYamlOptions = {},
): Plan {
  const result = safeParseFactoryYaml(text, file, options);
  if (!result.success) throw result.error;
  return result.plan;
}

/**
 * Reads, parses and validates a `factory.yaml` file. With `repoRoot`, also
 * reports path patterns that match no file of the repository.
 *
 * @throws ValidationError listing every problem with file:line:column and a fix hint.
 * @throws Error from the file system when the file cannot be read.
 */
export async function loadFactoryYaml(path: string, options: LoadFactoryYamlOptions = {}): Promise<Plan> {
  const text = await readFile(path, "utf8");
  const files =
    options.files ?? (options.repoRoot === undefined ? undefined : await listFiles(options.repoRoot));
  return parseFactoryYaml(text, path, { ...options, ...(files === undefined ? {} : { files }) });
}

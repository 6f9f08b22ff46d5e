import { checkArguments, inPlainWords, nearNames, ValidationError } from "@software-factory/core";
import { type Document, LineCounter, parseAllDocuments, parseDocument } from "yaml";
import { z } from "zod";
import { List, Text } from "./internal/arguments.js";
import {
  FactoryYamlOptionsSchema,
  LoadFactoryYamlOptionsSchema,
  parsed,
} from "./internal/floorPlanInputs.js";
import { listFiles } from "./internal/listFiles.js";
import { joinPath, salvagePlan } from "./internal/salvagePlan.js";
import { type Place, type PlacedYaml, readPlacedYaml } from "./internal/yamlPlaces.js";
import { positionOf, splitPath } from "./internal/yamlPositions.js";
import { type Plan, PlanSchema } from "./Plan.js";
import { type RelationsInput, relationRegistryOf } from "./RelationRegistry.js";
import { safeReadSourceText } from "./readSourceText.js";
import { type PlanProblem, planProblems, type ValidatePlanOptions } from "./validatePlan.js";

/** Options of {@link parseFactoryYaml} and {@link loadFactoryYaml}; a key it does not list is refused. */
export interface FactoryYamlOptions {
  /** Repository files; when given, path patterns that match none are reported. */
  readonly files?: readonly string[];
  /**
   * Relation types for the plan's `relations`: the definitions of your own
   * relations (`[supersedes]`, the same list `openFloorPlan` takes; the
   * built-ins are always included) or a {@link RelationRegistry}. Built-ins
   * only when omitted.
   */
  readonly relations?: RelationsInput;
  /** Called with each warning of a plan that loads. */
  readonly onWarning?: (problem: PlanProblem) => void;
}

/** Options of {@link loadFactoryYaml}; a key it does not list is refused. */
export interface LoadFactoryYamlOptions extends FactoryYamlOptions {
  /** Repository root; its files are listed to check that every path pattern matches something. */
  readonly repoRoot?: string;
}

/** The outcome of {@link safeParseFactoryYaml}: the plan and its warnings, or every problem found. */
export type FactoryYamlResult =
  | {
      /** The file holds a valid plan. */
      readonly success: true;
      /** The plan, validated. */
      readonly plan: Plan;
      /** What is allowed but suspicious (a path pattern that matches no file), each with its place. */
      readonly warnings: readonly PlanProblem[];
      /** The file as an editable `yaml` document (comments kept), built when first read. */
      readonly document: Document;
    }
  | {
      /** The file does not hold a valid plan. */
      readonly success: false;
      /** One error naming every problem. */
      readonly error: ValidationError;
      /** Every problem found, each with its file, line and column. */
      readonly problems: readonly PlanProblem[];
    };

/**
 * What a factory.yaml file must hold: a plan that says which format it is in.
 * A plan built in code may leave `version` out; a file may not, so that an
 * empty or unrelated YAML file is never read as a floor plan with no lines.
 */
const FactoryYamlSchema = PlanSchema.extend({
  version: z.literal(1, { error: "version must be 1, the only format of factory.yaml" }),
});

/** Hints for required fields a file left out, by path. */
const MISSING_HINTS: Readonly<Record<string, string>> = {
  version: "start the file with `version: 1` (see docs/floorplan.md)",
};

function has(data: unknown, segments: readonly (string | number)[]): boolean {
  let node: unknown = data;
  for (const segment of segments) {
    if (node === null || typeof node !== "object" || !(segment in node)) return false;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return true;
}

/**
 * The fields the object at `segments` of `schema` may have (`lines[2]` gives a
 * line's fields), or none when the path leads to no object schema.
 */
function fieldsAt(schema: z.ZodType, segments: readonly (string | number)[]): string[] {
  let node: z.core.$ZodType | undefined = schema;
  let at = 0;
  while (node !== undefined) {
    const def = node._zod.def as z.core.$ZodTypeDef & {
      innerType?: z.core.$ZodType;
      in?: z.core.$ZodType;
      out?: z.core.$ZodType;
      element?: z.core.$ZodType;
      shape?: Record<string, z.core.$ZodType>;
    };
    if (def.innerType !== undefined) node = def.innerType;
    // A pipe into a schema (a dependsOn entry, read as an id or an object, then checked) has that schema's fields.
    else if (def.type === "pipe") node = def.out?._zod.def.type === "transform" ? def.in : def.out;
    else if (def.type === "array" && typeof segments[at] === "number") {
      node = def.element;
      at++;
    } else if (def.type === "object" && def.shape !== undefined) {
      if (at === segments.length) return Object.keys(def.shape);
      node = def.shape[String(segments[at])];
      at++;
    } else return [];
  }
  return [];
}

function schemaProblem(
  issue: z.core.$ZodIssue,
  data: unknown,
): PlanProblem & { readonly atKey?: boolean; readonly segments: (string | number)[] } {
  const segments = issue.path.map((key) => (typeof key === "number" ? key : String(key)));
  if (issue.code === "unrecognized_keys") {
    const [first] = issue.keys;
    const near = nearNames(first ?? "", fieldsAt(FactoryYamlSchema, segments));
    return {
      code: "unknown-field",
      severity: "error",
      path: joinPath([...segments, first ?? ""]),
      message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}`,
      hint: `${near.length === 0 ? "check the spelling" : `did you mean ${near.map((name) => `"${name}"`).join(" or ")}?`}; see docs/floorplan.md for the fields of factory.yaml`,
      atKey: true,
      segments: [...segments, first ?? ""],
    };
  }
  const missing = (issue.code === "invalid_type" || issue.code === "invalid_value") && !has(data, segments);
  const path = joinPath(segments);
  const hint = missing ? MISSING_HINTS[path] : undefined;
  return {
    code: "schema",
    severity: "error",
    path,
    message: missing ? `missing required field "${String(segments.at(-1))}"` : inPlainWords(issue),
    ...(hint === undefined ? {} : { hint }),
    segments,
  };
}

/**
 * Formats problems one per line: `file:line:column severity message [path] (hint)`.
 *
 * @throws ValidationError naming `problems` when it is not an array.
 */
export function formatProblems(problems: readonly PlanProblem[]): string {
  checkArguments("formatProblems", { problems: [List, problems] });
  return problems
    .map((problem) => {
      const place = [problem.file, problem.line, problem.column]
        .filter((part) => part !== undefined)
        .join(":");
      return `${place} ${problem.severity} ${problem.message} [${problem.path || "(root)"}]${problem.hint === undefined ? "" : `; fix: ${problem.hint}`}`;
    })
    .join("\n");
}

/** An anchor or alias outside quotes: such texts take the `yaml` parse, which bounds alias expansion. */
const ANCHOR_OR_ALIAS = /(^|[\s[{,:-])[&*][^\s\]},]/m;

/** Where a problem of the data at a path is, or undefined when that is not known. */
type PlaceOf = (segments: readonly (string | number)[], atKey?: boolean) => Place | undefined;

/** Thrown by the js-yaml reading's places when it cannot place a node as `yaml` would. */
class Unplaced extends Error {}

/**
 * Parses and validates the text of a `factory.yaml`, reporting every problem
 * at once (YAML syntax, schema, then references, owners and cycles), each
 * with file:line:column and a fix hint. A problem of the text never throws.
 *
 * js-yaml reads the text (about ten times faster than building the `yaml`
 * document) and notes where each node starts, so a problem is placed by a walk
 * down its path. A text js-yaml cannot read, one with anchors or aliases, and
 * one with a problem on a node that reading cannot place (an empty or tagged
 * node) are read by `yaml`, whose document keeps every node's range.
 *
 * @throws ValidationError when an option is malformed or unknown, naming it and the options.
 */
export function safeParseFactoryYaml(
  text: string,
  file = "factory.yaml",
  options: FactoryYamlOptions = {},
): FactoryYamlResult {
  parsed(FactoryYamlOptionsSchema, options, "factory.yaml options");
  const { onWarning, ...rest } = options;
  // One registry for every check of this text, built once from a list of definitions.
  const checks = { ...rest, relations: relationRegistryOf(options.relations) };
  if (ANCHOR_OR_ALIAS.test(text)) return parseWithPositions(text, file, checks, onWarning);
  let read: PlacedYaml;
  try {
    read = readPlacedYaml(text);
  } catch {
    return parseWithPositions(text, file, checks, onWarning);
  }
  let document: Document | undefined;
  const documentOf = () => {
    // The editable document is built only when asked for.
    document ??= parseDocument(text, { uniqueKeys: true });
    return document;
  };
  const place: PlaceOf = (segments, atKey) => {
    const found = read.placeOf(segments, atKey);
    if (found === undefined) throw new Unplaced();
    return found;
  };
  try {
    return checkData(read.data, file, checks, onWarning, place, documentOf);
  } catch (error) {
    if (!(error instanceof Unplaced)) throw error;
    return parseWithPositions(text, file, checks, onWarning);
  }
}

/** The result of a failed parse: every problem in file order, in one error. */
function failure(file: string, problems: PlanProblem[]): FactoryYamlResult {
  const sorted = problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return {
    success: false,
    problems: sorted,
    error: new ValidationError({ message: `${file} is invalid:\n${formatProblems(sorted)}`, issues: sorted }),
  };
}

/** The parse that keeps every node's range, so each problem gets file:line:column. */
function parseWithPositions(
  text: string,
  file: string,
  checks: ValidatePlanOptions,
  onWarning: FactoryYamlOptions["onWarning"],
): FactoryYamlResult {
  const counter = new LineCounter();
  const problems: PlanProblem[] = [];
  let document: Document;
  let data: unknown;
  try {
    document = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
    let documentsTold = false;
    for (const error of document.errors) {
      const position = error.linePos?.[0] ?? counter.linePos(error.pos[0]);
      const at = position === undefined ? {} : { line: position.line, column: position.col };
      if (error.code === "MULTIPLE_DOCS") {
        // Told once, in the editor's words, not the YAML library's advice to its programmers.
        if (!documentsTold) problems.push({ ...multipleDocuments(text, file, position?.line), ...at });
        documentsTold = true;
        continue;
      }
      problems.push({
        code: "yaml",
        severity: "error",
        path: "",
        message: `YAML ${error.code.toLowerCase().replace(/_/g, " ")}: ${error.message.split("\n")[0]}`,
        hint: "fix the YAML syntax (indentation, quotes, a duplicate key)",
        file,
        ...at,
      });
    }
    if (problems.length > 0) return failure(file, problems);
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
    return failure(file, problems);
  }
  const read = document;
  return checkData(
    data,
    file,
    checks,
    onWarning,
    (segments, atKey) => positionOf(read, counter, segments, atKey),
    () => read,
  );
}

/**
 * The problem of a text that holds several YAML documents (a `---` after the
 * first one's content): how many, and the line of the `---` that starts the
 * second, where the YAML library's message would advise its own
 * `parseAllDocuments()`.
 */
function multipleDocuments(text: string, file: string, line: number | undefined): PlanProblem {
  const documents = parseAllDocuments(text);
  const count = Array.isArray(documents) ? documents.length : 2;
  const marker = line === undefined ? "" : ` (--- at line ${line})`;
  return {
    code: "yaml",
    severity: "error",
    path: "",
    message: `${file} holds ${count} YAML documents${marker}; a factory.yaml is one document`,
    hint: `keep one: remove the \`---\`${line === undefined ? "" : ` at line ${line}`} and merge what follows it into the document above, or move it to a file of its own`,
    file,
  };
}

/** Checks the data of a text against the schema and the plan's rules, placing each problem with `place`. */
function checkData(
  data: unknown,
  file: string,
  checks: ValidatePlanOptions,
  onWarning: FactoryYamlOptions["onWarning"],
  place: PlaceOf,
  documentOf: () => Document,
): FactoryYamlResult {
  const problems: PlanProblem[] = [];
  if (!isMapping(data)) {
    problems.push(notAPlan(data, file, place([]) ?? { line: 1, column: 1 }));
    return failure(file, problems);
  }
  const parsed = FactoryYamlSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const { atKey, segments, ...problem } = schemaProblem(issue, data);
      problems.push({ ...problem, file, ...place(segments, atKey) });
    }
    // References, owners and cycles of the parts that parse are reported in the same pass.
    const salvaged = salvagePlan(data);
    if (salvaged !== undefined) {
      for (const problem of planProblems(salvaged.plan, checks)) {
        const segments = salvaged.original(splitPath(problem.path));
        const path = joinPath(segments);
        if (
          salvaged.removed.has(path) ||
          (problem.code === "no-owner" && salvaged.removed.has(`${path}.owner`))
        )
          continue;
        const message = problem.message.replace(
          /\b(operators|domains|lines)\[(\d+)\]/g,
          (_, section, index) => joinPath(salvaged.original([section, Number(index)])),
        );
        problems.push({ ...problem, path, message, file, ...place(segments) });
      }
    }
    return failure(file, problems);
  }
  for (const problem of planProblems(parsed.data, checks)) {
    problems.push({ ...problem, file, ...place(splitPath(problem.path)) });
  }
  if (parsed.data.lines.length === 0)
    problems.push({
      code: "no-lines",
      severity: "warning",
      path: "lines",
      message:
        "the plan declares no lines; applying it would remove every line of a floor plan that has some",
      hint: "declare the product's lines under `lines:` (see docs/floorplan.md)",
      file,
      ...(place(["lines"]) ?? { line: 1, column: 1 }),
    });
  if (problems.some((problem) => problem.severity === "error")) return failure(file, problems);
  const warnings = problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  for (const warning of warnings) onWarning?.(warning);
  return {
    success: true,
    plan: parsed.data,
    warnings,
    get document() {
      return documentOf();
    },
  };
}

function isMapping(data: unknown): data is Record<string, unknown> {
  return data !== null && typeof data === "object" && !Array.isArray(data);
}

/** The problem of a file whose top level is not a mapping: empty, only comments, a list or a scalar. */
function notAPlan(data: unknown, file: string, position: { line: number; column: number }): PlanProblem {
  const hint =
    "a factory.yaml is a mapping that starts with `version: 1`, then operators, domains and lines (see docs/floorplan.md)";
  if (data === null || data === undefined)
    return {
      code: "empty",
      severity: "error",
      path: "",
      message: `${file} holds no floor plan: it is empty or only comments`,
      hint,
      file,
      line: 1,
      column: 1,
    };
  const kind = Array.isArray(data) ? "a list" : `a ${typeof data} (${JSON.stringify(data).slice(0, 40)})`;
  return {
    code: "not-a-mapping",
    severity: "error",
    path: "",
    message: `${file} holds ${kind}, not a floor plan`,
    hint,
    file,
    ...position,
  };
}

/**
 * Parses and validates the text of a `factory.yaml`.
 *
 * @throws ValidationError listing every problem with file:line:column and a fix hint, or naming an option that is malformed or unknown.
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
 * Reads, parses and validates a `factory.yaml` file, returning its problems
 * instead of throwing them (the result form of {@link loadFactoryYaml}). With
 * `repoRoot`, also reports path patterns that match no file of the repository.
 * A folder (`not-a-file`) or a file that is not UTF-8 text (`not-text`) is a
 * problem naming the path.
 *
 * @throws NotFoundError (entity `file`) when there is no file at `path`.
 * @throws ValidationError when an option is malformed or unknown, naming it and the options.
 * @throws Error from the file system when the file exists but cannot be read.
 * @example
 * ```ts
 * const result = await safeLoadFactoryYaml("factory.yaml");
 * if (!result.success) console.error(formatProblems(result.problems));
 * ```
 */
export async function safeLoadFactoryYaml(
  path: string,
  options: LoadFactoryYamlOptions = {},
): Promise<FactoryYamlResult> {
  checkArguments("safeLoadFactoryYaml", { path: [Text, path] });
  parsed(LoadFactoryYamlOptionsSchema, options, "factory.yaml options");
  const { repoRoot, ...parseOptions } = options;
  const read = await safeReadSourceText(path);
  if (!read.success) return { success: false, error: read.error, problems: [read.problem] };
  const files = options.files ?? (repoRoot === undefined ? undefined : await listFiles(repoRoot));
  return safeParseFactoryYaml(read.text, path, {
    ...parseOptions,
    ...(files === undefined ? {} : { files }),
  });
}

/**
 * Reads, parses and validates a `factory.yaml` file. With `repoRoot`, also
 * reports path patterns that match no file of the repository.
 *
 * @throws NotFoundError (entity `file`) when there is no file at `path`.
 * @throws ValidationError listing every problem with file:line:column and a fix hint (a folder or a binary file is one, naming the path), or naming an option that is malformed or unknown.
 * @throws Error from the file system when the file exists but cannot be read.
 * @example
 * ```ts
 * // A factory.yaml that lists edges of your own relation under `relations:`.
 * const plan = await loadFactoryYaml("factory.yaml", { relations: [supersedes] });
 * await floorplan.applyPlan(plan);
 * ```
 */
export async function loadFactoryYaml(path: string, options: LoadFactoryYamlOptions = {}): Promise<Plan> {
  checkArguments("loadFactoryYaml", { path: [Text, path] });
  const result = await safeLoadFactoryYaml(path, options);
  if (!result.success) throw result.error;
  return result.plan;
}

/**
 * How a factory tool is declared and turned into an MCP tool result.
 *
 * @module
 */
import {
  inPlainWords,
  unstorableTextIssues,
  ValidationError,
  validationErrorFromZod,
} from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import type { z } from "zod";
import { shortened } from "./internal/shortened.js";

/** The arguments object of a tool: a zod object, strict once declared (an unknown key is an error). */
export type ToolInput = z.ZodObject<z.core.$ZodLooseShape, z.core.$ZodObjectConfig>;

/** The code of an error that carries none (an unexpected failure), as the CLI prints it. */
export const UNCODED_ERROR = "E_FAILED";

/** Hints for clients about what a tool does to the factory. */
export interface ToolHints {
  /** Only reads. */
  readonly readOnlyHint: boolean;
  /** May remove or overwrite what someone wrote. */
  readonly destructiveHint?: boolean;
  /** Calling it twice with the same arguments has the effect of calling it once. */
  readonly idempotentHint?: boolean;
}

/**
 * Progress of a call, sent to a client that asked for it as
 * `notifications/progress`: `progress` grows with each report.
 */
export interface ToolProgress {
  /** How far the call is: larger at each report, up to `total` when that is given. */
  readonly progress: number;
  /** What `progress` counts up to, when known. */
  readonly total?: number;
  /** What the call is doing or has done, for people. */
  readonly message?: string;
}

/** What a tool may need besides the factory: the server's options, and the call's cancellation and progress. */
export interface ToolContext {
  /** The folder `import_codebase` may read under (absolute, resolved); unrestricted when undefined. */
  readonly importRoot?: string;
  /**
   * Aborts when the client cancels the call (`notifications/cancelled`, or a
   * closed HTTP exchange): a tool that can stop early stops at its next safe
   * point. The server sends no answer to a cancelled call either way.
   */
  readonly signal?: AbortSignal;
  /** Reports the call's progress; given only when the client asked for it (a `progressToken` in the request's `_meta`). */
  readonly onProgress?: (progress: ToolProgress) => void;
}

/** One tool of the factory's MCP server. */
export interface FactoryTool<Input extends ToolInput = ToolInput, Output extends z.ZodType = z.ZodType> {
  /** The tool's MCP name, in snake_case (`who_owns`, `impact_of_change`). */
  readonly name: string;
  /** Its display name for people, sent as the tool's title and annotation title. */
  readonly title: string;
  /** What it does and when to use it, written for the model choosing among tools. */
  readonly description: string;
  /** Its arguments: an object schema, made strict by {@link defineTool}. */
  readonly input: Input;
  /** Schema of its result, sent as the tool's `outputSchema`; the result must match it. */
  readonly output: Output;
  /** Hints for clients (read-only, destructive, idempotent), sent as the tool's annotations. */
  readonly annotations: ToolHints;
  /** Group the tool belongs to, for `tools` selection (`knowledge`, `floorplan`, `work`, `standards`, `skills`, `import`). */
  readonly group: "knowledge" | "floorplan" | "work" | "standards" | "skills" | "import";
  /** Runs the tool; the result is sent as JSON and must match `output`. The server passes `context` with each call. */
  readonly run: (factory: Factory, input: z.output<Input>, context?: ToolContext) => Promise<unknown>;
  /**
   * The text content of a result, what a model reads of it, when that is not
   * the result as JSON (the default): `get_context` answers its markdown, the
   * part its token budget bounds, and keeps the JSON in `structuredContent`.
   */
  readonly text?: (result: z.output<Output>) => string;
}

/**
 * Declares a tool with its schemas; the handler gets parsed input. The input
 * object is made strict here, for every tool: an argument the tool does not
 * take is refused by name (a mistyped `move` must not fall back to the
 * default move), and the JSON Schema clients see says
 * `additionalProperties: false`.
 */
export function defineTool<Shape extends z.core.$ZodLooseShape, Output extends z.ZodType>(
  tool: FactoryTool<z.ZodObject<Shape>, Output>,
): FactoryTool<z.ZodObject<Shape, z.core.$strict>, Output> {
  return { ...tool, input: tool.input.strict() };
}

/**
 * Parses a tool's arguments with its input schema.
 *
 * @throws ValidationError (`E_VALIDATION`) naming each wrong field; an unknown
 *   argument is named with the arguments the tool takes.
 */
export function parseArguments<Input extends ToolInput>(
  tool: FactoryTool<Input>,
  args: unknown,
): z.output<Input> {
  const parsed = tool.input.safeParse(args ?? {});
  if (parsed.success) {
    refuseUnstorableText(tool, args);
    return parsed.data;
  }
  const known = Object.keys(tool.input.shape).join(", ") || "no arguments";
  const found = parsed.error.issues;
  const issues: z.core.$ZodIssue[] = found.slice(0, LISTED_PROBLEMS).map((issue) => {
    const missing = missingArgument(tool, args, issue);
    if (missing !== undefined) return { ...issue, message: missing };
    if (issue.code !== "unrecognized_keys") return issue;
    const keys = listed(issue.keys.map((key) => `"${shortened(key)}"`));
    const takes = issue.path.length === 0 ? `; ${tool.name} takes ${known}` : "";
    const what = issue.path.length === 0 ? "argument" : "field";
    return { ...issue, message: `unknown ${what}${issue.keys.length === 1 ? "" : "s"} ${keys}${takes}` };
  });
  const more = found.length - issues.length;
  if (more > 0)
    issues.push({ code: "custom", path: [], message: `and ${counted(more)} more problems`, input: args });
  throw validationErrorFromZod(issues, { subject: `${tool.name} input` });
}

/**
 * Problems, and unknown names, a refusal lists at most: an array of 5,000
 * wrong items is one mistake made 5,000 times, and naming each took 874,013
 * characters of the agent's context.
 */
const LISTED_PROBLEMS = 10;

/** `count` as a message writes it (`4,990`). */
const counted = (count: number): string => count.toLocaleString("en-US");

/** The first {@link LISTED_PROBLEMS} of `items`, comma-separated, and how many more there are. */
function listed(items: readonly string[]): string {
  const shown = items.slice(0, LISTED_PROBLEMS).join(", ");
  return items.length > LISTED_PROBLEMS
    ? `${shown} and ${counted(items.length - LISTED_PROBLEMS)} more`
    : shown;
}

/**
 * Refuses the arguments of a tool that writes when they hold text no store can
 * keep (a NUL character, a lone UTF-16 surrogate), naming the argument, as the
 * log would refuse the append later naming its own field (`data.text`).
 *
 * @throws ValidationError (`E_VALIDATION`) naming each argument.
 */
function refuseUnstorableText(tool: FactoryTool, args: unknown): void {
  if (tool.annotations.readOnlyHint) return;
  const issues = unstorableTextIssues(args);
  if (issues.length === 0) return;
  const problems = issues.map((issue) => `${issue.path === "" ? "(root)" : issue.path}: ${issue.message}`);
  throw new ValidationError({ message: `${tool.name} input is invalid: ${problems.join("; ")}`, issues });
}

/** The value of `args` at `path`; undefined when a step of it is missing. */
function valueAt(args: unknown, path: readonly PropertyKey[]): unknown {
  let value = args;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * The message for an issue that is a required argument (or field) left out:
 * `required (a string): ` and, for an argument, its description, so the
 * refusal says what to give (`id: required (a string): Id of the work item
 * (wi_...; list_work and create_work_item give them)`) where zod says
 * `expected string, received undefined`. Undefined for other issues, and
 * for a schema's own message.
 */
function missingArgument(tool: FactoryTool, args: unknown, issue: z.core.$ZodIssue): string | undefined {
  if (issue.path.length === 0 || valueAt(args ?? {}, issue.path) !== undefined) return undefined;
  const required =
    issue.code === "invalid_value"
      ? `required (one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")})`
      : inPlainWords(issue);
  if (!required.startsWith("required (")) return undefined;
  const description =
    issue.path.length === 1 ? tool.input.shape[String(issue.path[0])]?.description : undefined;
  return `${required}${description === undefined ? "" : `: ${description}`}`;
}

/**
 * Error result content: the error's stable code (`E_NOT_FOUND`,
 * `E_VALIDATION`..., {@link UNCODED_ERROR} for an error without one) and a
 * message that says what was wrong and what to change (a `ValidationError`
 * says zod's default messages in plain words: `input.line: required (a
 * string)`, not `Invalid input: expected string, received undefined`).
 */
export function errorResult(error: unknown): { isError: true; content: { type: "text"; text: string }[] } {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const text = `${typeof code === "string" ? code : UNCODED_ERROR}: ${message}`.replace(
    QUOTED,
    (quoted, value: string) => (value.length > QUOTED_CHARACTERS ? `"${shortened(value)}"` : quoted),
  );
  return { isError: true, content: [{ type: "text", text: bounded(text) }] };
}

/**
 * A value an error message quotes (`no line "..."`, `unknown link type "..."`):
 * the factory's messages quote what they were given, and one given 300,000
 * characters quoted them all.
 */
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;

/** Characters of a quoted value an error shows whole; a longer one is {@link shortened}. */
const QUOTED_CHARACTERS = 100;

/** Characters of an error's text at most: a gate's or a skill's refusal listing thousands of findings or names is cut. */
const ERROR_CHARACTERS = 8_000;

/** `text` whole when short, else its first {@link ERROR_CHARACTERS} and how long it was. */
function bounded(text: string): string {
  if (text.length <= ERROR_CHARACTERS) return text;
  return `${text.slice(0, ERROR_CHARACTERS)}... (cut: the message is ${counted(text.length)} characters)`;
}

/**
 * A successful result: the structured record, and as text for clients that
 * read only text (models) the record as JSON, or `text` when the tool gives it.
 */
export function okResult(
  value: unknown,
  text?: string,
): {
  content: { type: "text"; text: string }[];
  structuredContent: Record<string, unknown>;
} {
  const structured = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  return {
    content: [{ type: "text", text: text ?? JSON.stringify(structured) }],
    structuredContent: structured,
  };
}

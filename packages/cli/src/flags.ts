/**
 * Parsing of flag values that carry numbers, enums or stores, with zod, into
 * {@link UsageError}s that name the flag.
 *
 * @module
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { resolve } from "node:path";
import {
  INPUT_LIMITS,
  isPostgresUrl,
  mistypedStoreUrl,
  OperatorIdSchema,
  PointInTimeSchema,
  redactStore,
  validationErrorFromZod,
} from "@software-factory/core";
import { TagSchema } from "@software-factory/knowledge";
import { z } from "zod";
import { UsageError } from "./exitCodes.js";

/**
 * Parses one flag value with a schema.
 *
 * @throws UsageError naming the flag and every problem of its value, each
 *   with the field it is about when the value has fields
 *   (`--mapping: id: required (a string); title: required (a string) (got {...})`).
 */
export function parseFlag<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  flag: string,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new UsageError(`${flag}: ${problemsOf(result.error.issues)} (got ${shown(value)})`);
}

/**
 * Every problem of a flag value, `; `-separated, each after the field it is
 * about (none for the value itself), zod's default messages in plain words
 * (`must be one of "a", "b"`, `required (a string)`).
 */
function problemsOf(issues: readonly z.core.$ZodIssue[]): string {
  return validationErrorFromZod(issues, { subject: "flag value" })
    .issues.map(({ path, message }) => (path === "" ? message : `${path}: ${message}`))
    .join("; ");
}

/** Characters of a flag value an error message shows before cutting it. */
const SHOWN_CHARS = 60;

/** A flag value as an error message shows it: as JSON, a long string cut with its length. */
function shown(value: unknown): string {
  if (typeof value !== "string" || value.length <= SHOWN_CHARS) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, SHOWN_CHARS))}... (${value.length} characters)`;
}

/**
 * A whole number from 1 to `max` given on the command line (`-5` and `0` are
 * refused as "must be at least 1", a number past `max` with `message`).
 */
export function positiveIntFlag(max: number, message = `must be at most ${max}`) {
  return z
    .string()
    .regex(/^-?\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().min(1, "must be at least 1").max(max, message));
}

/**
 * A positive whole number given on the command line, up to the largest a
 * number holds exactly (a longer run of digits is "must be at most
 * 9007199254740991", not zod's words).
 */
export const PositiveIntFlag = positiveIntFlag(Number.MAX_SAFE_INTEGER);

/**
 * A value that names something (an id, a name, a file, a tag): not blank, as
 * an empty one (`""` from an unset variable, say) names nothing and would
 * otherwise be looked up, or match nothing, in silence.
 */
export const NameValue = z.string().refine((value) => value.trim() !== "", "must not be empty");

/**
 * A tag given as a filter (`--tag` of `knowledge list` and `search`): not
 * blank, and a tag by the knowledge base's {@link TagSchema} (a word without
 * spaces, at most 80 characters), the rule `knowledge capture --tag`
 * enforces. A value no document can carry is refused as malformed instead of
 * matching nothing.
 */
export const TagFlag = NameValue.pipe(TagSchema);

/**
 * An idempotency key (`--idempotency-key` of the commands that write: `work
 * create`, the moves and `assign`, `signal capture`, `knowledge capture`,
 * `revise`, `retract`, `link`, `unlink` and `decide`, `deployment record` and
 * `incident open`; a CI job or ticket id):
 * not blank, as an empty one (an unset
 * variable) would key nothing, and within the SDK's limit for keys
 * (`INPUT_LIMITS.idempotencyKey`, 200 characters). A retry with the same key writes nothing new.
 */
export const IdempotencyKeyFlag = NameValue.pipe(
  z.string().max(INPUT_LIMITS.idempotencyKey, `must be at most ${INPUT_LIMITS.idempotencyKey} characters`),
);

/**
 * The `idempotencyKey` option of an SDK write from `--idempotency-key`: none
 * when the flag is not given, else the key checked with {@link IdempotencyKeyFlag}.
 *
 * @throws UsageError naming `--idempotency-key` when the key is blank or longer than the SDK allows.
 * @example
 * ```ts
 * await factory.work.advance(id, { actor, ...idempotencyKeyOption(flags.idempotencyKey) });
 * ```
 */
export function idempotencyKeyOption(value: string | undefined): { readonly idempotencyKey?: string } {
  return value === undefined
    ? {}
    : { idempotencyKey: parseFlag(IdempotencyKeyFlag, value, "--idempotency-key") };
}

/** Commander's argument parser of a repeatable flag (`--tag a --tag b`): each value appended to those before. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * The parser of a command's argument that names something (`<id>`, `<name>`,
 * `<file>`), for commander's `.argument(name, description, parser)`: it runs
 * before the command opens the factory.
 *
 * @throws UsageError naming the argument when the value is blank: `<id>: must not be empty (got "")`.
 * @example
 * ```ts
 * command.argument("<id>", "work item id", nameArgument("<id>"));
 * ```
 */
export function nameArgument(argument: string): (value: string) => string {
  return (value) => parseFlag(NameValue, value, argument);
}

/**
 * Characters of an id the CLI looks up (a work item, document, signal,
 * incident, notification, skill, trace link or link end), as the MCP tools
 * take them: a longer one names nothing the factory has, and a not-found
 * that quoted it would print it whole.
 */
export const ID_MAX = 200;

/** An id given on the command line: not blank, and at most {@link ID_MAX} characters. */
export const IdValue = NameValue.pipe(z.string().max(ID_MAX, `an id is at most ${ID_MAX} characters`));

/**
 * The parser of a command's argument that is an id (`<id>`, `<name>` of a
 * skill, `<link-id>`), as {@link nameArgument}, and at most {@link ID_MAX}
 * characters.
 *
 * @throws UsageError naming the argument when the value is blank or longer
 *   than any id: `<id>: an id is at most 200 characters (got "xxx"... (100000 characters))`.
 */
export function idArgument(argument: string): (value: string) => string {
  return (value) => parseFlag(IdValue, value, argument);
}

/**
 * {@link idArgument} for a variadic argument (`<ids...>`): each value is
 * checked, and the values are collected in order.
 *
 * @throws UsageError naming the argument when a value is blank or longer than any id.
 */
export function idArguments(argument: string): (value: string, previous?: string[]) => string[] {
  return (value, previous = []) => [...previous, parseFlag(IdValue, value, argument)];
}

/**
 * {@link nameArgument} for a variadic argument (`<ids...>`): each value is
 * checked, and the values are collected in order.
 *
 * @throws UsageError naming the argument when a value is blank.
 */
export function nameArguments(argument: string): (value: string, previous?: string[]) => string[] {
  return (value, previous = []) => [...previous, parseFlag(NameValue, value, argument)];
}

/**
 * Repository paths given as arguments (`who-owns`, `impact`, `context --path`):
 * none blank, as a blank one names no file (the MCP tools refuse it too). A
 * path is otherwise taken as given: a space at either end is part of a file
 * name (`"docs/notes.md "`), never trimmed.
 */
export const PathsArgument = z.array(
  z.string().refine((path) => path.trim() !== "", "a path must not be empty"),
);

/**
 * Who a command writes as (`--actor`, `FACTORY_ACTOR`): an operator id, as the
 * log requires, so a bad one is a flag error instead of a refused write.
 */
export const ActorFlag = OperatorIdSchema;

/**
 * A date or instant given on the command line (`2026-03-01`,
 * `2026-03-01T09:00:00Z`), or a span back from now (`30d`, `12h`, `2w`): the
 * core's point in time, read as the MCP server reads it.
 * `factory metrics --since/--until` and `factory import codebase --since`
 * use it; {@link parseSince} is its throwing form for other front ends.
 */
export const SinceFlag = PointInTimeSchema;

/**
 * Parses a `--since` value (see {@link SinceFlag}) into a date: a span such as
 * `30d` counts back from now.
 *
 * @throws UsageError naming `flag` when the value is neither a date nor a span.
 * @example
 * ```ts
 * parseSince("30d"); // 30 days before now
 * parseSince("2026-03-01", "since"); // 2026-03-01T00:00:00.000Z
 * ```
 */
export function parseSince(value: string, flag = "--since"): Date {
  return parseFlag(SinceFlag, value, flag);
}

/**
 * A folder given on the command line (`--instructions <repo>`): made absolute,
 * and it must exist and be a folder.
 */
export const FolderFlag = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .transform((value, ctx) => {
    const path = resolve(value);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory() === true) return path;
    ctx.addIssue({
      code: "custom",
      message: `${path} ${stat === undefined ? "does not exist" : "is not a folder"}`,
    });
    return z.NEVER;
  });

const SQLITE_HEADER = "SQLite format 3\0";

/**
 * The store as shown in messages and JSON output, its password replaced by
 * `***`: core's {@link redactStore}, which the commands import from here.
 */
export { redactStore };

/** Whether a validated store value names PostgreSQL (else it is a SQLite file path). */
export function isPostgresStore(store: string): boolean {
  return isPostgresUrl(store);
}

/**
 * Parses a store given on the command line (`--store`, `--from`, `--to`): a
 * `postgres://` or `postgresql://` URL, or a path to a SQLite file (resolved
 * against the current folder). A blank value is refused: `--store "$URL"`
 * with the variable unset must not quietly use `<dir>/factory.db` instead.
 *
 * @throws UsageError naming the flag when the value is blank or malformed; the value is shown without its password.
 */
export function parseStoreFlag(value: string, flag: string): string;
export function parseStoreFlag(value: string | undefined, flag: string): string | undefined;
export function parseStoreFlag(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "")
    throw new UsageError(
      `${flag}: must not be empty; give a postgres:// URL or a SQLite file (got "${value}")`,
    );
  const result = StoreFlag.safeParse(value.trim());
  if (result.success) return result.data;
  throw new UsageError(`${flag}: ${problemsOf(result.error.issues)} (got ${redactStore(value)})`);
}

/** A store: a PostgreSQL URL, or a SQLite file path made absolute. */
const StoreFlag = z.string().transform((value, ctx) => {
  if (isPostgresUrl(value)) {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    if (url === undefined) {
      ctx.addIssue({ code: "custom", message: "is not a valid URL (postgres://user@host:5432/database)" });
      return z.NEVER;
    }
    const schema = url.searchParams.get("schema");
    if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      ctx.addIssue({
        code: "custom",
        message: "schema must be 1-63 chars of [a-z0-9_], starting with a letter or underscore",
      });
      return z.NEVER;
    }
    return value;
  }
  const mistyped = mistypedStoreUrl(value);
  if (mistyped !== undefined) {
    ctx.addIssue({ code: "custom", message: mistyped });
    return z.NEVER;
  }
  const path = resolve(value);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isDirectory()) {
    ctx.addIssue({
      code: "custom",
      message: `${path} is a folder; give the SQLite file (such as factory.db)`,
    });
    return z.NEVER;
  }
  if (stat !== undefined && stat.size > 0 && !hasSqliteHeader(path)) {
    ctx.addIssue({ code: "custom", message: `${path} is not a SQLite file` });
    return z.NEVER;
  }
  return path;
});

function hasSqliteHeader(path: string): boolean {
  const buffer = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(path, "r");
  try {
    readSync(fd, buffer, 0, buffer.length, 0);
  } finally {
    closeSync(fd);
  }
  return buffer.toString("latin1") === SQLITE_HEADER;
}

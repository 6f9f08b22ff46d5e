/**
 * Checks of filter values against what the factory knows (its lines, its
 * pipeline's stages, the kinds its rules check, the deployments and incidents
 * it recorded), so a mistyped filter is an error instead of an empty answer.
 *
 * @module
 */
import { type Stats, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { NotFoundError, OperatorIdSchema } from "@software-factory/core";
import { EntityIdSchema } from "@software-factory/floorplan";
import type { Factory } from "@software-factory/intelligence";
import { UsageError } from "./exitCodes.js";
import { IdValue, NameValue, parseFlag } from "./flags.js";

/**
 * Refuses a blank value of a flag that names something: it is malformed as
 * typed (`--line ""`, say, from an unset variable), not an id that names nothing.
 *
 * @throws UsageError naming the flag.
 */
function requireNotBlank(value: string, flag: string): void {
  if (value.trim() === "") throw new UsageError(`${flag}: must not be empty (got ${JSON.stringify(value)})`);
}

/**
 * A `--line` value: not blank, and a line id by the floor plan's rule, so a
 * value no floor plan can have (`Checkout`, `"two words"`) is malformed.
 */
export const LineFlag = NameValue.pipe(EntityIdSchema);

/**
 * Refuses a line the floor plan does not have. A value that cannot be a line
 * id (`"two words"`, `Checkout`) is malformed, as no floor plan can have it.
 *
 * @throws UsageError naming the flag and the rule when a line is blank or not a line id.
 * @throws NotFoundError (`E_NOT_FOUND`, entity `line`) naming the line and the flag.
 */
export async function requireLines(factory: Factory, lines: readonly string[], flag: string): Promise<void> {
  if (lines.length === 0) return;
  for (const line of lines) parseFlag(LineFlag, line, flag);
  await factory.floorplan.refresh();
  for (const line of lines) if (!factory.floorplan.hasLine(line)) throw lineNotFound(line, flag);
}

/** The refusal of a line given in `flag` that names none, as every command tells it. */
function lineNotFound(line: string, flag: string): NotFoundError {
  return new NotFoundError({
    message: `${flag}: no line "${line}" in the floor plan (see factory floorplan)`,
    entity: "line",
    id: line,
    field: flag,
  });
}

/**
 * Runs an SDK read or check filtered on the line given in `flag`, the value
 * checked first as a line id. The SDK refuses a line it does not know (one
 * neither in the floor plan nor named by the history: a line retired from
 * the floor plan is answered with its history); that refusal is told here in
 * the command line's words.
 *
 * @throws UsageError naming the flag and the rule when the line is blank or not a line id.
 * @throws NotFoundError (`E_NOT_FOUND`, entity `line`) naming the line and the flag.
 */
export async function filteredOnLine<T>(
  line: string | undefined,
  flag: string,
  read: () => T | Promise<T>,
): Promise<T> {
  if (line !== undefined) parseFlag(LineFlag, line, flag);
  try {
    return await read();
  } catch (error) {
    const aboutLine =
      error instanceof NotFoundError &&
      error.entity === "line" &&
      error.field === "line" &&
      error.id === line;
    throw line !== undefined && aboutLine ? lineNotFound(line, flag) : error;
  }
}

/**
 * Runs a knowledge search or listing filtered on the lines given in `flag`
 * (repeatable), each checked first as a line id. The SDK refuses a line it
 * does not know (one neither in the floor plan nor filed on by a document: a
 * line retired from the floor plan finds its documents); that refusal is told
 * here in the command line's words, as {@link filteredOnLine} tells one line.
 *
 * @throws UsageError naming the flag and the rule when a line is blank or not a line id.
 * @throws NotFoundError (`E_NOT_FOUND`, entity `line`) naming the line and the flag.
 */
export async function filteredOnLines<T>(
  lines: readonly string[] | undefined,
  flag: string,
  read: () => Promise<T>,
): Promise<T> {
  for (const line of lines ?? []) parseFlag(LineFlag, line, flag);
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof NotFoundError) || error.entity !== "line") throw error;
    const line = lines?.find((given, index) => error.field === `lines[${index}]` && error.id === given);
    throw line === undefined ? error : lineNotFound(line, flag);
  }
}

/**
 * Refuses an operator the factory does not know: not in the floor plan, and
 * owning or working on no work item (an operator retired from the plan keeps
 * their history), as the SDK's `work.list({ owner })` refuses one.
 * A value that cannot be an operator id (`"Ana Lima"`) is malformed.
 *
 * @throws UsageError naming the flag and the rule when the operator is blank or not an operator id.
 * @throws NotFoundError (`E_NOT_FOUND`, entity `operator`) naming the operator and the flag.
 */
export async function requireOperator(factory: Factory, operator: string, flag: string): Promise<void> {
  parseFlag(NameValue.pipe(OperatorIdSchema), operator, flag);
  await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
  try {
    // The SDK refuses an owner neither in the floor plan nor with work; told here in the command line's words.
    factory.work.list({ owner: operator });
  } catch (error) {
    if (!(error instanceof NotFoundError) || error.field !== "owner" || error.id !== operator) throw error;
    throw new NotFoundError({
      message: `${flag}: no operator "${operator}" in the floor plan or owning work (see factory floorplan)`,
      entity: "operator",
      id: operator,
      field: flag,
    });
  }
}

/**
 * Refuses a stage the factory's pipeline does not have.
 *
 * @throws UsageError naming the flag and listing the stages (quoting the
 *   stage cut when it is longer than any id).
 */
export function requireStage(factory: Factory, stage: string, flag: string): void {
  parseFlag(IdValue, stage, flag);
  const stages = factory.work.pipeline.stages.map((known) => known.name);
  if (!stages.includes(stage))
    throw new UsageError(`${flag}: no stage "${stage}"; the stages are ${stages.join(", ")}`);
}

/**
 * Refuses a target kind that none of the factory's rules checks.
 *
 * @throws UsageError naming the flag and listing the kinds.
 */
export function requireRuleKind(factory: Factory, kind: string, flag: string): void {
  const kinds = [...new Set(factory.standards.rules().map((rule) => rule.appliesTo))].sort();
  if (!kinds.includes(kind))
    throw new UsageError(
      `${flag}: no rule checks targets of kind "${kind}"; the kinds are ${kinds.join(", ")}`,
    );
}

/**
 * Refuses a work item the assembly line does not have.
 *
 * @throws UsageError naming the flag when the id is blank or longer than any id.
 * @throws NotFoundError (`E_NOT_FOUND`, entity `work item`) naming the item and the flag.
 */
export async function requireWorkItem(factory: Factory, id: string, flag: string): Promise<void> {
  requireNotBlank(id, flag);
  parseFlag(IdValue, id, flag);
  await factory.work.refresh();
  if (factory.work.get(id) !== undefined) return;
  throw new NotFoundError({
    message: `${flag}: no work item "${id}" (see factory work list)`,
    entity: "work item",
    id,
    field: flag,
  });
}

/**
 * Refuses a source a command reads when it is missing (or a file where a
 * folder is needed, or the other way round), before the factory opens: an
 * import may create the factory, and a mistyped path must not leave a new,
 * empty one behind. With `flag`, the source came from that flag
 * (`--file`), which starts the message and is the error's `field`. An empty
 * path is malformed, not missing: it would read the current folder.
 *
 * @throws UsageError (naming the flag) when the path is empty.
 * @throws NotFoundError (`E_NOT_FOUND`, entity `file` or `folder`) naming the path (and the flag).
 */
export function requireSource(path: string, kind: "file" | "folder", flag?: string): void {
  if (path === "")
    throw new UsageError(
      flag === undefined ? `the ${kind} path must not be empty` : `${flag}: must not be empty`,
    );
  const stat = statSync(resolve(path), { throwIfNoEntry: false });
  if (kind === "file" ? stat?.isFile() === true : stat?.isDirectory() === true) return;
  const problem = `no ${kind} ${path}${stat === undefined ? "" : ` (${whatItIs(stat)})`}`;
  throw new NotFoundError({
    message: flag === undefined ? problem : `${flag}: ${problem}`,
    entity: kind,
    id: path,
    ...(flag === undefined ? {} : { field: flag }),
  });
}

/**
 * Refuses a file a loader reads and tells problems of (`plan check`, `plan
 * apply`, `init --plan`) as {@link requireSource} refuses a file, before
 * anything is read: missing, or a device or socket (`/dev/zero` would be
 * read forever). A pipe is read, as a plan has always been read from one
 * (`plan check <(git show main:factory.yaml)`), to its end. A folder is left
 * to the loader, which tells it as a problem of the file (`is a folder, not
 * a file`).
 *
 * @throws UsageError (naming the flag) when the path is empty.
 * @throws NotFoundError (`E_NOT_FOUND`, entity `file`) naming the path (and the flag).
 */
export function requireFileToLoad(path: string, flag?: string): void {
  // An empty path is no folder, though it resolves to the current one.
  const stat = path === "" ? undefined : statSync(resolve(path), { throwIfNoEntry: false });
  if (stat?.isDirectory() === true || stat?.isFIFO() === true) return;
  requireSource(path, "file", flag);
}

/** What a path that is not the file or folder asked for is instead: a folder, a file, or a device, pipe or socket. */
function whatItIs(stat: Stats): string {
  if (stat.isDirectory()) return "it is a folder";
  if (stat.isFile()) return "it is a file";
  return "it is a device, pipe or socket, not a file";
}

/**
 * Refuses a file a command is to write (`--out`, `--mermaid`) when it cannot
 * be written there, before anything is read or opened, so a refused path
 * leaves no import half done: an empty path, one in a folder that does not
 * exist, or a folder itself.
 *
 * @throws UsageError naming the flag when the path is empty or a folder.
 * @throws NotFoundError (`E_NOT_FOUND`, entity `folder`) naming the flag and the folder that does not exist.
 */
export function requireFileToWrite(path: string, flag: string): void {
  if (path.trim() === "") throw new UsageError(`${flag}: must not be empty (got ${JSON.stringify(path)})`);
  requireSource(dirname(resolve(path)), "folder", flag);
  if (statSync(resolve(path), { throwIfNoEntry: false })?.isDirectory() === true)
    throw new UsageError(`${flag}: ${path} is a folder; give the path of the file to write`);
}

/**
 * Refuses a deployment the factory does not have (`incident open --deployment`).
 *
 * @throws UsageError naming the flag when the id is blank.
 * @throws NotFoundError (`E_NOT_FOUND`, entity `deployment`) naming the deployment and the flag.
 */
export async function requireDeployment(factory: Factory, id: string, flag: string): Promise<void> {
  await requireRecorded(factory, { entity: "deployment", id, flag }, () => factory.work.deployment(id));
}

/**
 * Refuses an incident the factory does not have (`deployment record --remediates`).
 *
 * @throws UsageError naming the flag when the id is blank.
 * @throws NotFoundError (`E_NOT_FOUND`, entity `incident`) naming the incident and the flag.
 */
export async function requireIncident(factory: Factory, id: string, flag: string): Promise<void> {
  await requireRecorded(factory, { entity: "incident", id, flag }, () => factory.work.incident(id));
}

/** Refuses an id the assembly line does not know, after reading what other processes wrote. */
async function requireRecorded(
  factory: Factory,
  { entity, id, flag }: { entity: string; id: string; flag: string },
  find: () => unknown,
): Promise<void> {
  requireNotBlank(id, flag);
  await factory.work.refresh();
  if (find() !== undefined) return;
  throw new NotFoundError({
    message: `${flag}: no ${entity} "${id}" in this factory`,
    entity,
    id,
    field: flag,
  });
}

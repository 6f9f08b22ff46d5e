/**
 * Checks of filter values against what the factory knows (its lines, its
 * operators, its pipeline's stages), so a mistyped filter is an error naming
 * the value and the argument instead of an empty answer. The `factory` command
 * checks its flags the same way.
 *
 * @module
 */
import { NotFoundError, nearNames } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";

/**
 * Where to look when a value is unknown: the known values close to it, as
 * `impact_of_change` names them (`(did you mean "checkout"?)`), else `where`.
 */
export function nearHint(value: string, known: readonly string[], where: string): string {
  const near = nearNames(value, known);
  return near.length === 0 ? `(${where})` : `(did you mean ${near.map((id) => `"${id}"`).join(" or ")}?)`;
}

/**
 * How an agent fills an empty floor plan: `import_codebase` is off by default
 * (it reads the server's folders), so it says how to serve it, and the
 * commands that do it without the server.
 */
export const FILL_THE_FLOOR_PLAN =
  "import_codebase fills it from a repository (a tool of the import group, which a server serves when started with --tools knowledge,floorplan,work,standards,skills,import), as `factory import codebase <repo>` does on the command line; `factory plan apply factory.yaml` applies a plan written by hand";

/**
 * Refuses a line the floor plan does not have; when it has none, says that
 * it is empty and how to fill it ({@link FILL_THE_FLOOR_PLAN}).
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `line`) naming the line and the argument, and the lines close to it.
 */
export async function requireLine(factory: Factory, line: string, field: string): Promise<void> {
  await factory.floorplan.refresh();
  if (factory.floorplan.hasLine(line)) return;
  throw unknownLine(factory, line, field);
}

/** The refusal of a line the floor plan does not have, in this server's words (see {@link requireLine}). */
function unknownLine(factory: Factory, line: string, field: string): NotFoundError {
  const known = factory.floorplan.lines().map((known) => known.id);
  const where =
    known.length === 0
      ? `: the floor plan is empty, it has no line yet; ${FILL_THE_FLOOR_PLAN}`
      : ` in the floor plan ${nearHint(line, known, "factory://floorplan lists them")}`;
  return new NotFoundError({
    message: `${field}: no line "${line}"${where}`,
    entity: "line",
    id: line,
    field,
  });
}

/**
 * Runs an SDK read or check filtered on `line` (the tool's argument `field`).
 * The SDK refuses a line it does not know: one neither in the floor plan nor
 * named by the history (a line retired from the floor plan answers with its
 * history); that refusal is told in this server's words, as {@link requireLine} tells it.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `line`) naming the line and the argument, and the lines close to it.
 */
export async function filteredOnLine<T>(
  factory: Factory,
  line: string | undefined,
  field: string,
  read: () => T | Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const aboutLine =
      error instanceof NotFoundError &&
      error.entity === "line" &&
      error.field === "line" &&
      error.id === line;
    throw line !== undefined && aboutLine ? unknownLine(factory, line, field) : error;
  }
}

/**
 * Runs a knowledge search or listing filtered on `lines` (the tool's argument
 * `field`). The knowledge base refuses a line it does not know: one neither in
 * the floor plan nor filed on by a document (a line retired from the floor
 * plan finds its documents); that refusal is told in this server's words, at
 * its place (`lines[1]`), as {@link requireLines} tells it.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `line`) naming the first such line and its place, and the lines close to it.
 */
export async function filteredOnLines<T>(
  factory: Factory,
  lines: readonly string[] | undefined,
  field: string,
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof NotFoundError) || error.entity !== "line" || lines === undefined) throw error;
    const index = lines.findIndex((given, at) => error.field === `lines[${at}]` && error.id === given);
    const line = lines[index];
    throw line === undefined ? error : unknownLine(factory, line, `${field}[${index}]`);
  }
}

/**
 * Refuses any line of a list that the floor plan does not have.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `line`) naming the first such line and its place (`lines[1]`).
 */
export async function requireLines(factory: Factory, lines: readonly string[], field: string): Promise<void> {
  for (const [index, line] of lines.entries()) await requireLine(factory, line, `${field}[${index}]`);
}

/** The ids of the floor plan's operators, for naming those close to an unknown one. */
export function operatorIds(factory: Factory): string[] {
  return (factory.floorplan.toPlan().operators ?? []).map((operator) => operator.id);
}

/**
 * Refuses an operator who is neither in the floor plan nor owns a work item
 * (an owner the plan has since dropped still has history to filter on).
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `operator`) naming the operator and the argument, and the operators close to it.
 */
export async function requireOperator(factory: Factory, operator: string, field: string): Promise<void> {
  await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
  try {
    // The SDK refuses an owner neither in the floor plan nor with work; told in this server's words.
    factory.work.list({ owner: operator });
  } catch (error) {
    if (!(error instanceof NotFoundError) || error.field !== "owner" || error.id !== operator) throw error;
    throw new NotFoundError({
      message: `${field}: no operator "${operator}" in the floor plan, and no work item is theirs ${nearHint(operator, operatorIds(factory), "factory://floorplan lists the operators")}`,
      entity: "operator",
      id: operator,
      field,
    });
  }
}

/**
 * Refuses an operator the floor plan does not declare, where only such an
 * operator may be named: a work item's new owner or contributors.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `operator`) naming the operator and the argument, and the operators close to it.
 */
export async function requirePlanOperator(factory: Factory, operator: string, field: string): Promise<void> {
  await factory.floorplan.refresh();
  if (factory.floorplan.hasOperator(operator)) return;
  throw new NotFoundError({
    message: `${field}: no operator "${operator}" in the floor plan ${nearHint(operator, operatorIds(factory), "factory://floorplan lists the operators")}`,
    entity: "operator",
    id: operator,
    field,
  });
}

/**
 * Refuses a stage the factory's pipeline does not have.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `stage`) naming the stage and listing the pipeline's stages.
 */
export function requireStage(factory: Factory, stage: string, field: string): void {
  const stages = factory.work.pipeline.stages.map((known) => known.name);
  if (stages.includes(stage)) return;
  throw new NotFoundError({
    message: `${field}: no stage "${stage}"; the stages are ${stages.join(", ")}`,
    entity: "stage",
    id: stage,
    field,
  });
}

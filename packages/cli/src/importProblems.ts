/**
 * How an import that met problems says so, the same for `import docs` and
 * the connectors (`import jsonl`, `junit`, `issues`, `git`): the process
 * exits 1 and a first line `error: E_IMPORT_PROBLEMS: ...` goes to standard
 * error, as for every failure; the problems follow it there (or, with
 * `--json`, under `problems` on standard output, which stays JSON only).
 *
 * @module
 */
import { counted } from "./plural.js";
import type { Session } from "./Session.js";

/**
 * When `count` is not 0: marks the run failed (exit 1) and writes the
 * `error: E_IMPORT_PROBLEMS: <subject>: N problems; the <items> they name
 * were not imported, the others were (listed below)` line on standard
 * error, `listed under problems` with `--json`. The caller writes the
 * problems themselves after it, with `output.error` (or in its JSON).
 *
 * @param subject - what was imported, as the summary names it (the folder, the file).
 * @param items - what a problem names: `files` for a folder, `records` for a connector.
 */
export function reportImportProblems(
  { options, output, fail }: Session,
  subject: string,
  count: number,
  items: "files" | "records",
): void {
  if (count === 0) return;
  fail();
  output.error(
    `error: E_IMPORT_PROBLEMS: ${subject}: ${counted(count, "problem")}; the ${items} they name were not imported, the others were (${options.json ? "listed under problems" : "listed below"})`,
  );
}

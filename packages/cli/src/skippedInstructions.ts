/**
 * The warning lines of instruction files the factory skipped because they
 * are malformed (a `.mdc` whose front matter does not parse, say): what
 * `--instructions` read, the rest, is used, and these say what was not.
 *
 * @module
 */
import type { ValidationIssue } from "@software-factory/core";

/** One `warning:` line per skipped instruction file, at its file, line and column. */
export function skippedInstructionWarnings(skipped: readonly ValidationIssue[], folder: string): string[] {
  return skipped.map((issue) => {
    const place = [issue.file ?? folder, issue.line, issue.column].filter((part) => part !== undefined);
    return `warning: instruction file ${place.join(":")} ${issue.message}`;
  });
}

/**
 * Lines for a person that follow an error's first line, saying how to do what
 * the refusal asks for (the first line stays the contract scripts read).
 *
 * @module
 */
import { EvidenceMissingError } from "@software-factory/core";

/** How to record one missing evidence kind for a work item, with the commands that do it. */
function evidenceHint(kind: string, item: string): string {
  if (kind === "changeSet")
    return `  record a changeSet: commit with a "Factory-Item: ${item}" trailer and run factory import git, or factory work artifact ${item} --kind changeSet --title <title> --fields '{"commit":"<sha>","paths":["<path>"]}'`;
  if (kind === "testEvidence")
    return `  record testEvidence with no failed test: factory import junit <report.xml> --work-item ${item}, or factory work artifact ${item} --kind testEvidence --title <title> --fields '{"runId":"<id>","passed":<n>,"failed":0}'`;
  return `  record a ${kind}: factory work artifact ${item} --kind ${kind} --title <title>`;
}

/**
 * The lines to print after `error: <code>: <message>` for a person: for a move
 * refused for missing evidence (`E_EVIDENCE_MISSING`), one per missing kind
 * with the commands that record it; none for other errors.
 */
export function errorHints(error: unknown): string[] {
  if (!(error instanceof EvidenceMissingError)) return [];
  return error.missing.map((kind) => evidenceHint(kind, error.item));
}

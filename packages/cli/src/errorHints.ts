/**
 * Lines for a person that follow an error's first line, saying how to do what
 * the refusal asks for (the first line stays the contract scripts read).
 *
 * @module
 */
import { EvidenceMissingError, GateFailedError } from "@software-factory/core";
import { noSuspectLinksGate } from "@software-factory/intelligence";

/** How to record one missing evidence kind for a work item, with the commands that do it. */
function evidenceHint(kind: string, item: string): string {
  if (kind === "changeSet")
    return `  record a changeSet: commit with a "Factory-Item: ${item}" trailer and run factory import git, or factory work artifact ${item} --kind changeSet --title <title> --fields '{"commit":"<sha>","paths":["<path>"]}'`;
  if (kind === "testEvidence")
    return `  record testEvidence with no failed test: factory import junit <report.xml> --work-item ${item}, or factory work artifact ${item} --kind testEvidence --title <title> --fields '{"runId":"<id>","passed":<n>,"failed":0}'`;
  return `  record a ${kind}: factory work artifact ${item} --kind ${kind} --title <title>`;
}

/**
 * What to do about a move refused by gates: each gate's hints, once each,
 * and for suspect links the commands that find and review them.
 */
function gateHints(error: GateFailedError): string[] {
  const hints = new Set(
    error.findings.flatMap((finding) =>
      finding.hint === undefined ? [] : [`  ${finding.gate}: ${finding.hint}`],
    ),
  );
  if (error.findings.some((finding) => finding.gate === noSuspectLinksGate.name))
    hints.add(
      `  factory work show ${error.item} lists the suspect links; factory work review <link-id> --verdict keep|adapted|obsolete reviews one`,
    );
  return [...hints];
}

/**
 * The lines to print after `error: <code>: <message>` for a person: for a move
 * refused for missing evidence (`E_EVIDENCE_MISSING`), one per missing kind
 * with the commands that record it; for a move refused by gates
 * (`E_GATE_FAILED`), the gates' hints and, for suspect links, the commands
 * that review them; none for other errors.
 */
export function errorHints(error: unknown): string[] {
  if (error instanceof GateFailedError) return gateHints(error);
  if (!(error instanceof EvidenceMissingError)) return [];
  return error.missing.map((kind) => evidenceHint(kind, error.item));
}

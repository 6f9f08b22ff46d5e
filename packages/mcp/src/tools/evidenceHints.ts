/**
 * What `advance_work_item` adds to a refusal for missing evidence: the
 * `record_artifact` call that records each missing kind, so an agent told
 * "no changeSet artifact" knows the fields it takes.
 *
 * @module
 */
import { EvidenceMissingError } from "@software-factory/core";

/** The fields of each evidence kind, as a call shows them. */
const EVIDENCE_FIELDS: Readonly<Record<string, string>> = {
  changeSet: '{"commit":"<sha>","paths":["<path>"]}',
  testEvidence: '{"runId":"<run id>","passed":<n>,"failed":0}',
};

/**
 * The error to answer for `error`: an {@link EvidenceMissingError} with the
 * `record_artifact` call of each missing kind appended to its message (the
 * same code and data), any other error as it is.
 */
export function withEvidenceHint(error: unknown): unknown {
  if (!(error instanceof EvidenceMissingError)) return error;
  const calls = error.missing.map(
    (kind) =>
      `record_artifact {"id":"<id>","kind":"${kind}","title":"<title>","workItem":"${error.item}","fields":${EVIDENCE_FIELDS[kind] ?? "{}"}}`,
  );
  return new EvidenceMissingError({
    message: `${error.message}; record it with ${calls.join(" and ")}, then ${error.move} again`,
    item: error.item,
    stage: error.stage,
    move: error.move,
    missing: error.missing,
  });
}

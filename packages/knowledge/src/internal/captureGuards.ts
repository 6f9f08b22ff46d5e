/**
 * What a capture checks of the documents it names or replays: a retried
 * capture is the same capture, and a decision supersedes only decisions.
 *
 * @module
 */
import { formatIssues, IdempotencyConflictError, ValidationError } from "@software-factory/core";
import type { KnowledgeDocument } from "../DocumentStore.js";
import { aKind } from "./aKind.js";
import { requireReplacementInForce } from "./retractedGuards.js";

/**
 * The document an earlier capture with the same key stored, when it was the
 * same capture. A capture that superseded documents is not replayed once its
 * document is retracted: the retry would report a replacement that replaces
 * nothing in force.
 *
 * @throws IdempotencyConflictError when the key captured a different document.
 * @throws DocumentRetractedError when the capture superseded documents and its document was retracted since.
 */
export function sameCapture(
  earlier: KnowledgeDocument,
  title: string,
  body: string,
  key: string,
): KnowledgeDocument {
  const first = earlier.revisions[0];
  if (first === undefined || first.title !== title || first.body !== body) {
    throw new IdempotencyConflictError({
      message: `idempotency key "${key}" was already used to capture a different document (${earlier.id}); use a new key`,
      key,
    });
  }
  if (earlier.supersedes.length > 0) requireReplacementInForce(earlier, key);
  return earlier;
}

/**
 * Refuses a decision superseding a document that is no decision: the decision
 * log replaces decisions, and the older one's status becomes `superseded`,
 * which a note or an insight does not have.
 */
export function requireDecision(earlier: KnowledgeDocument, path: string): void {
  if (earlier.kind === "decision") return;
  const issues = [
    {
      path,
      message: `${earlier.id} is ${aKind(earlier.kind)}, not a decision: a decision supersedes only earlier decisions (link to it instead)`,
    },
  ];
  throw new ValidationError({ message: formatIssues("document", issues), issues });
}

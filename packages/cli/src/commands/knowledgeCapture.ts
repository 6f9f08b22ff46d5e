/**
 * What `factory knowledge capture` writes: a document, and for a `--file`
 * one document per file, as MCP's `capture_knowledge` keeps one per
 * `source.uri`: the same file captured again revises its document (or finds
 * nothing to change) rather than adding an identical second one.
 *
 * @module
 */
import { formatIssues, ValidationError, type ValidationIssue } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import type { CaptureInput, KnowledgeDocument } from "@software-factory/knowledge";

/** What a capture did: `captured` a new document, `revised` the live one of its file, or left it `unchanged`. */
export type CaptureOutcome = "captured" | "revised" | "unchanged";

/** A document as `knowledge capture` writes it, its source the CLI's (with the file's path as `uri` for `--file`). */
export type CliCapture = CaptureInput & {
  readonly source: { readonly system: string; readonly uri?: string | undefined };
};

/**
 * Refuses what capturing a file again cannot do, since it revises the file's
 * document: change its kind, or supersede a document it does not supersede
 * yet (a supersession counts only when a document is created). The issues
 * name the fields (`kind`, `supersedes[0]`), which the command names as its
 * flags.
 */
function requireRevisable(existing: KnowledgeDocument, capture: CliCapture, file: string): void {
  const holds = `document ${existing.id} holds ${file}, and capturing it again revises that document`;
  const issues: ValidationIssue[] = [];
  if (existing.kind !== capture.kind)
    issues.push({
      path: "kind",
      message: `${holds}, which keeps its kind: give --kind ${existing.kind}, or retract ${existing.id} first to capture it anew`,
    });
  for (const [index, id] of (capture.supersedes ?? []).entries())
    if (!existing.supersedes.includes(id))
      issues.push({
        path: `supersedes[${index}]`,
        message: `${holds}, and a revision supersedes nothing: leave ${id} out, or retract ${existing.id} first to capture it anew`,
      });
  if (issues.length > 0)
    throw new ValidationError({ message: formatIssues("knowledge capture", issues), issues });
}

/**
 * Writes a capture: without a file, a new document (once per idempotency
 * key); with one (`source.uri`), a revision of the live document the CLI
 * captured from that file to this capture's title, body, tags and lines,
 * with the reason `captured again from <file>`, or a new document when the
 * file has none or only a retracted one. A revision keeps the document's
 * first source (its author and date).
 *
 * @throws ValidationError naming `kind` or `supersedes[i]` when the file's live document is of another kind, or the capture supersedes a document that document does not.
 */
export async function captureDocument(
  factory: Factory,
  capture: CliCapture,
  options: { readonly actor: string; readonly idempotencyKey?: string },
): Promise<{ readonly document: KnowledgeDocument; readonly outcome: CaptureOutcome }> {
  const { system, uri } = capture.source;
  if (uri === undefined)
    return { document: await factory.knowledge.capture(capture, options), outcome: "captured" };
  const existing = await factory.knowledge.bySource(system, uri);
  if (existing !== undefined && existing.retracted === undefined) requireRevisable(existing, capture, uri);
  return factory.knowledge.captureOrRevise(
    { ...capture, source: { ...capture.source, uri } },
    { ...options, reason: `captured again from ${uri}` },
  );
}

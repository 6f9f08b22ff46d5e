/**
 * Links between documents and what they point at, as `work show` and
 * `knowledge show` print them: the documents linked to a work item or a
 * document (read with the SDK's `knowledge.linksTo`, or as of an instant), and the title of what a
 * document's link points at.
 *
 * @module
 */
import type { Factory } from "@software-factory/intelligence";
import { DocumentUnlinked, isInForce, type KnowledgeDocument } from "@software-factory/knowledge";
import type { Output } from "../Output.js";
import { oneLine } from "../printable.js";

/** A document linked to a work item or a document, as `work show --json` and `knowledge show --json` print it. */
export interface LinkedDocument {
  /** The document's id. */
  readonly id: string;
  /** Its title. */
  readonly title: string;
  /** Its kind (`requirement`, `conversation`...). */
  readonly kind: string;
  /** The type of its link (`informs`, `evidenceFor`...). */
  readonly linkType: string;
  /** Whether it is in force: neither retracted nor superseded, and not expired. */
  readonly current: boolean;
  /** Why it is not in force (`retracted`, `superseded`, `expired`); absent when it is. */
  readonly status?: string;
}

/** `retracted`, `superseded` or `expired` for a document no longer in force, else `undefined`. */
export function documentStatus(document: KnowledgeDocument): string | undefined {
  if (document.retracted !== undefined) return "retracted";
  if (document.supersededBy !== undefined) return "superseded";
  if (document.validTo !== undefined && document.validTo <= new Date().toISOString()) return "expired";
  return undefined;
}

/** The documents with a link to `target` (a work item, a document...), in force first, then newest first. */
export async function linkedDocuments(factory: Factory, target: string): Promise<LinkedDocument[]> {
  return (await factory.knowledge.linksTo(target)).map(({ type, document, current }) => {
    const status = current ? undefined : (documentStatus(document) ?? "expired");
    return {
      id: document.id,
      title: document.title,
      kind: document.kind,
      linkType: type,
      current,
      ...(status === undefined ? {} : { status }),
    };
  });
}

/** `retracted`, `superseded` or `expired` for a document not in force at the instant `at`, else `undefined`. */
function statusAt(document: KnowledgeDocument, at: string): string | undefined {
  if (isInForce(document, at)) return undefined;
  if (document.retracted !== undefined && document.retracted.at <= at) return "retracted";
  if (document.supersededBy !== undefined && document.supersededBy.at <= at) return "superseded";
  return "expired";
}

/**
 * The documents with a link to `target` at the instant `asOf` (ISO), each as
 * it read then and whether it was in force then, in force first, then newest
 * first: those linked now and those whose link to it was removed since are
 * the only ones that can have had one, and each is kept when its links as of
 * that instant hold one to `target`.
 */
export async function linkedDocumentsAt(
  factory: Factory,
  target: string,
  asOf: string,
): Promise<LinkedDocument[]> {
  const unlinked = await factory.log.read({ types: [DocumentUnlinked.type] });
  const ids = new Set([
    ...(await factory.knowledge.linksTo(target)).map(({ document }) => document.id),
    ...unlinked
      .filter((event) => DocumentUnlinked.is(event) && event.data.target === target)
      .map((event) => event.subject),
  ]);
  const rows: { document: KnowledgeDocument; linked: LinkedDocument }[] = [];
  for (const id of ids) {
    const document = await factory.knowledge.get(id, { asOf });
    for (const link of document?.links ?? []) {
      if (document === undefined || link.target !== target) continue;
      const status = statusAt(document, asOf);
      const linked = {
        id,
        title: document.title,
        kind: document.kind,
        linkType: link.type,
        current: status === undefined,
        ...(status === undefined ? {} : { status }),
      };
      rows.push({ document, linked });
    }
  }
  return rows
    .sort(
      (a, b) =>
        Number(b.linked.current) - Number(a.linked.current) ||
        b.document.createdAt.localeCompare(a.document.createdAt),
    )
    .map(({ linked }) => linked);
}

/** `linked` as rows: `<label><link type> <id> "<title>" [<kind>]`, and why it is not in force when it is not. */
export function printLinkedDocuments(output: Output, label: string, linked: readonly LinkedDocument[]): void {
  for (const document of linked) {
    const status = document.status === undefined ? "" : `  ${output.style("yellow", document.status)}`;
    output.line(
      `${label}${document.linkType} ${document.id} "${oneLine(document.title)}" [${document.kind}]${status}`,
    );
  }
}

/**
 * What a link points at, as `knowledge show` names it: `document "<title>"`,
 * `work item "<title>"`, `artifact "<title>"` or `line "<name>"` (its
 * description when it has no name, nothing more when it has neither);
 * `undefined` when the factory has nothing of that id.
 */
export async function linkTarget(factory: Factory, target: string): Promise<string | undefined> {
  const quoted = (what: string, title: string | undefined) =>
    title === undefined ? what : `${what} "${oneLine(title)}"`;
  const document = await factory.knowledge.get(target);
  if (document !== undefined) return quoted("document", document.title);
  const item = factory.work.get(target);
  if (item !== undefined) return quoted("work item", item.title);
  const artifact = factory.work.artifact(target);
  if (artifact !== undefined) return quoted("artifact", artifact.title);
  const line = factory.floorplan.line(target);
  return line === undefined ? undefined : quoted("line", line.name ?? line.description);
}

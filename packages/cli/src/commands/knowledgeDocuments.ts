/**
 * What the `factory knowledge` commands share: the documents their `<id>`
 * and `--supersedes` name, checked before a write, the source they write
 * documents as, and a document as `--json` prints it.
 *
 * @module
 */
import { NotFoundError } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import type { KnowledgeDocument } from "@software-factory/knowledge";
import { IdValue, parseFlag } from "../flags.js";
import { argumentNotFound } from "../namingFlags.js";

/** The source system of documents the CLI writes (`knowledge capture`, `knowledge decide`). */
export const CLI_SOURCE_SYSTEM = "cli";

/** The help of `--idempotency-key` on a command that writes a document: what a retry with the key does. */
export const keyHelp = (retry: string) =>
  `write once: a retry with this key (a CI job or ticket id) ${retry}`;

/**
 * The document an `<id>` argument names (as it read at `asOf`, when given).
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `document`, field `<id>`) naming the id.
 */
export async function requireDocument(
  factory: Factory,
  id: string,
  asOf?: string,
): Promise<KnowledgeDocument> {
  const document = await factory.knowledge.get(id, asOf === undefined ? {} : { asOf });
  if (document !== undefined) return document;
  throw argumentNotFound("<id>", {
    message: `no document "${id}"${asOf === undefined ? "" : ` at ${asOf}`} (see factory knowledge list)`,
    entity: "document",
    id,
  });
}

/**
 * Refuses a `--supersedes` that names no document.
 *
 * @throws UsageError naming `--supersedes` when an id is longer than any id.
 * @throws NotFoundError (`E_NOT_FOUND`, entity `document`, field `--supersedes`) naming the id.
 */
export async function requireSuperseded(factory: Factory, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    if (id !== "") parseFlag(IdValue, id, "--supersedes");
    if (id === "" || (await factory.knowledge.get(id)) !== undefined) continue;
    throw new NotFoundError({
      message: `--supersedes: no document "${id}" (see factory knowledge list)`,
      entity: "document",
      id,
      field: "--supersedes",
    });
  }
}

/** A document as `--json` prints it: everything, its revisions without their bodies. */
export function documentView(document: KnowledgeDocument) {
  return { ...document, revisions: document.revisions.map(({ body: _body, ...revision }) => revision) };
}

/**
 * The `link_knowledge` and `unlink_knowledge` tools of the `knowledge` group:
 * the SDK's `link` and `unlink`, which add or remove a typed link from a
 * document to another document or an artifact.
 *
 * @module
 */
import type { KnowledgeDocument } from "@software-factory/knowledge";
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import { DocumentLink, requireDocument, Stored, stored } from "./knowledgeShared.js";
import { requireLinkTarget } from "./knownRecords.js";
import { ID_MAX, IdempotencyKey, keyed } from "./shared.js";

/** The arguments of `link_knowledge` and `unlink_knowledge`: the document, the link, the key. */
const LinkArguments = z.object({
  id: z
    .string()
    .min(1)
    .max(ID_MAX)
    .describe(
      "Id of the knowledge document the link starts from; search_knowledge and list_knowledge give them",
    ),
  type: DocumentLink.shape.type,
  target: DocumentLink.shape.target,
  idempotencyKey: IdempotencyKey,
});

/** What `link_knowledge` and `unlink_knowledge` answer: the document as stored, with its links after the call. */
const LinksAnswer = Stored.extend({
  links: z
    .array(
      z.looseObject({
        type: z.string().describe("What the link means (relatesTo, informs, evidenceFor)"),
        target: z.string().describe("Id of the linked document or artifact"),
      }),
    )
    .describe("The document's typed links after the call"),
});

/** The {@link LinksAnswer} of a written document. */
const linksAnswer = (document: KnowledgeDocument) => ({
  ...stored(document),
  links: document.links.map(({ type, target }) => ({ type, target })),
});

/** `link_knowledge`: adds a typed link from a document; idempotent with a key. */
export const linkKnowledge = defineTool({
  name: "link_knowledge",
  title: "Link knowledge",
  description:
    "Add a typed link (relatesTo, informs, evidenceFor...) from a knowledge document to a document, work item, signal or artifact of the factory; answers the document's links. A link it already has changes nothing.",
  group: "knowledge",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: LinkArguments,
  output: LinksAnswer,
  run: async (factory, { id, idempotencyKey, ...link }) => {
    await requireDocument(factory, id);
    await requireLinkTarget(factory, link.target, "target");
    return linksAnswer(await factory.knowledge.link(id, link, keyed(idempotencyKey)));
  },
});

/** `unlink_knowledge`: removes a typed link from a document; idempotent with a key. */
export const unlinkKnowledge = defineTool({
  name: "unlink_knowledge",
  title: "Unlink knowledge",
  description:
    "Remove a typed link from a knowledge document; answers the document's links. A link it does not have changes nothing.",
  group: "knowledge",
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  input: LinkArguments,
  output: LinksAnswer,
  run: async (factory, { id, idempotencyKey, ...link }) => {
    await requireDocument(factory, id);
    return linksAnswer(await factory.knowledge.unlink(id, link, keyed(idempotencyKey)));
  },
});

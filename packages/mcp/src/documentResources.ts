/**
 * `factory://documents/{id}`: a knowledge document as markdown, with its
 * provenance. A retracted document says so first (when, why); its body is cut
 * as `get_document` cuts it by default (its `maxTokens`, 4 characters a
 * token), with a note naming the `get_document` call that reads more, so a
 * document a client attaches cannot flood an agent's context.
 *
 * @module
 */
import { type McpServer, ResourceNotFoundError, ResourceTemplate } from "@modelcontextprotocol/server";
import { cutText } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import type { KnowledgeDocument } from "@software-factory/knowledge";
import { documentIds } from "./idCompletions.js";
import { MAX_LISTED } from "./resourceContents.js";
import type { ResourceListing } from "./resourcePages.js";
import { getDocument } from "./tools/knowledgeDocuments.js";
import { decodedVariable } from "./uriVariables.js";

/** `get_document`'s `maxTokens`: its default is the resource's budget, its most what the note offers. */
const maxTokens = getDocument.input.shape.maxTokens;
/** Body tokens a read shows: `get_document`'s default. */
const SHOWN_TOKENS: number = maxTokens.parse(undefined);
/** Body tokens `get_document` reads at most. */
const MOST_TOKENS = maxTokens.unwrap().maxValue as number;
/** Characters of a token, as `get_document` counts them. */
const CHARS_PER_TOKEN = 4;

/** `count` with thousands separators. */
function counted(count: number): string {
  return count.toLocaleString("en-US");
}

/**
 * `document`'s body, cut to {@link SHOWN_TOKENS} as `get_document` cuts it,
 * ending with a note that says so and which `get_document` call reads more.
 */
function shownBody(document: KnowledgeDocument): string {
  const limit = SHOWN_TOKENS * CHARS_PER_TOKEN;
  const { body } = document;
  if (body.length <= limit) return body;
  const most = MOST_TOKENS * CHARS_PER_TOKEN;
  const call = JSON.stringify({ id: document.id, maxTokens: MOST_TOKENS });
  const reads = body.length <= most ? "reads it whole" : `reads its first ${counted(most)}`;
  return `${cutText(body, limit)}... (cut: the body is ${counted(body.length)} characters, ${counted(limit)} shown, get_document's default of ${counted(SHOWN_TOKENS)} tokens; get_document ${call} ${reads})`;
}

/** The markdown of `document`: that it was retracted when it was, its title, provenance and body. */
function documentMarkdown(document: KnowledgeDocument): string {
  const retracted =
    document.retracted === undefined
      ? ""
      : `**Retracted** ${document.retracted.at}: ${document.retracted.reason} (searches, lists and context packs leave it out; it stays for its history)\n\n`;
  const provenance = [
    `kind: ${document.kind}`,
    `source: ${document.source.system}${document.source.uri === undefined ? "" : ` ${document.source.uri}`}`,
    ...(document.source.author === undefined ? [] : [`author: ${document.source.author}`]),
    `lines: ${document.lines.join(", ") || "none"}`,
    `revision: ${document.revisions.length}`,
    ...(document.supersededBy === undefined ? [] : [`superseded by: ${document.supersededBy.id}`]),
  ].join("\n");
  return `${retracted}# ${document.title}\n\n${provenance}\n\n${shownBody(document)}`;
}

/** Registers `factory://documents/{id}` on a server, listing the current documents with `listing`. */
export function registerDocumentResources(
  server: McpServer,
  factory: Factory,
  listing: ResourceListing,
): void {
  listing.template(
    server.registerResource(
      "document",
      new ResourceTemplate("factory://documents/{id}", {
        // The current documents only: retracted and superseded ones are read by their id.
        list: async () => ({
          resources: (await factory.knowledge.list({ limit: MAX_LISTED })).map((document) => ({
            uri: `factory://documents/${document.id}`,
            name: document.id,
            title: document.title,
            mimeType: "text/markdown",
          })),
        }),
        complete: { id: (value) => documentIds(factory, value) },
      }),
      {
        title: "Knowledge document",
        description: "A document as markdown, with its provenance",
        mimeType: "text/markdown",
      },
      async (uri, variables) => {
        const id = decodedVariable(uri, variables, "id");
        const document = await factory.knowledge.get(id);
        if (document === undefined)
          throw new ResourceNotFoundError(
            uri.href,
            `no document "${id}" (list_knowledge and search_knowledge find the documents)`,
          );
        return { contents: [{ uri: uri.href, mimeType: "text/markdown", text: documentMarkdown(document) }] };
      },
    ),
  );
}

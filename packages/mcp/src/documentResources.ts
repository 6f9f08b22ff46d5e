/**
 * `factory://documents/{id}`: a knowledge document as markdown, with its
 * provenance. A retracted document says so first (when, why).
 *
 * @module
 */
import { type McpServer, ResourceNotFoundError, ResourceTemplate } from "@modelcontextprotocol/server";
import type { Factory } from "@software-factory/intelligence";
import type { KnowledgeDocument } from "@software-factory/knowledge";
import { MAX_LISTED, startingWith } from "./resourceContents.js";
import type { ResourceListing } from "./resourcePages.js";
import { decodedVariable } from "./uriVariables.js";

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
  return `${retracted}# ${document.title}\n\n${provenance}\n\n${document.body}`;
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
        complete: {
          id: async (value) =>
            startingWith(
              (await factory.knowledge.list({ limit: 1000 })).map((document) => document.id),
              value,
            ),
        },
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

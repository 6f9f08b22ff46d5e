/**
 * Schemas of what the `knowledge` tools answer: a search hit, a document as
 * `list_knowledge` lists it, and a document's source, as their JSON reaches
 * the client. Fields left undefined are absent; the objects are loose, so a
 * field the knowledge base adds later does not break a client that validates.
 *
 * @module
 */
import { DocumentKindSchema } from "@software-factory/knowledge";
import { z } from "zod";

/** An ISO 8601 timestamp, as the knowledge base records times. */
const Instant = z.string().describe("ISO 8601 timestamp");

/** Where a document came from, as it was captured. */
export const SourceOutput = z.looseObject({
  system: z.string().describe("The system it came from (zendesk, notes, mcp, cli)"),
  uri: z.string().optional().describe("Its address in that system (a URL or a path), when it has one"),
  author: z.string().optional().describe("Who wrote it there, when known"),
  capturedAt: Instant.optional().describe("When it was captured at its source, when known"),
});

/** A hit of `search_knowledge`: the document, the section that matched and an excerpt. */
export const SearchHitOutput = z.looseObject({
  id: z.string().describe("Document id, for get_document"),
  kind: DocumentKindSchema.describe("What sort of document it is"),
  title: z.string().describe("The document's title"),
  lines: z.array(z.string()).describe("Ids of the lines it concerns"),
  source: SourceOutput.describe("Where it came from"),
  headingPath: z
    .array(z.string())
    .describe("Headings above the matching section, outermost first (empty above the first heading)"),
  snippet: z.string().describe("An excerpt of the matching section"),
  score: z.number().describe("Relevance, comparable only within one answer; higher is better"),
});

/** A document as `list_knowledge` lists it: what it is and where it came from, without body and revisions. */
export const DocumentSummaryOutput = z.looseObject({
  id: z.string().describe("Document id, for get_document"),
  kind: DocumentKindSchema.describe("What sort of document it is"),
  title: z.string().describe("Title of its latest revision"),
  lines: z.array(z.string()).describe("Ids of the lines it concerns"),
  tags: z.array(z.string()).describe("Its free labels"),
  source: SourceOutput.describe("Where it came from"),
  validFrom: Instant.describe("Since when what it says holds"),
  validTo: Instant.optional().describe("Until when it held; absent while it holds"),
  supersededBy: z
    .looseObject({
      id: z.string().describe("Id of the document that replaced it"),
      at: Instant.describe("When it was replaced"),
    })
    .optional()
    .describe("The document that replaced it; absent while it is current"),
  createdAt: Instant.describe("When it was captured"),
  updatedAt: Instant.describe("When the last event about it was recorded"),
  revisionCount: z.number().describe("Revisions so far (1 for a document never revised)"),
});

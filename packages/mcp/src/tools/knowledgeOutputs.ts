/**
 * Schemas of what the `knowledge` tools answer: a search hit, a document as
 * `list_knowledge` lists it, and a document's source, as their JSON reaches
 * the client. Fields left undefined are absent; the objects are loose, so a
 * field the knowledge base adds later does not break a client that validates.
 *
 * @module
 */
import { DecisionStatusSchema, DocumentKindSchema } from "@software-factory/knowledge";
import { z } from "zod";

/** An ISO 8601 timestamp, as the knowledge base records times. */
export const Instant = z.string().describe("ISO 8601 timestamp");

/** Where a document came from, as it was captured. */
export const SourceOutput = z.looseObject({
  system: z.string().describe("The system it came from (zendesk, notes, mcp, cli)"),
  uri: z.string().optional().describe("Its address in that system (a URL or a path), when it has one"),
  author: z.string().optional().describe("Who wrote it there, when known"),
  capturedAt: Instant.optional().describe("When it was captured at its source, when known"),
});

/** The document that replaced a document, as search_knowledge, list_knowledge and get_document answer it. */
const SupersededByOutput = z
  .looseObject({
    id: z.string().describe("Id of the document that replaced it"),
    at: Instant.describe("When it was replaced"),
  })
  .optional()
  .describe("The document that replaced it; absent while it is current");

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
  snippet: z
    .string()
    .describe(
      "An excerpt of the matching section as plain text on one line (markdown syntax left out, words in order), the query's words wrapped in **",
    ),
  score: z.number().describe("Relevance, comparable only within one answer; higher is better"),
  validFrom: Instant.describe("Since when what it says holds"),
  validTo: Instant.optional().describe("Until when it held; absent while it holds"),
  supersededBy: SupersededByOutput,
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
  supersededBy: SupersededByOutput,
  createdAt: Instant.describe("When it was captured"),
  updatedAt: Instant.describe("When the last event about it was recorded"),
  revisionCount: z.number().describe("Revisions so far (1 for a document never revised)"),
});

/** A decision's structured fields (an ADR), as a decision document and each of its revisions carry them. */
const DecisionOutput = z.looseObject({
  status: DecisionStatusSchema.describe("Where the decision stands"),
  context: z.string().describe("The situation and forces that called for it"),
  options: z
    .array(
      z.looseObject({
        title: z.string().describe("The option's name"),
        pros: z.array(z.string()).describe("What speaks for it"),
        cons: z.array(z.string()).describe("What speaks against it"),
      }),
    )
    .describe("The options weighed"),
  decision: z.string().describe("The option chosen, and why"),
  consequences: z.string().describe("What follows from it (empty when not written)"),
});

/** `get_document`'s answer: the document (its body cut to `maxTokens`), with its revisions without their bodies. */
export const DocumentOutput = z.looseObject({
  id: z.string().describe("Document id"),
  kind: DocumentKindSchema.describe("What sort of document it is"),
  title: z.string().describe("Title of the revision read"),
  body: z.string().describe("Markdown body of the revision read, cut to maxTokens when longer"),
  truncated: z.boolean().describe("Whether body was cut; ask again with a larger maxTokens for the rest"),
  source: SourceOutput.describe("Where it came from"),
  tags: z.array(z.string()).describe("Its free labels"),
  lines: z.array(z.string()).describe("Ids of the lines it concerns"),
  links: z
    .array(
      z.looseObject({
        type: z.string().describe("What the link means (relatesTo, informs, evidenceFor...)"),
        target: z.string().describe("Id of the linked document or artifact"),
      }),
    )
    .describe("Its typed links (link_knowledge adds them)"),
  validFrom: Instant.describe("Since when what it says holds"),
  validTo: Instant.optional().describe("Until when it held; absent while it holds"),
  supersedes: z.array(z.string()).describe("Ids of the documents it replaced"),
  supersededBy: SupersededByOutput,
  retracted: z
    .looseObject({
      at: Instant.describe("When it was retracted"),
      reason: z.string().describe("Why, as retract_knowledge was told"),
    })
    .optional()
    .describe("Set when the document was retracted (read before its retraction with asOf)"),
  decision: DecisionOutput.optional().describe("The decision's fields, for a decision document"),
  contentHash: z.string().describe("SHA-256 (hex) of the title, body and decision read"),
  createdAt: Instant.describe("When it was captured"),
  updatedAt: Instant.describe("When the last event about it was recorded"),
  seq: z.number().describe("Log position of the last event about it"),
  revisions: z
    .array(
      z.looseObject({
        revision: z.number().describe("1 for the capture, then 2, 3..."),
        seq: z.number().describe("Log position of the event that recorded it"),
        at: Instant.describe("When it was recorded"),
        actor: z.string().describe("Who recorded it"),
        title: z.string().describe("The title in this revision"),
        tags: z.array(z.string()).optional().describe("Its tags in this revision"),
        lines: z.array(z.string()).optional().describe("The lines it was filed on in this revision"),
        contentHash: z.string().describe("SHA-256 (hex) of this revision's title, body and decision"),
        validFrom: Instant.describe("Since when this revision held"),
        validTo: Instant.optional().describe("Until when it held, when it no longer does"),
        decision: DecisionOutput.optional().describe("The decision's fields in this revision"),
        reason: z.string().optional().describe("Why it was revised (revise_knowledge's reason)"),
      }),
    )
    .describe("Every revision, oldest first, without bodies (asOf reads an earlier one)"),
});

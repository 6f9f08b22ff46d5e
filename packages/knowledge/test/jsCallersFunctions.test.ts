/**
 * The knowledge package's exported functions as plain JavaScript calls them:
 * given a first argument of the wrong type (a number or null for a text, a
 * string for a document), each throws a `ValidationError` naming that
 * argument, never a `TypeError` from deep inside or a junk answer (`[]` for
 * `chunkMarkdown(42)`). The exports are enumerated at runtime, so a function
 * added later needs an entry here or a place in the list left out, with its
 * reason.
 */
import * as knowledge from "@software-factory/knowledge";
import { describe, expect, it } from "vitest";
import { type SweptArgument, sweepFunctions } from "../../core/test/fixtures/jsCallerSweep.js";

/** How an argument is typed, which decides the wrong values it is given. */
type Kind = "text" | "object" | "list" | "optionalText" | "textOrList" | "options";

/** Wrong values for an argument of each kind. */
const WRONG: Record<Kind, readonly unknown[]> = {
  text: [42, null, undefined, {}, ["text"]],
  object: [42, "object", null, undefined, ["object"]],
  list: [42, "list", null, undefined, {}],
  optionalText: [42, null, {}, ["text"]],
  textOrList: [42, null, {}, [42]],
  options: [42, "options", null, ["options"]],
};

/** The argument each function is swept on, with its name (which the error must name) and kind. */
const FUNCTIONS: Record<string, SweptArgument<Kind>> = {
  chunkMarkdown: { name: "markdown", kind: "text" },
  countTokens: { name: "text", kind: "text" },
  tokenize: { name: "text", kind: "text" },
  parseFrontMatter: { name: "text", kind: "text" },
  parseTranscript: { name: "text", kind: "text" },
  transcriptDocument: { name: "text", kind: "text" },
  transcriptParts: { name: "text", kind: "text" },
  recordsOfJson: { name: "text", kind: "text" },
  markdownSections: { name: "markdown", kind: "text" },
  listItems: { name: "text", kind: "text" },
  snippet: { name: "text", kind: "text" },
  highlightTerms: { name: "text", kind: "text" },
  folderSourceSystem: { name: "prefix", kind: "text" },
  folderPathSourceSystem: { name: "prefix", kind: "text" },
  revisionAt: { name: "document", kind: "object" },
  isInForce: { name: "document", kind: "object" },
  decisionMarkdown: { name: "decision", kind: "object" },
  transcriptMarkdown: { name: "transcript", kind: "object" },
  parseDecisionRecord: { name: "frontMatter", kind: "object" },
  makeKnowledgeBaseShape: { name: "knowledgeBase", kind: "object" },
  fuseRankings: { name: "lexical", kind: "list" },
  extendRanking: { name: "lexical", kind: "list" },
  sectionNamed: { name: "sections", kind: "list" },
  decisionStatusOf: { name: "status", kind: "optionalText" },
  frontMatterList: { name: "value", kind: "textOrList" },
  frontMatterFields: { name: "file", kind: "object" },
  unreadFrontMatterKeys: { name: "file", kind: "object" },
  documentFilter: { name: "options", kind: "object" },
  createHashingEmbedder: { name: "options", kind: "options" },
};

/** Exports not swept here, with the reason. */
const LEFT_OUT = new Set([
  // Parse what they are given with their own schema, or are swept in jsCallersImporters.test.
  "createOpenAiEmbedder",
  "createTransformersEmbedder",
  "openKnowledgeBase",
  "importMarkdownFolder",
  "importRecords",
  "markdownFiles",
  "moveRenamedFiles",
  // Pieces of zod schemas, called by zod with what it has already checked.
  "checkDecisionTextTotal",
  "decisionTextSchema",
]);

describe("the knowledge package's functions called from JavaScript with wrong-typed arguments", () => {
  sweepFunctions(knowledge, FUNCTIONS, WRONG, LEFT_OUT);

  it("answers each given an argument of the right type", () => {
    expect(knowledge.chunkMarkdown("# Retries\n\nWe retry payments twice.\n")).toHaveLength(1);
    expect(knowledge.countTokens("two words")).toBeGreaterThan(0);
    expect(knowledge.tokenize("Retrying payments")).toContain("payment");
    expect(knowledge.snippet("We retry payments twice.", "payments")).toContain("payments");
    expect(knowledge.fuseRankings([{ id: "a", score: 1 }], [])[0]?.id).toBe("a");
  });
});

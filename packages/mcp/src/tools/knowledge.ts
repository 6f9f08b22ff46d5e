/**
 * The `knowledge` group of tools, gathered from the modules that hold them:
 * finding documents (`knowledgeSearch.ts`), reading, capturing, revising and
 * retracting one (`knowledgeDocuments.ts`) and recording decisions
 * (`decisions.ts`); links are in `knowledgeLinks.ts` and context packs in
 * `context.ts`.
 *
 * @module
 */
export { recordDecision } from "./decisions.js";
export { captureKnowledge, getDocument, retractKnowledge, reviseKnowledge } from "./knowledgeDocuments.js";
export { listKnowledge, searchKnowledge } from "./knowledgeSearch.js";

/**
 * The tools of the factory's MCP server. Each group lives in its own module
 * under `tools/`; this module lists them in the order clients see them.
 *
 * @module
 */
import type { FactoryTool } from "./toolKit.js";
import { recordArtifact, reviewLink } from "./tools/artifacts.js";
import { assignWorkItem } from "./tools/assign.js";
import { getContext } from "./tools/context.js";
import { recordDecision } from "./tools/decisions.js";
import {
  listDeployments,
  listIncidents,
  openIncident,
  recordDeployment,
  resolveIncident,
} from "./tools/deployments.js";
import { getLine, impactOfChange, whoOwns } from "./tools/floorplan.js";
import { importCodebaseTool } from "./tools/import.js";
import { getInbox, markInboxRead } from "./tools/inbox.js";
import {
  captureKnowledge,
  getDocument,
  retractKnowledge,
  reviseKnowledge,
} from "./tools/knowledgeDocuments.js";
import { linkKnowledge, unlinkKnowledge } from "./tools/knowledgeLinks.js";
import { listKnowledge, searchKnowledge } from "./tools/knowledgeSearch.js";
import { captureSignal, routeSignal } from "./tools/signals.js";
import { listSkills, runSkill } from "./tools/skills.js";
import { checkStandards } from "./tools/standards.js";
import {
  advanceWorkItem,
  createWorkItem,
  getMetrics,
  linkArtifacts,
  listSuspectLinks,
  listWork,
} from "./tools/work.js";

/** Every tool of the server, in the order clients list them. */
export const factoryTools: readonly FactoryTool[] = [
  getContext,
  searchKnowledge,
  listKnowledge,
  getDocument,
  captureKnowledge,
  reviseKnowledge,
  linkKnowledge,
  unlinkKnowledge,
  retractKnowledge,
  recordDecision,
  whoOwns,
  impactOfChange,
  getLine,
  captureSignal,
  routeSignal,
  listWork,
  createWorkItem,
  advanceWorkItem,
  assignWorkItem,
  recordArtifact,
  linkArtifacts,
  listSuspectLinks,
  reviewLink,
  checkStandards,
  recordDeployment,
  openIncident,
  resolveIncident,
  listDeployments,
  listIncidents,
  getMetrics,
  getInbox,
  markInboxRead,
  listSkills,
  runSkill,
  importCodebaseTool,
] as readonly FactoryTool[];

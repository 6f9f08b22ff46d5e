/**
 * The factory's router: the floor plan's lines with the knowledge linked to
 * them, and every routed signal of the assembly line as history.
 *
 * @module
 */
import { type AssemblyLine, NotFoundError, type Signal, ValidationError } from "@software-factory/core";
import type { FloorPlan } from "@software-factory/floorplan";
import type { KnowledgeBase, KnowledgeDocument } from "@software-factory/knowledge";
import { z } from "zod";
import { ROUTE_NEW_SIGNALS } from "../automations/builtinAutomations.js";
import { parseInput } from "../internal/parse.js";
import { type RoutableLine, type RouteCandidate, Router } from "../router/Router.js";

/** What to route: a text, or a captured signal by id. */
export type RouteInput =
  | string
  | {
      /** Id of a captured signal: its text is routed. */
      readonly signal: string;
    };

const RouteInputSchema = z.union([z.string(), z.strictObject({ signal: z.string().min(1) })], {
  error: "give a text, or { signal: <id of a captured signal> }",
});

/** Knowledge read per line: its most recent documents in force, up to this many characters in all. */
const KNOWLEDGE_CHARS_PER_LINE = 20_000;
/** Knowledge read per line: at most this many of its most recent documents in force. */
const DOCUMENTS_PER_LINE = 50;
/** The actor of the routings the built-in `route-new-signals` automation makes. */
const ROUTED_BY_ROUTER = `automation:${ROUTE_NEW_SIGNALS}`;
/** A line of a code map that names a file: a repository path with an extension, no spaces. */
const FILE_PATH = /^[\w@.-]+(?:\/[\w@.[\]()-]+)*\.\w+$/;

/**
 * The line of a path a text mentions; none when the floor plan refuses it as a
 * repository path (`../shared/util.ts`, relative to a file the text does not name).
 */
function lineOfMention(floorplan: FloorPlan, path: string): string | undefined {
  try {
    return floorplan.lineForPath(path);
  } catch (error) {
    if (error instanceof ValidationError) return undefined;
    throw error;
  }
}

/**
 * Creates the route function of a factory. Each call brings the router up to
 * date: lines (and the text of the knowledge documents linked to each) are
 * rebuilt only when the floor plan or the knowledge base moved; signals a
 * person routed, that the `route-new-signals` automation routed (only when
 * the router was confident), or that another automation routed and someone
 * made work from, are learned, and a signal routed elsewhere since is a
 * correction.
 */
export function factoryRouter(parts: {
  readonly floorplan: FloorPlan;
  readonly work: AssemblyLine;
  readonly knowledge: KnowledgeBase;
}): (input: RouteInput, options?: { readonly limit?: number }) => Promise<RouteCandidate[]> {
  const { floorplan, work, knowledge } = parts;
  const router = new Router({ lineForPath: (path) => lineOfMention(floorplan, path) });
  let linesAt = "";
  return async (input, options = {}) => {
    parseInput(RouteInputSchema, input, "route input");
    await Promise.all([floorplan.refresh(), work.refresh(), knowledge.sync()]);
    const at = `${floorplan.position}:${knowledge.position}`;
    if (at !== linesAt) {
      router.setLines(await routableLines(floorplan, knowledge));
      linesAt = at;
    }
    for (const signal of work.signals()) {
      if (signal.line !== undefined && learnable(signal))
        router.learn({ id: signal.id, text: signal.text, line: signal.line });
    }
    // A signal routed already is one of the router's examples: it must not vote for itself.
    const exclude = typeof input === "string" ? undefined : input.signal;
    return router.route(textOf(work, input), { ...options, ...(exclude === undefined ? {} : { exclude }) });
  };
}

/**
 * The floor plan's lines as the router reads them: the text of the knowledge
 * linked to each, and the source files its `code` documents list (one
 * repository path a line, as a code map), which the router matches by name.
 */
async function routableLines(floorplan: FloorPlan, knowledge: KnowledgeBase): Promise<RoutableLine[]> {
  const lines = floorplan.lines();
  const byLine = new Map(lines.map((line) => [line.id, [] as KnowledgeDocument[]]));
  // One listing, newest first, dealt out to the lines: a listing per line read every document once per line
  // (150 lines and 15,000 documents: 2,250,000 documents read to rebuild the lines after one capture).
  for (const document of await knowledge.list({ limit: Number.POSITIVE_INFINITY })) {
    for (const line of document.lines) {
      const documents = byLine.get(line);
      if (documents !== undefined && documents.length < DOCUMENTS_PER_LINE) documents.push(document);
    }
  }
  return lines.map((line) => {
    const documents = byLine.get(line.id) ?? [];
    const text = documents
      .filter((document) => document.kind !== "code")
      .map((document) => `${document.title}\n${document.body}`)
      .join("\n\n")
      .slice(0, KNOWLEDGE_CHARS_PER_LINE);
    const files = documents
      .filter((document) => document.kind === "code")
      .flatMap((document) => document.body.split("\n"))
      .map((path) => path.trim())
      .filter((path) => FILE_PATH.test(path));
    return {
      id: line.id,
      ...(line.name === undefined ? {} : { title: line.name }),
      ...(line.description === undefined ? {} : { description: line.description }),
      tags: line.tags,
      paths: line.paths,
      ...(text === "" ? {} : { knowledge: text }),
      ...(files.length === 0 ? {} : { files }),
    };
  });
}

/**
 * Whether a routed signal is evidence for its line: a person routed it, the
 * `route-new-signals` automation routed it, or another automation did and
 * someone made work from it. The built-in automation routes a signal only
 * when the router is confident (at its default threshold, nine in ten of
 * those routings are right), and learning them lets the router follow a
 * shift in the mix of work that nobody confirms: on the routing set's wide
 * history folds top-3 rose from 0.746 to 0.778, on its test split from 0.672
 * to 0.718 (bench/results/intelligence.md). Learning nearly every choice of
 * the router instead, as a low threshold does, feeds its mistakes back (at
 * 1.5 / 1.5, 53 % of the automatic routings were right).
 */
function learnable(signal: Signal): boolean {
  const by = signal.routedBy;
  return by === ROUTED_BY_ROUTER || by?.startsWith("automation:") !== true || signal.workItems.length > 0;
}

function textOf(work: AssemblyLine, input: RouteInput): string {
  if (typeof input === "string") return input;
  const signal = work.signal(input.signal);
  if (signal === undefined) {
    throw new NotFoundError({ message: `no signal "${input.signal}"`, entity: "signal", id: input.signal });
  }
  return signal.text;
}

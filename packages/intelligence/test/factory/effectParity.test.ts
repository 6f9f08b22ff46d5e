import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssemblyLineService, EventLogService } from "@software-factory/core";
import { FloorPlanService } from "@software-factory/floorplan";
import {
  defineAutomation,
  type Factory,
  FactoryService,
  IntelligenceService,
} from "@software-factory/intelligence";
import { KnowledgeBaseService } from "@software-factory/knowledge";
import { Effect } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NoteAdded, NoteCounted } from "../fixtures/counting.js";

/**
 * A Promise method the Effect shape has no method of the same name for:
 * either it is there under another name (`as`, on the shape named by `on`),
 * or it is left out on purpose (`why`).
 */
type Difference =
  | { readonly as: string; readonly on: "intelligence" }
  | { readonly why: string; readonly as?: never };

const CLOSED_BY_THE_LAYER: Difference = {
  why: "the layer that opened it closes it when its scope closes; Effect code does not close a service",
};
const SET_UP_AT_OPEN: Difference = {
  why: "set-up that returns the Promise object for chaining; openFactory's options configure it, and the Effect face reaches it through intelligence.factory",
};

/** Every intentional difference between a Promise class and its Effect shape, by part, with the reason. */
const DIFFERENCES: Record<string, Record<string, Difference>> = {
  "EventLog / EventLogService": {
    close: CLOSED_BY_THE_LAYER,
    closedError: {
      why: "wiring: the parts over a log word their refusals after close with it; the Effect face fails with the ClosedError it makes",
    },
  },
  "KnowledgeBase / KnowledgeBaseService": {
    start: { why: "@internal: openKnowledgeBase (and so the layer) calls it once while opening" },
    close: CLOSED_BY_THE_LAYER,
  },
  "FloorPlan / FloorPlanService": { close: CLOSED_BY_THE_LAYER },
  "AssemblyLine / AssemblyLineService": { close: CLOSED_BY_THE_LAYER },
  "Factory / IntelligenceService": { close: CLOSED_BY_THE_LAYER },
  "Standards / IntelligenceService.standards": {
    check: { as: "check", on: "intelligence" },
    add: SET_UP_AT_OPEN,
    addSource: SET_UP_AT_OPEN,
    addInstructions: SET_UP_AT_OPEN,
    addSkipped: SET_UP_AT_OPEN,
    close: CLOSED_BY_THE_LAYER,
  },
  "SkillRegistry / IntelligenceService.skills": {
    run: { as: "runSkill", on: "intelligence" },
    add: SET_UP_AT_OPEN,
    addInstructions: SET_UP_AT_OPEN,
    addProblems: SET_UP_AT_OPEN,
    close: CLOSED_BY_THE_LAYER,
  },
  "Scorecards / IntelligenceService": {
    list: { as: "scorecards", on: "intelligence" },
    evaluate: { as: "evaluateScorecard", on: "intelligence" },
    levelOf: { as: "scorecardLevel", on: "intelligence" },
    triggers: { why: "wiring: openFactory starts the scorecards' automation on these event types" },
    automation: { why: "wiring: openFactory starts this automation with the factory's others" },
    close: CLOSED_BY_THE_LAYER,
  },
  "Inbox / IntelligenceService.inbox": { close: CLOSED_BY_THE_LAYER },
  "AutomationRunner / IntelligenceService.automations": { close: CLOSED_BY_THE_LAYER },
};

/** The names of the methods an object answers to: its own function properties and its prototypes' (getters and `constructor` left out). */
function methodsOf(target: object): string[] {
  const names = new Set<string>();
  for (
    let at: object | null = target;
    at !== null && at !== Object.prototype;
    at = Object.getPrototypeOf(at)
  ) {
    for (const name of Object.getOwnPropertyNames(at)) {
      const descriptor = Object.getOwnPropertyDescriptor(at, name);
      if (name !== "constructor" && typeof descriptor?.value === "function") names.add(name);
    }
  }
  return [...names].sort();
}

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "effect-parity-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("the Effect face", () => {
  it("has a method for every method of the Promise face, but for the differences listed with their reasons", async () => {
    const noop = defineAutomation({
      name: "noop",
      description: "Reacts to notes by doing nothing.",
      on: [NoteAdded.type],
      run: () => {},
    });
    const pairs = await Effect.runPromise(
      Effect.provide(
        Effect.gen(function* () {
          const factory: Factory = yield* FactoryService;
          const intelligence = yield* IntelligenceService;
          const automations = factory.automations;
          if (automations === undefined) throw new Error("the factory runs no automation");
          return {
            intelligence,
            parts: [
              ["EventLog / EventLogService", factory.log, yield* EventLogService],
              ["KnowledgeBase / KnowledgeBaseService", factory.knowledge, yield* KnowledgeBaseService],
              ["FloorPlan / FloorPlanService", factory.floorplan, yield* FloorPlanService],
              ["AssemblyLine / AssemblyLineService", factory.work, yield* AssemblyLineService],
              ["Factory / IntelligenceService", factory, intelligence],
              ["Standards / IntelligenceService.standards", factory.standards, intelligence.standards],
              ["SkillRegistry / IntelligenceService.skills", factory.skills, intelligence.skills],
              ["Scorecards / IntelligenceService", factory.scorecards, intelligence],
              ["Inbox / IntelligenceService.inbox", factory.inbox, intelligence.inbox],
              ["AutomationRunner / IntelligenceService.automations", automations, intelligence.automations],
            ] as const,
          };
        }),
        FactoryService.layer({ dir, events: [NoteAdded, NoteCounted], automations: [noop] }),
      ),
    );

    const missing: string[] = [];
    const stale: string[] = [];
    for (const [part, promiseFace, effectFace] of pairs.parts) {
      const differences = DIFFERENCES[part] ?? {};
      const methods = methodsOf(promiseFace);
      for (const method of methods) {
        const difference = differences[method];
        if (method in effectFace) {
          if (difference !== undefined)
            stale.push(`${part}: ${method} is listed as a difference but is there`);
        } else if (difference === undefined) missing.push(`${part}: ${method}`);
        else if (difference.as !== undefined && !(difference.as in pairs.intelligence))
          missing.push(`${part}: ${method}, said to be IntelligenceService.${difference.as}`);
      }
      for (const method of Object.keys(differences))
        if (!methods.includes(method)) stale.push(`${part}: ${method} is listed but is no Promise method`);
    }

    expect(missing).toEqual([]);
    expect(stale).toEqual([]);
  });
});

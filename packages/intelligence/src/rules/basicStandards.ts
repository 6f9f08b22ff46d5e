/**
 * The basics every factory should meet (every line owned, described and
 * claiming code; no dependency cycles; operators within capacity; no active
 * work on suspect links or on a line the floor plan lacks; blocked work
 * visible), and the gate that keeps work
 * with suspect trace links out of `release`. The `factory` command opens every
 * factory with them; `factory check` reports them.
 *
 * @module
 */
import {
  ArtifactRecorded,
  ASSEMBLY_EVENT_TYPES,
  anObject,
  checkArguments,
  type Gate,
  type TraceLink,
  TraceLinked,
  TraceReviewed,
  type WorkItem,
} from "@software-factory/core";
import { type FloorPlan, floorPlanEventTypes, formatCycle, type LineInfo } from "@software-factory/floorplan";
import { z } from "zod";
import type { Factory } from "../factory/openFactory.js";
import { aFactory } from "../internal/arguments.js";
import { defineRule, defineRulePack, type RulePack, withFix } from "./Rule.js";

/** A gate that keeps a work item out of `release` while one of its trace links is suspect. */
export const noSuspectLinksGate: Gate = {
  name: "no-suspect-links",
  stages: ["release"],
  check: (_item, ctx) =>
    ctx.suspectLinks.length === 0
      ? { pass: true }
      : {
          pass: false,
          findings: ctx.suspectLinks.map((link) => ({
            message: `link ${link.from} ${link.type} ${link.to} is suspect: ${suspectCause(link)}`,
            hint: "review the link (keep, adapted or obsolete) before releasing",
          })),
        },
};

/** What {@link suspectCause} reads of a link: its causes. */
const SuspectLinkSchema = anObject("a trace link").pipe(
  z.object({ causes: z.array(z.object({ artifact: z.string(), version: z.number(), hops: z.number() })) }),
);

/** Why a link is suspect, in words: the upstream artifact that changed, and how far away it is. */
export function suspectCause(link: TraceLink): string {
  checkArguments("suspectCause", { link: [SuspectLinkSchema, link] });
  const cause = link.causes[0];
  if (cause === undefined) return "its upstream changed";
  return cause.hops <= 1
    ? `${cause.artifact} changed (v${cause.version}) after the link was made`
    : `${cause.artifact} changed (v${cause.version}), ${cause.hops} links upstream`;
}

/** The gates the CLI and the demo open a factory with: {@link noSuspectLinksGate}. */
export const defaultGates: readonly Gate[] = [noSuspectLinksGate];

/** Every floor-plan event: lines, owners, dependencies and capacities change only through them. */
const FLOORPLAN_TRIGGERS = floorPlanEventTypes;
/** Every event that changes a work item (created, moved, blocked, assigned, done, dropped). */
const WORK_TRIGGERS = ASSEMBLY_EVENT_TYPES.filter((type) => type.startsWith("work."));
/** What makes a trace link suspect or clears it, besides the work item's own state. */
const SUSPECT_TRIGGERS = [...WORK_TRIGGERS, ArtifactRecorded.type, TraceLinked.type, TraceReviewed.type];

const lineHasOwner = defineRule<LineInfo, Factory>({
  id: "line-has-owner",
  description: "Every line has exactly one accountable owner.",
  severity: "error",
  appliesTo: "line",
  triggers: FLOORPLAN_TRIGGERS,
  check: (line) =>
    line.owner === undefined
      ? [
          {
            message: `line ${line.id} has no owner`,
            hint: "add `owner:` to the line in factory.yaml (or import with --owner)",
          },
        ]
      : [],
});

const lineHasDescription = defineRule<LineInfo, Factory>({
  id: "line-has-description",
  description: "Every line says what it is for.",
  severity: "warning",
  appliesTo: "line",
  triggers: FLOORPLAN_TRIGGERS,
  check: (line) =>
    line.description === undefined || line.description.trim() === ""
      ? [
          {
            message: `line ${line.id} has no description`,
            hint: "add `description:` to the line in factory.yaml",
          },
        ]
      : [],
});

const lineHasPaths = defineRule<LineInfo, Factory>({
  id: "line-has-paths",
  description: "Every line claims the code it owns, so changes can be routed to it.",
  severity: "warning",
  appliesTo: "line",
  triggers: FLOORPLAN_TRIGGERS,
  check: (line) =>
    line.paths.length === 0
      ? [{ message: `line ${line.id} claims no code paths`, hint: "add `paths:` (CODEOWNERS patterns)" }]
      : [],
});

const noDependencyCycles = defineRule<FloorPlan, Factory>({
  id: "no-dependency-cycles",
  description:
    "Lines do not depend on each other in a cycle (a warning, or an error when the floor plan sets `settings.cycles: error`, as `plan check` reports it).",
  severity: "warning",
  appliesTo: "floorplan",
  triggers: FLOORPLAN_TRIGGERS,
  check: (floorplan) => {
    const cycles = floorplan.cycles();
    if (cycles.length === 0) return [];
    const severity = floorplan.toPlan().settings.cycles;
    return cycles.map((cycle) => ({
      message: `dependency cycle: ${formatCycle(cycle)}`,
      hint:
        severity === "warning"
          ? "break the cycle: one of these lines must stop depending on the next (or set `settings.cycles: error` to make cycles errors)"
          : "break the cycle: one of these lines must stop depending on the next (or set `settings.cycles: warning`)",
      severity,
      ...(cycle[0] === undefined ? {} : { target: { kind: "line", id: cycle[0] } }),
      // Every line in the cycle is in it, not only the one the finding names: each misses its scorecard level.
      lines: [...new Set(cycle)],
    }));
  },
});

const operatorsWithinCapacity = defineRule<FloorPlan, Factory>({
  id: "operators-within-capacity",
  description: "No operator owns more lines or work than their declared capacity.",
  severity: "warning",
  appliesTo: "floorplan",
  triggers: FLOORPLAN_TRIGGERS,
  // health() of an empty floor plan throws (graphology metrics on no nodes); nothing to check there.
  check: (floorplan) =>
    (floorplan.lines().length === 0 ? [] : floorplan.health().overloadedOperators).map((overloaded) => ({
      message: `operator ${overloaded.operator} is over capacity (${overloaded.over.join(" and ")}: ${overloaded.lines} lines, ${overloaded.wip} WIP)`,
      hint: "move a line to another owner or raise the capacity in factory.yaml",
      target: { kind: "operator", id: overloaded.operator },
    })),
});

const workHasNoSuspectLinks = defineRule<WorkItem, Factory>({
  id: "work-has-no-suspect-links",
  description: "Active work is not built on requirements that changed since it was linked.",
  severity: "error",
  appliesTo: "workItem",
  triggers: SUSPECT_TRIGGERS,
  check: (item, factory) => {
    if (item.state === "done" || item.state === "dropped") return [];
    return factory.work.suspectLinks({ item: item.id }).map((link) => ({
      message: `work item ${item.id} (${item.title}): link ${link.from} ${link.type} ${link.to} is suspect`,
      ...withFix({
        action: `review it (${suspectCause(link)})`,
        cli: `factory work review ${link.id} --verdict keep|adapted|obsolete`,
        sdk: `work.reviewLink("${link.id}", { verdict })`,
        mcp: `review_link {"id":${JSON.stringify(link.id)},"verdict":"keep|adapted|obsolete"}`,
      }),
    }));
  },
});

const workIsOnAPlanLine = defineRule<WorkItem, Factory>({
  id: "work-is-on-a-plan-line",
  description:
    "Open work sits on a line of the floor plan: work left on a line the plan removed has no owner to see it.",
  severity: "error",
  appliesTo: "workItem",
  // A plan applied without the line orphans the work as surely as the work moving does.
  triggers: [...WORK_TRIGGERS, ...FLOORPLAN_TRIGGERS],
  check: (item, factory) =>
    item.state === "done" || item.state === "dropped" || factory.floorplan.line(item.line) !== undefined
      ? []
      : [
          {
            message: `work item ${item.id} (${item.title}) is on line ${item.line}, which the floor plan no longer has`,
            ...withFix({
              action: `put line ${item.line} back in the floor plan, or drop the item`,
              cli: `factory work drop ${item.id} --reason <why>`,
              sdk: `work.drop("${item.id}", { reason })`,
              mcp: `advance_work_item {"id":${JSON.stringify(item.id)},"move":"drop","reason":"<why>"}`,
            }),
          },
        ],
});

const blockedWorkHasReason = defineRule<WorkItem, Factory>({
  id: "blocked-work-is-visible",
  description: "Blocked work is reported so that someone unblocks it.",
  severity: "warning",
  appliesTo: "workItem",
  triggers: WORK_TRIGGERS,
  check: (item) =>
    item.state === "blocked"
      ? [{ message: `work item ${item.id} (${item.title}) is blocked: ${item.reason ?? "no reason given"}` }]
      : [],
});

/** The basic standards of a factory: owned and described lines with code, no cycles, no suspect links on active work, no open work on a line the floor plan lacks. */
export const basicStandards: RulePack = defineRulePack({
  id: "factory-basics",
  description:
    "What every factory should meet: lines described and claiming code, no dependency cycles, operators within capacity, no active work on suspect links or on a line the floor plan lacks.",
  rules: [
    lineHasOwner,
    lineHasDescription,
    lineHasPaths,
    noDependencyCycles,
    operatorsWithinCapacity,
    workHasNoSuspectLinks,
    workIsOnAPlanLine,
    blockedWorkHasReason,
  ] as RulePack["rules"],
});

/**
 * Adds {@link basicStandards} to a factory's standards (the floor plan, which
 * two of its rules check, is a target source of every factory).
 */
export function installBasicStandards(factory: Factory): void {
  checkArguments("installBasicStandards", { factory: [aFactory, factory] });
  factory.standards.add(basicStandards);
}

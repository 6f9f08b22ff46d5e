/**
 * The built-in automations: route new signals and tell the line's owner, tell
 * the owners of suspect downstream work when an upstream artifact is revised,
 * and tell the owners of dependent lines when a line's contract changes.
 *
 * @module
 */
import {
  ArtifactRecorded,
  checkArguments,
  cutText,
  type EventLog,
  type Signal,
  SignalCaptured,
  SignalRouted,
  type StoredEvent,
  strictInput,
  toSafeLine,
} from "@software-factory/core";
import {
  DependencyDeclared,
  type DependencyKind,
  DependencyRemoved,
  LineDeclared,
} from "@software-factory/floorplan";
import { z } from "zod";
import type { Factory } from "../factory/openFactory.js";
import { parseInput } from "../internal/parse.js";
import type { RouteCandidate } from "../router/Router.js";
import { type Automation, defineAutomation, type Notification } from "./Automation.js";

/** The factory services the built-in automations read. */
export type BuiltinAutomationServices = Pick<Factory, "log" | "work" | "floorplan" | "route">;

/**
 * When the router's top line is trusted enough to route a signal without a
 * person. The router's score adds up evidence weighted per kind (see
 * `DEFAULT_ROUTER_WEIGHTS`: each kind scores at most 1 before its weight, and
 * a named line, a commit scope or an owned path weigh 1.5 to 3), so
 * `minScore` 4 asks for several kinds of evidence agreeing (a name or path
 * mention and past signals like it); `minLead` 1.5 asks the top line to score
 * half again as much as the second, so a text that fits two lines alike is
 * left for a person.
 *
 * Chosen on the history split of the routing set (TanStack Query, 17 lines):
 * learning its oldest half and routing the other half, the default routes
 * 25 % of the signals with 88 % right when nobody confirms the lines (the
 * router learns its own routings, as the factory does) and 22 % with 94 %
 * right when people confirm each; 1.5 / 1.5 routed 63 % with 53 % right
 * unconfirmed: a low threshold feeds the router's mistakes back. On the
 * held-out test split: 32 % with 86 % right unconfirmed, 31 % with 97 %
 * confirmed. `npm run bench -- intelligence` writes the table.
 */
export interface AutoRouteThreshold {
  /** Lowest fused score of the top line (default 4). */
  readonly minScore: number;
  /** Lowest ratio of the top line's score to the second's (default 1.5). */
  readonly minLead: number;
}

/** Default {@link AutoRouteThreshold}: score at least 4 and half again the runner-up's. */
export const DEFAULT_AUTO_ROUTE_THRESHOLD: AutoRouteThreshold = { minScore: 4, minLead: 1.5 };

/** Options of {@link makeBuiltinAutomations}. */
export interface BuiltinAutomationsOptions {
  /** When a new signal is routed without a person (merged over {@link DEFAULT_AUTO_ROUTE_THRESHOLD}). */
  readonly autoRoute?: Partial<AutoRouteThreshold>;
}

const OptionsSchema = strictInput({
  autoRoute: z
    .strictObject({ minScore: z.number().nonnegative().optional(), minLead: z.number().min(1).optional() })
    .optional(),
});

/** Dependency kinds that carry a contract between lines; the others (ui, library, infra) do not. */
const CONTRACT_KINDS: ReadonlySet<DependencyKind> = new Set(["api", "data", "event"]);

/** The top candidate when it clears the threshold, else undefined. */
function confidentRoute(
  candidates: readonly RouteCandidate[],
  threshold: AutoRouteThreshold,
): RouteCandidate | undefined {
  const [top, second] = candidates;
  if (top === undefined || top.score < threshold.minScore) return undefined;
  if (second !== undefined && top.score < second.score * threshold.minLead) return undefined;
  return top;
}

/** Whether the signal of a routing event was routed again after it, so the event no longer says where it is. */
async function routedAgain(log: EventLog, event: StoredEvent): Promise<boolean> {
  const types = [SignalRouted.type];
  return (await log.read({ after: event.seq, types, subjects: [event.subject], limit: 1 })).length > 0;
}

/**
 * Whether a signal still waits for someone to take it up: not resolved and on
 * no work item. Handled late (a first run on a factory with history, a cron
 * run), a signal that was resolved or made into work meanwhile needs neither
 * a routing nor a "new signal" notice: its work item answers for it.
 */
function needsAttention(signal: Signal): boolean {
  return signal.resolvedAt === undefined && signal.workItems.length === 0;
}

/** The name of the automation that routes new signals; the routings it makes carry it as their actor. */
export const ROUTE_NEW_SIGNALS = "route-new-signals";

function routeNewSignals(threshold: AutoRouteThreshold): Automation<BuiltinAutomationServices> {
  return defineAutomation<BuiltinAutomationServices>({
    name: ROUTE_NEW_SIGNALS,
    description:
      "Routes a new signal that has no line to the router's top line when it is confident, and tells the line's owner; when a person routes a signal (at capture, later, or to another line), tells that line's owner. A signal resolved or made into work by the time its event is handled is left alone.",
    on: [SignalCaptured.type, SignalRouted.type],
    run: async (event, { services, emit, notify }) => {
      // Its own routings are announced when it makes them.
      if (event.type === SignalRouted.type && event.actor === `automation:${ROUTE_NEW_SIGNALS}`) return;
      await Promise.all([services.work.refresh(), services.floorplan.refresh()]);
      const signal = services.work.signal(event.subject);
      if (signal === undefined || !needsAttention(signal)) return;
      // A captured signal that has a line by now was routed by a person: that routing's event tells the owner.
      if (event.type === SignalCaptured.type && signal.line !== undefined) return;
      // Handled late (a run that catches up), a routing may have been followed by another: the last one tells its owner.
      if (event.type === SignalRouted.type && (await routedAgain(services.log, event))) return;
      let line = event.type === SignalRouted.type ? (event.data as { line: string }).line : undefined;
      let how = `by ${event.actor ?? "a person"}`;
      if (line === undefined) {
        const choice = confidentRoute(await services.route(signal.text, { limit: 2 }), threshold);
        if (choice === undefined) return;
        line = choice.line;
        how = `by the router (score ${choice.score.toFixed(2)}): ${choice.reasons.join("; ")}`;
        emit({ type: "signal.routed", subject: signal.id, data: { line } });
      }
      const owner = services.floorplan.ownerOf(line);
      if (owner === undefined) return;
      notify({
        to: owner,
        title: `New ${signal.severity} signal for ${line}: ${headline(signal.text)}`,
        body: [
          `> ${signal.text.replaceAll("\n", "\n> ")}`,
          "",
          `Source: ${signal.source}${signal.customer === undefined ? "" : `, customer ${signal.customer}`}; captured by ${signal.capturedBy}.`,
          `Routed to ${line} ${how}.`,
        ].join("\n"),
        ref: { kind: "signal", id: signal.id },
        reason: `owner of ${line}`,
      });
    },
  });
}

/** One downstream end of a suspect link, and who answers for it. */
interface SuspectEnd {
  readonly link: string;
  readonly end: string;
  readonly title: string;
  readonly owner: string;
  readonly reason: string;
}

function suspectEnd(services: BuiltinAutomationServices, link: string, end: string): SuspectEnd | undefined {
  const artifact = services.work.artifact(end);
  const item =
    services.work.get(end) ??
    (artifact?.workItem === undefined ? undefined : services.work.get(artifact.workItem));
  const title = artifact?.title ?? item?.title ?? end;
  if (item?.owner !== undefined)
    return { link, end, title, owner: item.owner, reason: `owner of ${item.id}` };
  const line = item?.line ?? artifact?.line;
  const owner = line === undefined ? undefined : services.floorplan.ownerOf(line);
  return owner === undefined || line === undefined
    ? undefined
    : { link, end, title, owner, reason: `owner of ${line}` };
}

const notifySuspectOwners = defineAutomation<BuiltinAutomationServices>({
  name: "notify-suspect-owners",
  description:
    "When a revised artifact makes downstream trace links suspect, tells the owners of the downstream work (the work item's owner, else the line's).",
  on: [ArtifactRecorded.type],
  run: async (event, { services, notify }) => {
    if (!ArtifactRecorded.is(event) || event.data.version === 1) return;
    const { version } = event.data;
    await Promise.all([services.work.refresh(), services.floorplan.refresh()]);
    // Links this revision made suspect and nobody has reviewed since.
    const links = services.work
      .walk(event.subject, "downstream")
      .links.filter(
        (link) =>
          link.suspect &&
          link.causes.some((cause) => cause.artifact === event.subject && cause.version === version),
      );
    const byOwner = new Map<string, SuspectEnd[]>();
    for (const link of links) {
      const end = suspectEnd(services, link.id, link.from);
      if (end === undefined) continue;
      byOwner.set(end.owner, [...(byOwner.get(end.owner) ?? []), end]);
    }
    for (const [owner, ends] of byOwner) {
      notify({
        to: owner,
        title: `${event.data.title} changed (v${version}): ${ends.length} downstream ${ends.length === 1 ? "item needs" : "items need"} review`,
        body: [
          `${event.data.kind} ${event.subject} was revised to version ${version} by ${event.actor}; these links are now suspect:`,
          "",
          ...ends.map((end) => `- ${end.title} (${end.end}), link ${end.link}`),
          "",
          "Check each against the change, then review the link (keep, adapted or obsolete).",
        ].join("\n"),
        ref: { kind: "artifact", id: event.subject },
        reason: [...new Set(ends.map((end) => end.reason))].join(", "),
      });
    }
  },
});

/** The attributes of a declared dependency that make its contract. */
interface Declared {
  readonly kind: DependencyKind;
  readonly criticality: string;
  readonly contract?: string | undefined;
}

/** The declaration of `from -> to` in force just before `seq`, read from the log. */
async function declarationBefore(
  log: EventLog,
  from: string,
  to: string,
  seq: number,
): Promise<Declared | undefined> {
  let current: Declared | undefined;
  const types = [DependencyDeclared.type, DependencyRemoved.type];
  for (let after = 0; after < seq - 1; ) {
    const page = await log.read({ after, until: seq - 1, types, subjects: [from] });
    for (const event of page) {
      if (DependencyDeclared.is(event) && event.data.to === to) current = event.data;
      else if (DependencyRemoved.is(event) && event.data.to === to) current = undefined;
    }
    const last = page.at(-1);
    if (last === undefined) break;
    after = last.seq;
  }
  return current;
}

/** Whether `line` was first declared in the same write as `event` (one append shares its instant). */
async function declaredWith(log: EventLog, line: string, event: StoredEvent): Promise<boolean> {
  const [first] = await log.read({ types: [LineDeclared.type], subjects: [line], limit: 1 });
  return first !== undefined && first.seq < event.seq && first.at === event.at;
}

function describeDeclared(dependency: Declared): string {
  return `${dependency.kind}${dependency.contract === undefined ? "" : ` contract "${dependency.contract}"`}, ${dependency.criticality} criticality`;
}

/** A change to a contract edge: the dependent line, the line depended on, a verb and the details. */
interface ContractChange {
  readonly from: string;
  readonly to: string;
  /** `started depending on`, `changed its dependency on`, `stopped depending on`. */
  readonly verb: string;
  readonly detail: string;
}

/** What changed about a contract edge, or undefined when no contract edge changed. */
function contractChange(event: StoredEvent, before: Declared | undefined): ContractChange | undefined {
  const isContract = (dependency: Declared | undefined) =>
    dependency !== undefined && CONTRACT_KINDS.has(dependency.kind);
  if (DependencyRemoved.is(event)) {
    if (before === undefined || !isContract(before)) return undefined;
    return { ...event.data, verb: "stopped depending on", detail: `was ${describeDeclared(before)}` };
  }
  if (!DependencyDeclared.is(event)) return undefined;
  const after = event.data;
  if (!isContract(after) && !isContract(before)) return undefined;
  const edge = { from: after.from, to: after.to };
  if (before === undefined)
    return { ...edge, verb: "started depending on", detail: `now ${describeDeclared(after)}` };
  if (describeDeclared(before) === describeDeclared(after)) return undefined;
  return {
    ...edge,
    verb: "changed its dependency on",
    detail: `was ${describeDeclared(before)}, now ${describeDeclared(after)}`,
  };
}

const notifyContractChanges = defineAutomation<BuiltinAutomationServices>({
  name: "notify-contract-changes",
  description:
    "When a dependsOn of kind api, data or event is declared, changed or removed, tells the owners of the lines that depend on that line's contract; a line declared together with its dependencies (a first plan) tells nobody.",
  on: [DependencyDeclared.type, DependencyRemoved.type],
  run: async (event, { services, notify }) => {
    const edge = DependencyDeclared.is(event) || DependencyRemoved.is(event) ? event.data : undefined;
    if (edge === undefined) return;
    const change = contractChange(
      event,
      await declarationBefore(services.log, edge.from, edge.to, event.seq),
    );
    if (change === undefined) return;
    // A line declared with its dependencies (a first plan, a new line) changes no contract anyone relied on.
    if (change.verb === "started depending on" && (await declaredWith(services.log, change.from, event)))
      return;
    await services.floorplan.refresh();
    const dependents = new Set([
      change.from,
      ...services.floorplan
        .dependencyList()
        .filter((dependency) => dependency.to === change.to && CONTRACT_KINDS.has(dependency.kind))
        .map((dependency) => dependency.from),
    ]);
    const byOwner = new Map<string, string[]>();
    for (const line of [...dependents].sort()) {
      const owner = services.floorplan.ownerOf(line);
      if (owner !== undefined) byOwner.set(owner, [...(byOwner.get(owner) ?? []), line]);
    }
    for (const [owner, lines] of byOwner) {
      const notification: Notification = {
        to: owner,
        title: `Contract of ${change.to} changed: ${change.from} ${change.verb} ${change.to}`,
        body: [
          `${change.from} ${change.verb} ${change.to} (${change.detail}).`,
          "",
          `You own ${lines.join(", ")}, which ${lines.length === 1 ? "depends" : "depend"} on ${change.to} through an api, data or event contract; check that your side still matches.`,
        ].join("\n"),
        ref: { kind: "line", id: change.to },
        reason: lines.map((line) => `owner of ${line}`).join(", "),
      };
      notify(notification);
    }
  },
});

/**
 * The built-in automations with options: `route-new-signals`,
 * `notify-suspect-owners` and `notify-contract-changes`. Each keeps its own
 * durable cursor, so a restart neither misses nor repeats an event.
 *
 * @throws ValidationError when the options are malformed.
 * @example
 * ```ts
 * const factory = await openFactory({
 *   dir: ".factory",
 *   automations: makeBuiltinAutomations({ autoRoute: { minScore: 2 } }),
 * });
 * ```
 */
export function makeBuiltinAutomations(
  options: BuiltinAutomationsOptions = {},
): readonly Automation<BuiltinAutomationServices>[] {
  checkArguments("makeBuiltinAutomations", { options: [OptionsSchema.optional(), options] });
  const parsed = parseInput(OptionsSchema, options, "built-in automation options");
  const threshold: AutoRouteThreshold = {
    minScore: parsed.autoRoute?.minScore ?? DEFAULT_AUTO_ROUTE_THRESHOLD.minScore,
    minLead: parsed.autoRoute?.minLead ?? DEFAULT_AUTO_ROUTE_THRESHOLD.minLead,
  };
  return [routeNewSignals(threshold), notifySuspectOwners, notifyContractChanges];
}

/**
 * The built-in automations with the default threshold (see
 * {@link makeBuiltinAutomations}); opt in with `openFactory({ automations: builtinAutomations })`.
 */
export const builtinAutomations: readonly Automation<BuiltinAutomationServices>[] = makeBuiltinAutomations();

/**
 * A signal's first line, made one line for a notification's title (a tab, a
 * carriage return or a terminal escape becomes a space, a bidi override is
 * dropped: `toSafeLine`) and cut to 80 characters (`cutText`: never inside a
 * surrogate pair, which the event log would refuse).
 */
function headline(text: string): string {
  const first = toSafeLine(text.trim().split("\n")[0] ?? "");
  return cutText(first, 80, "…");
}

/**
 * The decisions of recording artifacts and trace links: which inputs make a
 * new artifact version (and which are unchanged), the version and fingerprint
 * each new version carries, the events linking two ends with the upstream
 * fingerprint they are verified against (none when the ends are linked so
 * already), and the event of a link review.
 * Suspicion itself is derived when the events are folded; nothing here appends.
 *
 * @module
 */
import type { z } from "zod";
import { canonicalJson } from "../../canonicalJson.js";
import type { NewEvent } from "../../EventLog.js";
import { NotFoundError, ValidationError, type ValidationIssue } from "../../errors.js";
import { newId } from "../../ids.js";
import { oversizedInputIssues } from "../../internal/inputSize.js";
import { unkeptValueIssues } from "../../internal/unkeptValues.js";
import { unstorableTextIssues } from "../../internal/unstorableText.js";
import { nearNames } from "../../nearNames.js";
import { inPlainWords } from "../../plainWords.js";
import { type Artifact, EVIDENCE_SCHEMAS, fingerprintArtifact } from "../Artifact.js";
import {
  type LinkInput,
  LinkInputSchema,
  parseInput,
  type RecordArtifactInput,
  RecordArtifactInputSchema,
  type ReviewInputSchema,
} from "../inputs.js";
import type { AssemblyState } from "./AssemblyState.js";
import { invalid, unknownStage } from "./checks.js";
import { quotedId } from "./quotedId.js";
import { ATTACHING_LINK_TYPE, attachesSignal, resolutionEvents } from "./signalAttachments.js";
import { listOf } from "./sortedLists.js";
import type { Ends } from "./TraceGraph.js";

/** An artifact input, parsed, with its id chosen. */
export type ParsedArtifact = z.output<typeof RecordArtifactInputSchema> & { readonly id: string };

/** The parsed link inputs. */
export type ParsedLink = z.output<typeof LinkInputSchema>;

/**
 * Parses artifact inputs and their evidence fields, choosing ids for new
 * artifacts. A stage must be one of the pipeline's `stages`. Fields must be
 * data the log keeps as written (no BigInt, no value holding itself, no Date
 * or class instance), checked here because the fingerprint is computed before
 * the log sees them, and no larger serialized than `maxEventBytes`, the most
 * the event carrying them may take (see `oversizedInputIssues`).
 *
 * @throws ValidationError naming the index of the first bad input.
 */
export function parseArtifacts(
  inputs: readonly RecordArtifactInput[],
  stages: readonly string[],
  maxEventBytes: number,
): ParsedArtifact[] {
  return inputs.map((input, index) => {
    const subject = inputs.length === 1 ? "artifact" : `artifacts[${index}]`;
    const data = parseInput(RecordArtifactInputSchema, input, subject);
    if (data.stage !== undefined && !stages.includes(data.stage)) {
      throw invalid(subject, "stage", unknownStage(data.stage, stages));
    }
    // Measured first: walking hundreds of MiB of fields for the other checks takes seconds.
    throwIfAny(subject, oversizedInputIssues(data.fields, "fields", maxEventBytes));
    throwIfAny(subject, [
      ...unstorableTextIssues(data.fields, "fields"),
      ...unkeptValueIssues(data.fields, "fields"),
    ]);
    throwIfAny(subject, unknownFingerprintFields(data.fingerprintFields ?? [], data.fields));
    throwIfAny(subject, evidenceIssues(data.kind, data.fields));
    return { ...data, id: data.id ?? newId("art") };
  });
}

/**
 * Issues of the fields a kind that serves as evidence (`changeSet`,
 * `testEvidence`) needs, at their place under `fields`; one left out says it
 * is required and what it holds (`fields.commit: required for a changeSet:
 * the commit's id, ...`), rather than that zod received undefined.
 */
function evidenceIssues(kind: string, fields: Readonly<Record<string, unknown>>): ValidationIssue[] {
  const schema = EVIDENCE_SCHEMAS[kind];
  const checked = schema?.safeParse(fields);
  if (schema === undefined || checked === undefined || checked.success) return [];
  return checked.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    const required = issue.path.length === 1 && fields[name] === undefined;
    return {
      path: ["fields", ...issue.path]
        .map((step) => (typeof step === "number" ? `[${step}]` : `.${String(step)}`))
        .join("")
        .slice(1),
      message: required
        ? `required for a ${kind}: ${schema.shape[name]?.description ?? name}`
        : inPlainWords(issue),
    };
  });
}

/**
 * Issues for each fingerprint field that names no field of `fields`: a typo
 * there would leave the fingerprint blind to every change of the field meant.
 */
function unknownFingerprintFields(
  chosen: readonly string[],
  fields: Readonly<Record<string, unknown>>,
): ValidationIssue[] {
  const known = Object.keys(fields);
  const listed =
    known.length === 0
      ? "it has none"
      : `its fields: ${known.slice(0, 10).join(", ")}${known.length > 10 ? ", ..." : ""}`;
  return chosen.flatMap((name, index) => {
    if (Object.hasOwn(fields, name)) return [];
    const near = nearNames(name, known);
    const hint =
      near.length === 0 ? "" : ` (did you mean ${near.map((field) => `"${field}"`).join(" or ")}?)`;
    return [
      {
        path: `fingerprintFields[${index}]`,
        message: `"${name}" is no field of the artifact${hint}; ${listed}`,
      },
    ];
  });
}

/** Throws a ValidationError listing the issues of an input, if it has any. */
function throwIfAny(subject: string, issues: readonly ValidationIssue[]): void {
  if (issues.length === 0) return;
  throw new ValidationError({
    message: `${subject} is invalid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`,
    issues,
  });
}

/**
 * The events recording artifacts in order, leaving out unchanged ones, and
 * for each input whether it makes a new version (`changed`) and whether that
 * version has a new fingerprint, so may make links suspect (`refingerprinted`:
 * a reflowed one makes none). A version whose fingerprint
 * is one the artifact had before changes that made links suspect is followed
 * by a `trace.restored` event, which lifts that suspicion from them.
 *
 * @throws ValidationError when a work item does not exist, an artifact changes kind, a new artifact's id is a work item's or a signal's, or an input names another work item or line than its artifact's without `move`.
 */
export function artifactEvents(
  state: AssemblyState,
  parsed: readonly ParsedArtifact[],
): { events: NewEvent[]; changed: boolean[]; refingerprinted: boolean[] } {
  const changed: boolean[] = [];
  const refingerprinted: boolean[] = [];
  const events: NewEvent[] = [];
  const pending = new Map<
    string,
    Pick<Artifact, "kind" | "version" | "title" | "fields" | "workItem" | "line" | "stage" | "fingerprint">
  >();
  for (const data of parsed) {
    const previous = pending.get(data.id) ?? state.artifacts.get(data.id);
    const item = data.workItem === undefined ? undefined : state.items.get(data.workItem);
    if (data.workItem !== undefined && item === undefined) {
      throw invalid("artifact", "workItem", `unknown work item "${data.workItem}"`);
    }
    if (previous === undefined && (state.items.has(data.id) || state.signals.has(data.id))) {
      const what = state.items.has(data.id) ? "work item" : "signal";
      throw invalid("artifact", "id", `"${data.id}" is a ${what}'s id; an artifact needs an id of its own`);
    }
    if (previous !== undefined && previous.kind !== data.kind) {
      throw invalid("artifact", "kind", `artifact "${data.id}" is a ${previous.kind}, not a ${data.kind}`);
    }
    if (previous !== undefined && data.move !== true) refuseTakeover(data, previous);
    const workItem = data.workItem ?? previous?.workItem;
    const moved = previous?.workItem !== undefined && workItem !== previous.workItem;
    const line = data.line ?? (moved ? item?.line : undefined) ?? previous?.line ?? item?.line;
    const stage = data.stage ?? previous?.stage ?? item?.stage;
    if (previous !== undefined && sameContent(previous, data.title, data.fields, workItem, line, stage)) {
      changed.push(false);
      refingerprinted.push(false);
      continue;
    }
    changed.push(true);
    const version = (previous?.version ?? 0) + 1;
    const fingerprint = fingerprintArtifact(data.title, data.fields, data.fingerprintFields);
    refingerprinted.push(previous !== undefined && previous.fingerprint !== fingerprint);
    pending.set(data.id, {
      fingerprint,
      kind: data.kind,
      version,
      title: data.title,
      fields: data.fields,
      workItem,
      line,
      stage,
    });
    events.push({
      type: "artifact.recorded",
      subject: data.id,
      data: {
        kind: data.kind,
        title: data.title,
        fields: data.fields,
        version,
        fingerprint,
        ...(workItem === undefined ? {} : { workItem }),
        ...(line === undefined ? {} : { line }),
        ...(stage === undefined ? {} : { stage }),
      },
    });
    if (
      previous !== undefined &&
      previous.fingerprint !== fingerprint &&
      restores(state, data.id, fingerprint)
    ) {
      events.push({ type: "trace.restored", subject: data.id, data: { fingerprint, version } });
    }
  }
  return { events, changed, refingerprinted };
}

/**
 * Refuses an input naming another work item or line than the existing
 * artifact's: reusing an id would take the artifact over (its links, its
 * place among the item's evidence) without a word. Naming the owner, and
 * `move: true` for a move meant.
 *
 * @throws ValidationError naming the work item and the line the artifact belongs to.
 */
function refuseTakeover(data: ParsedArtifact, previous: Pick<Artifact, "workItem" | "line">): void {
  const owner = [
    ...(previous.workItem === undefined ? [] : [`work item ${previous.workItem}`]),
    ...(previous.line === undefined ? [] : [`line ${previous.line}`]),
  ].join(" on ");
  const refuse = (field: "workItem" | "line", asked: string) =>
    invalid(
      "artifact",
      field,
      `artifact "${data.id}" belongs to ${owner}, not ${field === "line" ? "line" : "work item"} ${asked}; record it under an id of its own, or pass move: true to move it to ${asked}`,
    );
  if (data.workItem !== undefined && previous.workItem !== undefined && data.workItem !== previous.workItem)
    throw refuse("workItem", data.workItem);
  if (data.line !== undefined && previous.line !== undefined && data.line !== previous.line)
    throw refuse("line", data.line);
}

/**
 * Whether an artifact back at `fingerprint` lifts suspicion it raised: the
 * fingerprint is one it had before changes that made links suspect and no
 * review cleared, or the one it has in `state` (so before this batch changed
 * it) while links depend on it. A link made suspect within the batch took
 * the latter as its origin, and got it again after each restore.
 */
function restores(state: AssemblyState, id: string, fingerprint: string): boolean {
  return (
    state.trace.suspicionOrigins(id).has(fingerprint) ||
    (state.fingerprintOf(id) === fingerprint && state.trace.hasDependents(id))
  );
}

/**
 * Parses link inputs.
 *
 * @throws ValidationError naming the index of the first bad input.
 */
export function parseLinks(inputs: readonly LinkInput[]): ParsedLink[] {
  return inputs.map((input, index) =>
    parseInput(LinkInputSchema, input, inputs.length === 1 ? "trace link" : `trace links[${index}]`),
  );
}

/**
 * The events making links, each recording the upstream fingerprint, and the
 * id of the link each input names. An input whose ends already have a link of
 * its type that is not obsolete (made earlier, or by an earlier input of the
 * batch) names that link and makes no event, so a retried call links once;
 * the others make a link with the id `fresh` holds for them. A link that
 * attaches a signal to a work item delivered already (see
 * `signalAttachments.ts`) resolves the signal in the same append.
 *
 * @throws ValidationError when an end is no artifact, work item or signal, a signal is the downstream end of `addresses`, or the link would close a cycle (its upstream end already downstream of its downstream one, through links not reviewed obsolete).
 */
export function linkEvents(
  state: AssemblyState,
  parsed: readonly ParsedLink[],
  fresh: readonly string[],
): { events: NewEvent[]; ids: string[] } {
  const events: NewEvent[] = [];
  const made = new Map<string, string>();
  /** The links the batch makes before each input, by their downstream end: a cycle may close through them. */
  const pending = new Map<string, Ends[]>();
  /** The signals the batch resolves: linked to work delivered already. */
  const resolved = new Set<string>();
  const isItem = (id: string) => state.items.has(id);
  const isSignal = (id: string) => state.signals.has(id);
  const ids = parsed.map((data, index) => {
    for (const end of ["from", "to"] as const) {
      if (!state.exists(data[end])) {
        throw invalid("trace link", end, `"${data[end]}" is no artifact, work item or signal`);
      }
    }
    if (data.type === ATTACHING_LINK_TYPE && state.signals.has(data.from)) {
      throw invalid("trace link", "from", reversedAddresses(state, data));
    }
    const pair = JSON.stringify([data.from, data.to, data.type]);
    const existing = made.get(pair) ?? state.trace.liveLink(data.from, data.to, data.type)?.id;
    if (existing !== undefined) return existing;
    const cycle = state.trace.pathUp(data.to, data.from, pending);
    if (cycle !== undefined) {
      const existing = cycle.map((link) => `${link.from} ${link.type} ${link.to}`).join(", ");
      throw invalid(
        "trace link",
        "to",
        `"${data.from} ${data.type} ${data.to}" would close a cycle: ${existing} already, so ${data.from} is upstream of ${data.to}; a link runs from the downstream end to the upstream one`,
      );
    }
    listOf(pending, data.from).push(data);
    const id = fresh[index] as string;
    const fingerprint = state.fingerprintOf(data.to);
    events.push({
      type: "trace.linked",
      subject: id,
      data: {
        from: data.from,
        to: data.to,
        type: data.type,
        ...(fingerprint === undefined ? {} : { fingerprint }),
      },
    });
    made.set(pair, id);
    const item = state.items.get(data.from);
    if (item?.deliveredAt !== undefined && attachesSignal(data, isItem, isSignal) && !resolved.has(data.to)) {
      resolved.add(data.to);
      events.push(...resolutionEvents(state, item.id, [data.to]));
    }
    return id;
  });
  return { events, ids };
}

/** Why a signal cannot be the downstream end of `addresses`, and the link meant. */
function reversedAddresses(state: AssemblyState, data: ParsedLink): string {
  const meant = state.signals.has(data.to) ? "" : ` (link "${data.to} addresses ${data.from}")`;
  return `"${data.from}" is a signal, and a signal is the upstream end of ${ATTACHING_LINK_TYPE}: the work item or requirement addresses the signal${meant}`;
}

/**
 * The event reviewing a link against its upstream's current fingerprint,
 * recording the review's idempotency key when it has one.
 *
 * @throws NotFoundError when there is no such link.
 */
export function reviewEvent(
  state: AssemblyState,
  linkId: string,
  data: z.output<typeof ReviewInputSchema>,
  key: string | undefined,
): NewEvent {
  const link = state.trace.links.get(linkId);
  if (link === undefined)
    throw new NotFoundError({ message: `no trace link ${quotedId(linkId)}`, entity: "link", id: linkId });
  const current = state.fingerprintOf(link.to);
  return {
    type: "trace.reviewed",
    subject: linkId,
    data: {
      verdict: data.verdict,
      ...(link.verifiedFingerprint === undefined ? {} : { from: link.verifiedFingerprint }),
      ...(current === undefined ? {} : { to: current }),
      ...(data.note === undefined ? {} : { note: data.note }),
      ...(key === undefined ? {} : { request: key }),
    },
  };
}

function sameContent(
  previous: Pick<Artifact, "title" | "fields" | "workItem" | "line" | "stage">,
  title: string,
  fields: Readonly<Record<string, unknown>>,
  workItem: string | undefined,
  line: string | undefined,
  stage: string | undefined,
): boolean {
  return (
    previous.title === title &&
    previous.workItem === workItem &&
    previous.line === line &&
    previous.stage === stage &&
    canonicalJson(previous.fields) === canonicalJson(fields)
  );
}

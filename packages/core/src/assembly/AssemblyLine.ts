/**
 * The assembly line's public face: work items moving through the pipeline's
 * stages, their artifacts and trace links, signals, deployments and incidents.
 * This module holds the artifact, trace link, signal, deployment and incident
 * commands and opens the line; it extends `internal/AssemblyLineWorkItems.ts`
 * (the work item commands), which extends `internal/AssemblyLineReads.ts`
 * (the reads, the measures, following the log), and composes `internal/`, where
 * `WorkItemCommands.ts`, `ArtifactCommands.ts` and `FieldCommands.ts` parse a
 * call's input, decide its events (with `moves.ts`, `artifactDecisions.ts` and
 * `fieldEvents.ts`) and write them through `LineWriter.ts` (catch up, decide
 * against the latest state, append with optimistic concurrency, retry).
 *
 * @module
 */

import { z } from "zod";
import { checkArguments, withMethods } from "../checkArguments.js";
import type { EventLog } from "../EventLog.js";
import { validationErrorFromZod } from "../errors.js";
import { type Projection, startProjection } from "../Projection.js";
import { OperatorIdSchema } from "../schemas.js";
import { strictInput } from "../strictInput.js";
import type { RecordedArtifact } from "./Artifact.js";
import { type AssemblyHistoryFolder, historyFolder } from "./AssemblyHistory.js";
import { ASSEMBLY_EVENT_TYPES, assemblyEvents } from "./assemblyEvents.js";
import type { Gate } from "./Gate.js";
import {
  type CaptureSignalInput,
  type CaptureSignalOptions,
  type LinkInput,
  type OpenIncidentInput,
  parseInput,
  type RecordArtifactInput,
  type RecordDeploymentInput,
  type RecordFactOptions,
  type ResolveIncidentInput,
  type ReviewInput,
} from "./inputs.js";
import { ArtifactCommands } from "./internal/ArtifactCommands.js";
import { LineLifecycle } from "./internal/AssemblyLineReads.js";
import { AssemblyLineWorkItems } from "./internal/AssemblyLineWorkItems.js";
import { AssemblyState } from "./internal/AssemblyState.js";
import { Id, optional, required } from "./internal/arguments.js";
import {
  loadAssemblySnapshot,
  SAVE_AFTER_EVENTS,
  saveAssemblySnapshot,
} from "./internal/assemblySnapshot.js";
import { checkGate } from "./internal/checks.js";
import { FieldCommands } from "./internal/FieldCommands.js";
import { LineWriter } from "./internal/LineWriter.js";
import { WorkItemCommands } from "./internal/WorkItemCommands.js";
import type { LineDirectory } from "./LineDirectory.js";
import { DEFAULT_PIPELINE, type PipelineConfig, type PipelineInput, parsePipeline } from "./Pipeline.js";
import type { Signal } from "./Signal.js";
import type { TraceLink } from "./TraceLink.js";

// Result and filter types of the class's methods, defined with their concepts; the package index takes them from here.
export type { RecordedArtifact } from "./Artifact.js";
export type { Trace } from "./Trace.js";
export type { WorkItemFilter } from "./WorkItem.js";

/** Options of {@link openAssemblyLine}. */
export interface OpenAssemblyLineOptions {
  /** The factory's event log; the assembly events are registered on it. */
  readonly log: EventLog;
  /** Pipeline configuration; {@link DEFAULT_PIPELINE} when omitted. Validated. */
  readonly pipeline?: PipelineInput;
  /**
   * Owners and WIP limits of lines, and which lines and operators exist (the
   * floor plan satisfies this). Writes naming a line or operator it does not
   * know are refused; without it every id is accepted.
   */
  readonly lines?: LineDirectory;
  /** Gates run before an item enters a stage. */
  readonly gates?: readonly Gate[];
  /** Actor of this line's writes when a call names none; the log's actor otherwise. */
  readonly actor?: string;
  /** How many times a move is retried when other writes land between its decision and its append (default 50). */
  readonly maxRetries?: number;
  /**
   * Folder of the line's snapshot (`assembly.snapshot`: its state and the
   * history behind the measures, stamped with the log position they reflect).
   * When given, the open checks it (its version, pipeline, log and hash)
   * and folds only the newer events; its state is deserialized on the
   * line's first use (a read, a write, `measures`), so a process that never
   * reads work does not pay for it. Its close writes a new one once 1,000
   * events or more were folded since. A snapshot that cannot be read, of
   * another version, pipeline or log, or whose hash does not match is
   * ignored. Without it, the whole log is folded on open.
   */
  readonly cacheDir?: string;
  /** Whether the snapshot in `cacheDir` is written on close (default `true`); `false` only reads it. */
  readonly saveCaches?: boolean;
}

/**
 * Work items moving through the pipeline's stages, their artifacts and trace
 * links, folded from the event log and kept current as events land from this
 * process or others. Moves are checked (state, evidence, WIP limit, gates)
 * against the latest state and appended with the log's optimistic concurrency:
 * of two writers moving the same item from the same version, exactly one wins.
 *
 * Reads are synchronous over the folded state; call {@link AssemblyLine.refresh}
 * to include events other processes wrote a moment ago. A move decides on the
 * item as this line held it when the call began: of two moves of one item
 * called at once, in one process or two, the second fails with
 * `ConcurrencyConflictError` rather than moving it again. A move that landed
 * before the call began, and that this line already folded, is the item's
 * state the call starts from: two processes that each open the line and
 * advance (two CLI runs) move the item twice when one's move reaches the
 * other's line before the other calls `advance`. To refuse any move made
 * since the caller looked at the item, pass the version it saw as
 * `expectedVersion`. After
 * {@link AssemblyLine.close} every call fails with `ClosedError`.
 *
 * Every method checks the types of its arguments first: an id that is no
 * string, an input or options that are no object (`advance(null)`,
 * `get(42)`) fail with `ValidationError` naming the argument
 * (`a call of advance is invalid: id: ...`), never with a `NotFoundError`
 * for the id `null` or an empty answer, and write nothing.
 *
 * Create it with {@link openAssemblyLine}.
 */
export class AssemblyLine extends AssemblyLineWorkItems {
  readonly #artifacts: ArtifactCommands;
  readonly #field: FieldCommands;
  readonly #lifecycle: LineLifecycle;

  /**
   * Not for direct use: {@link openAssemblyLine} builds the state this takes
   * and starts following the log. (Not marked internal: stripping it from the
   * published types would leave a no-argument constructor that type-checks.)
   */
  constructor(
    log: EventLog,
    pipeline: PipelineConfig,
    state: AssemblyState,
    history: AssemblyHistoryFolder,
    projection: Projection,
    options: OpenAssemblyLineOptions,
  ) {
    const lifecycle = new LineLifecycle(log);
    const writer = new LineWriter({
      log,
      projection,
      state,
      actor: options.actor,
      maxRetries: options.maxRetries ?? 50,
    });
    const items = new WorkItemCommands(pipeline, state, writer, options);
    super(pipeline, state, history, projection, lifecycle, items, options.lines);
    this.#lifecycle = lifecycle;
    this.#artifacts = new ArtifactCommands(pipeline, state, writer, options.lines);
    this.#field = new FieldCommands(state, writer, options.lines);
  }

  // ---- artifacts and trace links ------------------------------------------

  /**
   * Records an artifact, or a new version of one when `id` exists and its
   * content differs. A new fingerprint makes every link downstream of it
   * suspect (transitively, under the pipeline's per-link-type policy);
   * formatting-only changes make a new version with the same fingerprint.
   * Change sets and test evidence have their fields checked.
   *
   * @throws ValidationError when the input or an evidence field is invalid, the stage is none of the pipeline's, or the work item does not exist (nothing is written).
   * @throws NotFoundError when the line directory does not know the line.
   * @example
   * ```ts
   * const { suspected } = await line.recordArtifact({ id: "REQ-4", kind: "requirement", title: "Login", fields: { body } });
   * ```
   */
  async recordArtifact(input: RecordArtifactInput): Promise<RecordedArtifact> {
    this.#lifecycle.assertOpen();
    checkArguments("recordArtifact", { input: [required("an artifact (kind, title, fields)"), input] });
    const [recorded] = await this.recordArtifacts([input]);
    return recorded as RecordedArtifact;
  }

  /**
   * Records several artifacts in one atomic append: all land or none does.
   * Unchanged ones are left out, as with {@link AssemblyLine.recordArtifact};
   * an id given twice is recorded in order (the second as the next version).
   * The batch is written as the first input's actor (else the line's).
   *
   * @throws ValidationError naming the index of the first bad input.
   */
  async recordArtifacts(inputs: readonly RecordArtifactInput[]): Promise<RecordedArtifact[]> {
    this.#lifecycle.assertOpen();
    checkArguments("recordArtifacts", {
      inputs: [
        z.array(required("an artifact (kind, title, fields)"), {
          error: "must be a list of artifact inputs",
        }),
        inputs,
      ],
    });
    return this.#artifacts.recordArtifacts(inputs);
  }

  /**
   * Links `from` (downstream) to `to` (upstream), recording the upstream fingerprint it is verified against.
   * Ends may be artifacts, work items or signals; the type is one of `LINK_TYPES`. When the ends
   * already have a link of this type that is not obsolete, that link is returned as it is (suspect
   * or not) and nothing is written, so a retried call, from any process, links once.
   *
   * @throws ValidationError when the input is invalid (an unknown type, an end linked to itself) or an end does not exist.
   * @example
   * ```ts
   * await line.link({ from: design.id, to: "REQ-4", type: "derivesFrom" });
   * ```
   */
  async link(input: LinkInput): Promise<TraceLink> {
    this.#lifecycle.assertOpen();
    checkArguments("link", { input: [required("a link (from, to, type)"), input] });
    const [link] = await this.linkAll([input]);
    return link as TraceLink;
  }

  /**
   * Makes several links in one atomic append: all land or none does. The
   * batch is written as the first input's actor (else the line's). An input
   * whose ends are linked so already (before, or by an earlier input) returns
   * that link and writes nothing, as with {@link AssemblyLine.link}.
   *
   * @throws ValidationError naming the index of the first bad input or missing end.
   */
  async linkAll(inputs: readonly LinkInput[]): Promise<TraceLink[]> {
    this.#lifecycle.assertOpen();
    checkArguments("linkAll", {
      inputs: [
        z.array(required("a link (from, to, type)"), { error: "must be a list of trace link inputs" }),
        inputs,
      ],
    });
    return this.#artifacts.linkAll(inputs);
  }

  /**
   * Reviews a link: records who, the fingerprint it was verified against and
   * the upstream's current one, and the verdict (`keep`, `adapted`, `obsolete`).
   * The link is no longer suspect; an obsolete link no longer carries suspicion.
   * A link that is not suspect is reviewed all the same, and each `adapted`
   * review counts as rework: with `idempotencyKey`, a retried call (a CI step
   * or an agent retrying after a dropped connection, from any process) returns
   * the link without reviewing it again. The review covers the changes this
   * line showed when the call began: a link that became suspect for another
   * change meanwhile (written by another process a moment ago) is not
   * reviewed, so no change is cleared unseen. A reviewer who read the link
   * earlier (a CLI run or an agent's tool call before this one) names the
   * version they read with `reviewedFingerprint`: the `to` of the link's last
   * cause, or its upstream's fingerprint when it is not suspect. Upstream
   * revised since, the review is refused with the fingerprint to review.
   *
   * @throws ValidationError when the input or the options are invalid, or a fingerprint is named for a link that is not suspect and whose upstream is no artifact.
   * @throws ConcurrencyConflictError when the link became suspect for an upstream change this line had not folded when the call began, or `reviewedFingerprint` is not its latest upstream change's fingerprint (the message names that one); read the link again and review it.
   * @throws NotFoundError when there is no such link.
   * @throws IdempotencyConflictError when the key was used for another write, or to review this link with another verdict or note.
   * @example
   * ```ts
   * await line.reviewLink(link.id, { verdict: "adapted", note: "design follows REQ-4 v2" }, { idempotencyKey: "review-7" });
   * // Refused if REQ-4 was revised after the reviewer read it:
   * const [suspect] = line.suspectLinks({ item: "wi_1" });
   * const read = suspect.causes.at(-1)?.to;
   * await line.reviewLink(suspect.id, { verdict: "keep", reviewedFingerprint: read });
   * ```
   */
  async reviewLink(linkId: string, input: ReviewInput, options: RecordFactOptions = {}): Promise<TraceLink> {
    this.#lifecycle.assertOpen();
    checkArguments("reviewLink", {
      linkId: [Id, linkId],
      input: [required("a review ({ verdict })"), input],
      options: [optional("options (idempotencyKey)"), options],
    });
    return this.#artifacts.reviewLink(linkId, input, options);
  }

  // ---- signals --------------------------------------------------------------

  /**
   * Captures a customer signal, routing it to a line at once when `line` is given.
   * With `idempotencyKey`, a retried call (from this process or another, before or after a reopen)
   * returns the signal the first call captured instead of capturing it again.
   *
   * @throws ValidationError when the input or the options are invalid.
   * @throws NotFoundError when the line directory does not know the line (nothing is written).
   * @throws IdempotencyConflictError when the key was used for a work item, or to capture a signal from different input (text, source, customer, severity, line).
   * @example
   * ```ts
   * const signal = await line.captureSignal(
   *   { text: "Card payment fails on retry", source: "support", line: "checkout" },
   *   { idempotencyKey: "ticket-4711" },
   * );
   * ```
   */
  async captureSignal(input: CaptureSignalInput, options: CaptureSignalOptions = {}): Promise<Signal> {
    this.#lifecycle.assertOpen();
    checkArguments("captureSignal", {
      input: [required("a signal (text, source)"), input],
      options: [optional("options (idempotencyKey)"), options],
    });
    return this.signal(await this.#field.captureSignal(input, options)) as Signal;
  }

  /**
   * Routes a signal to a line. A signal on that line already is returned as
   * it is and nothing is written (from any process: decided at the head the
   * append checks), so a retried routing does not tell the line's owner twice.
   *
   * @throws ValidationError when the line id or the options are invalid (an unknown key, an actor that is no operator id).
   * @throws NotFoundError when there is no such signal, or the line directory does not know the line.
   */
  async routeSignal(id: string, line: string, options: { readonly actor?: string } = {}): Promise<Signal> {
    this.#lifecycle.assertOpen();
    checkArguments("routeSignal", {
      id: [Id, id],
      line: [Id, line],
      options: [optional("options ({ actor })"), options],
    });
    const { actor } = parseInput(RouteSignalOptionsSchema, options, "signal routing options");
    await this.#field.routeSignal(id, line, actor);
    return this.signal(id) as Signal;
  }

  // ---- deployments and incidents ----------------------------------------------

  /**
   * Records a deployment and the work items it shipped; with `remediates`, an
   * unplanned deployment made to fix incidents. Feeds the DORA measures.
   * With `idempotencyKey`, a retried call (a CI step run again, from any
   * process) returns the deployment the first call recorded instead of
   * counting it twice.
   *
   * With `line`, the deployment counts for that line's DORA measures (and
   * `deployments({ line })` lists it); `version` says what went out.
   *
   * @returns the deployment id (`dep_...`).
   * @throws ValidationError when the input is invalid (a malformed line id, a blank or multi-line version, one over 200 characters, an environment not in lowercase, or none of workItems, remediates, line and version given) or a work item or incident does not exist.
   * @throws NotFoundError when the line directory does not know the line (nothing is written).
   * @throws IdempotencyConflictError when the key was used for another write, or to record a deployment from different input (environment, workItems, status, remediates, line, version).
   * @example
   * ```ts
   * const id = await line.recordDeployment(
   *   { environment: "production", workItems: [item.id], line: "checkout", version: "v2.4.1" },
   *   { idempotencyKey: `deploy-${process.env.CI_PIPELINE_ID}` },
   * );
   * ```
   */
  async recordDeployment(
    input: RecordDeploymentInput = {},
    options: RecordFactOptions = {},
  ): Promise<string> {
    this.#lifecycle.assertOpen();
    checkArguments("recordDeployment", {
      input: [optional("a deployment (environment, workItems)"), input],
      options: [optional("options (idempotencyKey)"), options],
    });
    return this.#field.recordDeployment(input, options);
  }

  /**
   * Opens an incident in production, caused by a deployment when known, on
   * a line when `line` names one (else its deployment's line). An incident
   * with a line and no deployment counts against the line's latest deployment
   * before it in the DORA measures; `incident(id).blamedOn` names the
   * deployment it is blamed on, and is undefined when there is none (no
   * production deployment on the line before it: it counts in no change fail
   * rate). With `idempotencyKey`, a retried call returns the incident the
   * first call opened.
   *
   * @returns the incident id (`inc_...`).
   * @throws ValidationError when the input is invalid or the deployment does not exist.
   * @throws NotFoundError when the line directory does not know the line (nothing is written).
   * @throws IdempotencyConflictError when the key was used for another write, or to open an incident from different input (title, severity, deployment, line).
   */
  async openIncident(input: OpenIncidentInput, options: RecordFactOptions = {}): Promise<string> {
    this.#lifecycle.assertOpen();
    checkArguments("openIncident", {
      input: [required("an incident (title)"), input],
      options: [optional("options (idempotencyKey)"), options],
    });
    return this.#field.openIncident(input, options);
  }

  /**
   * Resolves an incident: service is restored. An incident already resolved
   * stays as it was (its first resolution counts for time to restore); nothing is written.
   *
   * @throws NotFoundError when there is no such incident.
   */
  async resolveIncident(id: string, input: ResolveIncidentInput = {}): Promise<void> {
    this.#lifecycle.assertOpen();
    checkArguments("resolveIncident", { id: [Id, id], input: [optional("a resolution ({ actor })"), input] });
    return this.#field.resolveIncident(id, input);
  }
}

/** Options of `routeSignal`: who routes it, and nothing else (a misspelt `actr` is refused, not dropped). */
const RouteSignalOptionsSchema = strictInput({ actor: OperatorIdSchema.optional() });

/**
 * {@link OpenAssemblyLineOptions}, each field's type: the pipeline and the
 * gates are checked further by `parsePipeline` and `checkGate`. `maxRetries`
 * is a whole number of retries, bounded so a typo cannot make a write spin
 * for minutes.
 */
const OpenAssemblyLineOptionsSchema = strictInput({
  log: withMethods("an event log (openEventLog's result)", "append", "read", "subscribe").refine(
    (log) => typeof (log as { registry?: { register?: unknown } }).registry?.register === "function",
    "must be an event log (openEventLog's result)",
  ),
  pipeline: optional("a pipeline configuration (stages, flows)"),
  lines: withMethods("a line directory (ownerOf, wipLimitOf)", "ownerOf", "wipLimitOf").optional(),
  gates: z.array(z.unknown()).optional(),
  actor: z.string().min(1).optional(),
  maxRetries: z.number().int().min(0).max(1000).optional(),
  cacheDir: z.string().min(1, "expected a folder").optional(),
  saveCaches: z.boolean().optional(),
});

/**
 * Opens the assembly line over a factory's event log: registers the assembly
 * events, validates the pipeline, folds the log into work items, artifacts and
 * links, and follows new events live.
 *
 * @throws ValidationError when the options are no object or have an unknown key or a field of the wrong type (`log` no event log, `lines` no line directory, `gates` no list, `maxRetries` no whole number from 0 to 1000), the pipeline configuration is invalid, or a gate of `gates` is (no name, no list of stages, a stage that is no name, no `check`).
 * @example
 * ```ts
 * const log = await openEventLog({ path: ".factory/factory.db" });
 * const line = await openAssemblyLine({ log, lines: { ownerOf: () => "alice", wipLimitOf: () => 3 } });
 * const item = await line.createWorkItem({ line: "checkout", title: "Pay by link" });
 * await line.advance(item.id);
 * ```
 */
export async function openAssemblyLine(options: OpenAssemblyLineOptions): Promise<AssemblyLine> {
  const checked = OpenAssemblyLineOptionsSchema.safeParse(options);
  if (!checked.success)
    throw validationErrorFromZod(checked.error.issues, { subject: "assembly line options" });
  const pipeline = parsePipeline(options.pipeline ?? DEFAULT_PIPELINE);
  (options.gates ?? []).forEach((gate, index) => {
    checkGate(gate, pipeline, "assembly line options", `gates[${index}].`);
  });
  options.log.registry.register(...assemblyEvents);
  const { cacheDir } = options;
  const saved =
    cacheDir === undefined ? undefined : await loadAssemblySnapshot(options.log, cacheDir, pipeline);
  // The snapshot's body is deserialized on the line's first use: a command that never reads work skips it.
  const state = new AssemblyState(pipeline, saved === undefined ? undefined : () => saved.body().state);
  const history = historyFolder(pipeline, saved === undefined ? undefined : () => saved.body().history);
  let folded = 0;
  const projection = await startProjection(options.log, {
    types: ASSEMBLY_EVENT_TYPES,
    ...(saved === undefined ? {} : { after: saved.position }),
    apply: (event) => {
      state.apply(event);
      history.apply(event);
      folded += 1;
    },
    pageSize: 5000,
  });
  const following =
    cacheDir === undefined || options.saveCaches === false
      ? projection
      : savingOnClose(projection, async () => {
          // A few events since the snapshot are cheap to fold again: one small write does not rewrite the file
          // (nor reads a snapshot nothing asked for).
          if (folded < SAVE_AFTER_EVENTS) return;
          const snapshot = { position: projection.position, state: state.data(), history: history.data() };
          // A snapshot that cannot be written is only a slower next open: that never fails a close.
          await saveAssemblySnapshot(options.log, cacheDir, pipeline, snapshot).catch(() => undefined);
          folded = 0;
        });
  return new AssemblyLine(options.log, pipeline, state, history, following, options);
}

/** `projection`, whose close runs `save` once it stopped following the log (no event is folded meanwhile). */
function savingOnClose(projection: Projection, save: () => Promise<void>): Projection {
  const saving: Projection = {
    get position() {
      return projection.position;
    },
    catchUp: () => projection.catchUp(),
    close: async () => {
      await projection.close();
      await save();
    },
    [Symbol.asyncDispose]: () => saving.close(),
  };
  return saving;
}

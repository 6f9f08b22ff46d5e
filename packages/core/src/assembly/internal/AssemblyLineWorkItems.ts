/**
 * The work item commands of the assembly line's public face: creating an
 * item, moving it through its flow's stages (advance, send back, block,
 * unblock, drop, complete), assigning it, the gates its moves run and the
 * line's WIP limit. Each method refuses a closed line and arguments of the
 * wrong type, then hands the call to `WorkItemCommands.ts`. `AssemblyLine`
 * extends this with the artifact, trace, signal and production commands.
 *
 * @module
 */
import { checkArguments } from "../../checkArguments.js";
import type { Projection } from "../../Projection.js";
import type { AssemblyHistoryFolder } from "../AssemblyHistory.js";
import type { Gate } from "../Gate.js";
import type {
  AssignInput,
  CreateWorkItemInput,
  MoveOptions,
  ReasonInput,
  SendBackInput,
  UnblockInput,
} from "../inputs.js";
import type { LineDirectory } from "../LineDirectory.js";
import type { PipelineConfig } from "../Pipeline.js";
import type { WorkItem } from "../WorkItem.js";
import { AssemblyLineReads, type LineLifecycle } from "./AssemblyLineReads.js";
import type { AssemblyState } from "./AssemblyState.js";
import { Id, optional, required } from "./arguments.js";
import type { WorkItemCommands } from "./WorkItemCommands.js";

/**
 * The assembly line's reads and its work item commands, each checked against
 * the line's lifecycle and its arguments' types. The public face is `AssemblyLine`.
 */
export class AssemblyLineWorkItems extends AssemblyLineReads {
  readonly #items: WorkItemCommands;
  readonly #lifecycle: LineLifecycle;

  /**
   * Reads over `state` and `history` and the work item commands of `items`,
   * refused once `lifecycle` is closed. Not for direct use: see
   * {@link openAssemblyLine}.
   */
  constructor(
    pipeline: PipelineConfig,
    state: AssemblyState,
    history: AssemblyHistoryFolder,
    projection: Projection,
    lifecycle: LineLifecycle,
    items: WorkItemCommands,
    lines: LineDirectory | undefined,
  ) {
    super(pipeline, state, history, projection, lifecycle, lines);
    this.#lifecycle = lifecycle;
    this.#items = items;
  }

  /**
   * Registers a gate, run before items enter its stages.
   *
   * @returns a function that unregisters it.
   * @throws ValidationError when the gate has no name, no list of stages, a stage that is no name, or no `check` function.
   */
  registerGate(gate: Gate): () => void {
    this.#lifecycle.assertOpen();
    checkArguments("registerGate", { gate: [required("a gate (name, stages, check)"), gate] });
    return this.#items.registerGate(gate);
  }

  /**
   * Creates a work item in the first stage of its flow, owned by the line's owner unless `owner` is given.
   * With `idempotencyKey`, a retried call (from this process or another, before or after a reopen)
   * returns the item the first call created instead of creating another.
   *
   * @throws ValidationError when the input is invalid or the flow unknown.
   * @throws NotFoundError when the line directory does not know the line, the owner or a contributor, or a signal (field `signals[i]`) does not exist (nothing is written).
   * @throws IdempotencyConflictError when the key was used for a move or to create an item from different input (line, title, kind, flow, owner, contributors, signals).
   * @throws WipLimitError when the flow starts in a WIP stage and the line is full (pass `overrideWip`).
   * @example
   * ```ts
   * const item = await line.createWorkItem({ line: "checkout", title: "Pay by link", kind: "feature", flow: "tiny" });
   * ```
   */
  async createWorkItem(input: CreateWorkItemInput, options: MoveOptions = {}): Promise<WorkItem> {
    this.#lifecycle.assertOpen();
    checkArguments("createWorkItem", {
      input: [required("a work item (line, title)"), input],
      options: [optional("move options"), options],
    });
    return this.#items.create(input, options);
  }

  /**
   * Moves an item to the next stage of its flow, after checking its state, the
   * evidence needed to leave its stage, the line's WIP limit and the gates of the next stage.
   *
   * @throws NotFoundError when there is no such item.
   * @throws IllegalTransitionError when it is not active or already at its flow's last stage.
   * @throws EvidenceMissingError when its stage needs a change set or passing test evidence it lacks.
   * @throws WipLimitError when entering a WIP stage would pass the line's limit (pass `overrideWip`).
   * @throws GateFailedError with every finding when a gate refuses; the failure is recorded.
   * @throws ConcurrencyConflictError when the item changed since the call began (another call or writer moved it first), or is not at `expectedVersion`.
   */
  async advance(id: string, options: MoveOptions = {}): Promise<WorkItem> {
    this.#lifecycle.assertOpen();
    checkArguments("advance", { id: [Id, id], options: [optional("move options"), options] });
    return this.#items.advance(id, options);
  }

  /**
   * Sends an item back to an earlier stage of its flow for rework, with a reason and a cause.
   *
   * @throws ValidationError when the reason is missing or the target stage is not earlier in its flow.
   * @throws IllegalTransitionError when it is not active or at its flow's first stage.
   * @throws WipLimitError when going back into the WIP stages would pass the line's limit.
   * @throws ConcurrencyConflictError when the item changed since the call began, or is not at `expectedVersion`.
   */
  async sendBack(id: string, input: SendBackInput, options: MoveOptions = {}): Promise<WorkItem> {
    this.#lifecycle.assertOpen();
    checkArguments("sendBack", {
      id: [Id, id],
      input: [required("a send back (reason, cause)"), input],
      options: [optional("move options"), options],
    });
    return this.#items.sendBack(id, input, options);
  }

  /**
   * Blocks an active item, with a reason.
   *
   * @throws IllegalTransitionError when it is not active.
   * @throws ConcurrencyConflictError when the item changed since the call began, or is not at `expectedVersion`.
   */
  async block(id: string, input: ReasonInput, options: MoveOptions = {}): Promise<WorkItem> {
    this.#lifecycle.assertOpen();
    checkArguments("block", {
      id: [Id, id],
      input: [required("a reason ({ reason })"), input],
      options: [optional("move options"), options],
    });
    return this.#items.block(id, input, options);
  }

  /**
   * Lets a blocked item move again.
   *
   * @throws IllegalTransitionError when it is not blocked.
   * @throws ConcurrencyConflictError when the item changed since the call began, or is not at `expectedVersion`.
   */
  async unblock(id: string, input: UnblockInput = {}, options: MoveOptions = {}): Promise<WorkItem> {
    this.#lifecycle.assertOpen();
    checkArguments("unblock", {
      id: [Id, id],
      input: [optional("an unblock ({ reason })"), input],
      options: [optional("move options"), options],
    });
    return this.#items.unblock(id, input, options);
  }

  /**
   * Abandons an active or blocked item, with a reason.
   *
   * @throws IllegalTransitionError when it is done or dropped already.
   * @throws ConcurrencyConflictError when the item changed since the call began, or is not at `expectedVersion`.
   */
  async drop(id: string, input: ReasonInput, options: MoveOptions = {}): Promise<WorkItem> {
    this.#lifecycle.assertOpen();
    checkArguments("drop", {
      id: [Id, id],
      input: [required("a reason ({ reason })"), input],
      options: [optional("move options"), options],
    });
    return this.#items.drop(id, input, options);
  }

  /**
   * Completes an item at the last stage of its flow, once the evidence that stage needs is there.
   *
   * @throws IllegalTransitionError when it is not active or not at its flow's last stage.
   * @throws EvidenceMissingError when the last stage needs evidence the item lacks.
   * @throws ConcurrencyConflictError when the item changed since the call began, or is not at `expectedVersion`.
   */
  async complete(id: string, options: MoveOptions = {}): Promise<WorkItem> {
    this.#lifecycle.assertOpen();
    checkArguments("complete", { id: [Id, id], options: [optional("move options"), options] });
    return this.#items.complete(id, options);
  }

  /**
   * Changes an item's owner or adds contributors. An assignment that changes
   * nothing (the owner the item has, contributors it has) returns the item as
   * it is and writes nothing, from any process (decided at the head the
   * append checks), so a retry does not move its version on.
   *
   * @throws NotFoundError when the line directory does not know the owner or a contributor.
   * @throws IllegalTransitionError when it is done or dropped.
   * @throws ConcurrencyConflictError when the item changed since the call began, or is not at `expectedVersion`.
   */
  async assign(id: string, input: AssignInput, options: MoveOptions = {}): Promise<WorkItem> {
    this.#lifecycle.assertOpen();
    checkArguments("assign", {
      id: [Id, id],
      input: [required("an assignment (owner, contributors)"), input],
      options: [optional("move options"), options],
    });
    return this.#items.assign(id, input, options);
  }

  /** A line's WIP limit: the line directory's, else the pipeline's for the line, else its default. */
  wipLimitOf(line: string): number | undefined {
    this.#lifecycle.assertOpen();
    checkArguments("wipLimitOf", { line: [Id, line] });
    return this.#items.wipLimitOf(line);
  }
}

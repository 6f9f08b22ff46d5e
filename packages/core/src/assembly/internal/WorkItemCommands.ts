/**
 * The assembly line's work item commands: each parses its input and move
 * options, decides the events with `moves.ts` against the latest state, and
 * writes them through the {@link LineWriter} (which retries when other writes
 * land meanwhile). The gates run before an item enters a stage are kept here,
 * as the live list the move decisions read.
 *
 * @module
 */
import type { NewEvent } from "../../EventLog.js";
import { newId } from "../../ids.js";
import type { Gate } from "../Gate.js";
import {
  type AssignInput,
  AssignInputSchema,
  type CreateWorkItemInput,
  CreateWorkItemInputSchema,
  type MoveOptions,
  MoveOptionsSchema,
  parseInput,
  type ReasonInput,
  ReasonInputSchema,
  type SendBackInput,
  SendBackInputSchema,
  type UnblockInput,
  UnblockInputSchema,
} from "../inputs.js";
import type { LineDirectory } from "../LineDirectory.js";
import type { PipelineConfig } from "../Pipeline.js";
import type { WorkItem } from "../WorkItem.js";
import type { AssemblyState } from "./AssemblyState.js";
import { checkGate, type Move } from "./checks.js";
import type { LineWriter } from "./LineWriter.js";
import { getItem } from "./lineQueries.js";
import {
  advanceEvents,
  assignChangesNothing,
  assignEvents,
  blockEvents,
  completeEvents,
  createEvents,
  dropEvents,
  flowOf,
  type MoveContext,
  type MoveOpts,
  sendBackEvents,
  unblockEvents,
} from "./moves.js";
import { checkReferences, expectKnown, operatorReferences, refreshDirectory } from "./references.js";
import { earlierCreation } from "./requests.js";

/** The line's choices {@link WorkItemCommands} follow (those of `openAssemblyLine`). */
export interface WorkItemCommandsOptions {
  /** Owners and WIP limits of lines. */
  readonly lines?: LineDirectory;
  /** The gates registered when the line opens. */
  readonly gates?: readonly Gate[];
  /** The line's default actor. */
  readonly actor?: string;
}

/** Creates and moves work items: parses, decides against the latest state, writes. */
export class WorkItemCommands {
  readonly #pipeline: PipelineConfig;
  readonly #lines: LineDirectory | undefined;
  readonly #gates: Gate[];
  readonly #writer: LineWriter;
  readonly #moves: MoveContext;

  constructor(
    pipeline: PipelineConfig,
    state: AssemblyState,
    writer: LineWriter,
    options: WorkItemCommandsOptions,
  ) {
    this.#pipeline = pipeline;
    this.#lines = options.lines;
    this.#gates = [...(options.gates ?? [])];
    this.#writer = writer;
    this.#moves = {
      pipeline,
      state,
      lines: options.lines,
      gates: this.#gates,
      actor: options.actor,
      wipLimitOf: (line) => this.wipLimitOf(line),
      failGate: (item, to, findings, actor) => this.#writer.failGate(item, to, findings, actor),
    };
  }

  /**
   * Registers a gate; returns a function that unregisters it.
   *
   * @throws ValidationError when the gate lacks a name, a list of stages or a check.
   */
  registerGate(gate: Gate): () => void {
    checkGate(gate, this.#pipeline, "gate");
    this.#gates.push(gate);
    return () => {
      const index = this.#gates.indexOf(gate);
      if (index !== -1) this.#gates.splice(index, 1);
    };
  }

  /** A line's WIP limit: the line directory's, else the pipeline's for the line, else its default. */
  wipLimitOf(line: string): number | undefined {
    return this.#lines?.wipLimitOf(line) ?? this.#pipeline.wipLimits[line] ?? this.#pipeline.defaultWipLimit;
  }

  /**
   * Creates a work item in the first stage of its flow. A call retried with
   * its idempotency key returns the item the first call created, from any
   * process. The line, owner and contributors are checked against the
   * directory inside each decision, after catching up, so a line retired by
   * another process before the append lands refuses the creation.
   *
   * @throws ValidationError when the input is invalid or the flow unknown.
   * @throws NotFoundError when the directory does not know the line, the owner or a contributor, or a signal (field `signals[i]`) does not exist.
   * @throws IdempotencyConflictError when the key was used for a move or to create a different item.
   * @throws WipLimitError when the flow starts in a WIP stage and the line is full.
   */
  async create(input: CreateWorkItemInput, options: MoveOptions): Promise<WorkItem> {
    const data = parseInput(CreateWorkItemInputSchema, input, "work item");
    const opts = parseInput(MoveOptionsSchema, options, "move options");
    const { flow, stages } = flowOf(this.#pipeline, data.flow);
    let id = newId("wi");
    await this.#writer.retrying(async (head) => {
      const earlier = earlierCreation(this.#moves.state, opts.idempotencyKey, data, flow);
      if (earlier !== undefined) {
        id = earlier;
        return;
      }
      // Caught up after `head`: the owner defaults to the line's owner as the directory knows it now.
      await refreshDirectory(this.#lines);
      expectKnown(this.#lines, "work item", [
        { entity: "line", field: "line", id: data.line },
        { entity: "operator", field: "owner", id: data.owner },
        ...operatorReferences("contributors", data.contributors),
      ]);
      const events = createEvents(this.#moves, id, data, flow, stages, opts);
      await this.#writer.appendMove(events, head, opts);
    });
    return getItem(this.#moves.state, id) as WorkItem;
  }

  /** Moves an item to the next stage of its flow (see `advanceEvents`). */
  async advance(id: string, options: MoveOptions): Promise<WorkItem> {
    const known = this.#known(id);
    return this.#move(id, "advance", options, known, (item, opts) => advanceEvents(this.#moves, item, opts));
  }

  /** Sends an item back to an earlier stage of its flow. */
  async sendBack(id: string, input: SendBackInput, options: MoveOptions): Promise<WorkItem> {
    const known = this.#known(id);
    const data = parseInput(SendBackInputSchema, input, "send back");
    const asked = {
      reason: data.reason,
      cause: data.cause,
      ...(data.to === undefined ? {} : { to: data.to }),
    };
    return this.#move(
      id,
      "sendBack",
      options,
      known,
      (item, opts) => sendBackEvents(this.#moves, item, data, opts),
      asked,
    );
  }

  /** Blocks an active item. */
  async block(id: string, input: ReasonInput, options: MoveOptions): Promise<WorkItem> {
    const known = this.#known(id);
    const data = parseInput(ReasonInputSchema, input, "block");
    return this.#move(id, "block", options, known, (item) => blockEvents(item, data), {
      reason: data.reason,
    });
  }

  /** Lets a blocked item move again. */
  async unblock(id: string, input: UnblockInput, options: MoveOptions): Promise<WorkItem> {
    const known = this.#known(id);
    const data = parseInput(UnblockInputSchema, input, "unblock");
    const asked = { reason: data.reason?.trim() || undefined };
    return this.#move(id, "unblock", options, known, (item) => unblockEvents(item, data), asked);
  }

  /** Abandons an active or blocked item. */
  async drop(id: string, input: ReasonInput, options: MoveOptions): Promise<WorkItem> {
    const known = this.#known(id);
    const data = parseInput(ReasonInputSchema, input, "drop");
    return this.#move(id, "drop", options, known, (item) => dropEvents(item, data), { reason: data.reason });
  }

  /** Completes an item at the last stage of its flow. */
  async complete(id: string, options: MoveOptions): Promise<WorkItem> {
    const known = this.#known(id);
    return this.#move(id, "complete", options, known, (item) => completeEvents(this.#moves, item));
  }

  /** Changes an item's owner or adds contributors, once the directory knows each of them. */
  async assign(id: string, input: AssignInput, options: MoveOptions): Promise<WorkItem> {
    const known = this.#known(id);
    const data = parseInput(AssignInputSchema, input, "assign");
    const asked = { owner: data.owner, contributors: data.contributors };
    return this.#move(
      id,
      "assign",
      options,
      known,
      async (item) => {
        await checkReferences(this.#lines, "assign", [
          { entity: "operator", field: "owner", id: data.owner },
          ...operatorReferences("contributors", data.contributors),
        ]);
        return assignEvents(item, data);
      },
      asked,
      (item) => assignChangesNothing(item, data),
    );
  }

  /**
   * The item's version in this line's state now, read when a move is called and
   * before it waits for anything: the move decides on the item as it was then,
   * so of two moves called at once the second fails instead of moving it twice.
   */
  #known(id: string): number | undefined {
    return this.#moves.state.items.get(id)?.version;
  }

  /**
   * Parses the move options, then moves the item with the events `decide`
   * returns for its latest state, if it is still at the expected version (the
   * option's, else `known`). `asked`: the fields of the move's event its input
   * sets, which a retry with the same idempotency key must repeat; `unchanged`:
   * whether the move would change nothing on the item's latest state, so it
   * writes nothing.
   */
  async #move(
    id: string,
    move: Move,
    options: MoveOptions,
    known: number | undefined,
    decide: (item: WorkItem, opts: MoveOpts) => NewEvent[] | Promise<NewEvent[]>,
    asked: Readonly<Record<string, unknown>> = {},
    unchanged?: (item: WorkItem) => boolean,
  ): Promise<WorkItem> {
    const opts = parseInput(MoveOptionsSchema, options, "move options");
    return this.#writer.move(id, move, opts, known, (item) => decide(item, opts), asked, unchanged);
  }
}

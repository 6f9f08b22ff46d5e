import type { EventLog } from "@software-factory/core";
import { floorPlanEventTypes } from "../events.js";
import { FloorGraph } from "../FloorGraph.js";
import { foldEvent } from "./fold.js";

/** A plan folded up to a recorded time, kept to answer that time again and to fold later times from. */
interface Folded {
  readonly floor: FloorGraph;
  /** How many events of the timeline it folds, when they are its first ones (times in log order); undefined otherwise. */
  readonly end: number | undefined;
}

/** How many folded plans a history keeps (the least recently asked goes first). */
const FOLDED_KEPT = 8;

/**
 * The floor plan's past: when each of its events was recorded, read from the
 * log once and then only the events appended since; and the plan as it was
 * at a time, folded from the events recorded at or before it (`at <= time`).
 *
 * Plans are kept by the latest recorded time they fold, so every instant
 * between two changes gets the same one. When the times never go back in
 * log order (one clock), the events up to a time are a prefix of the log:
 * a later time is folded from a copy of the nearest earlier plan kept, by
 * reading only the events between the two. Times that do go back (clocks
 * of several machines that disagree) are folded from the start, filtered.
 */
export class PlanHistory {
  readonly #log: EventLog;
  /** Position of each floor-plan event read so far, in log order. */
  readonly #positions: number[] = [];
  /** When each was recorded, in epoch milliseconds. */
  readonly #times: number[] = [];
  /** Log position read up to. */
  #read = 0;
  /** Whether the times never go back in log order. */
  #ordered = true;
  /** Folded plans by the latest recorded time they fold (`-Infinity` for none), least recently asked first. */
  readonly #folded = new Map<number, Folded>();
  /** The call under way: calls run one after another, so none reads the log while another extends the timeline. */
  #turn: Promise<unknown> = Promise.resolve();

  /** A history of the floor-plan events of `log`. */
  constructor(log: EventLog) {
    this.#log = log;
  }

  /** The plan as it was at `time` (epoch milliseconds), with every event the log holds now. */
  planAt(time: number): Promise<FloorGraph> {
    const next = this.#turn.then(async () => {
      await this.#readNew();
      return this.#planAt(time);
    });
    this.#turn = next.catch(() => undefined);
    return next;
  }

  /** Reads the times of the events appended since the last call, and forgets the plans an early time among them changes. */
  async #readNew(): Promise<void> {
    const head = await this.#log.head();
    if (head <= this.#read) return;
    let earliest = Number.POSITIVE_INFINITY;
    for await (const event of this.#log.readAll({
      after: this.#read,
      until: head,
      types: floorPlanEventTypes,
    })) {
      const time = Date.parse(event.at);
      const last = this.#times[this.#times.length - 1];
      if (last !== undefined && time < last) this.#ordered = false;
      this.#positions.push(event.seq);
      this.#times.push(time);
      earliest = Math.min(earliest, time);
    }
    this.#read = head;
    // Events are recorded "now", after every time asked so far, unless a clock disagrees.
    for (const key of [...this.#folded.keys()]) if (key >= earliest) this.#folded.delete(key);
  }

  async #planAt(time: number): Promise<FloorGraph> {
    const end = this.#ordered ? this.#prefixEnd(time) : undefined;
    const key = this.#latestTimeUpTo(time, end);
    const known = this.#folded.get(key);
    if (known !== undefined) {
      this.#folded.delete(key);
      this.#folded.set(key, known);
      return known.floor;
    }
    const floor = end === undefined ? await this.#foldFiltered(time) : await this.#foldPrefix(end);
    this.#folded.set(key, { floor, end });
    if (this.#folded.size > FOLDED_KEPT) {
      const oldest = this.#folded.keys().next();
      if (oldest.done !== true) this.#folded.delete(oldest.value);
    }
    return floor;
  }

  /** How many events (times in log order) were recorded at or before `time`. */
  #prefixEnd(time: number): number {
    let low = 0;
    let high = this.#times.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#times[middle] ?? 0) <= time) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The latest recorded time at or before `time` (`-Infinity` when there is none): the key of the plan at `time`. */
  #latestTimeUpTo(time: number, end: number | undefined): number {
    if (end !== undefined) return end === 0 ? Number.NEGATIVE_INFINITY : (this.#times[end - 1] as number);
    let latest = Number.NEGATIVE_INFINITY;
    for (const recorded of this.#times) if (recorded <= time && recorded > latest) latest = recorded;
    return latest;
  }

  /** The first `end` events folded: onto a copy of the longest such plan kept, reading only the events after it. */
  async #foldPrefix(end: number): Promise<FloorGraph> {
    let base: Folded | undefined;
    for (const folded of this.#folded.values())
      if (
        folded.end !== undefined &&
        folded.end <= end &&
        (base === undefined || folded.end > (base.end ?? 0))
      )
        base = folded;
    const start = base?.end ?? 0;
    const floor = base === undefined ? new FloorGraph() : new FloorGraph(base.floor.graph.copy());
    if (end > start) {
      const after = start === 0 ? 0 : (this.#positions[start - 1] as number);
      const until = this.#positions[end - 1] as number;
      for await (const event of this.#log.readAll({ after, until, types: floorPlanEventTypes }))
        foldEvent(floor, event);
    }
    return floor;
  }

  /** Every event read so far that was recorded at or before `time`, folded in log order. */
  async #foldFiltered(time: number): Promise<FloorGraph> {
    const floor = new FloorGraph();
    for await (const event of this.#log.readAll({ until: this.#read, types: floorPlanEventTypes }))
      if (Date.parse(event.at) <= time) foldEvent(floor, event);
    return floor;
  }
}

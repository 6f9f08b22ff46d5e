import type { ChangedLine, ImpactedLine, OwnerToNotify } from "../impact.js";
import type { Criticality } from "../model.js";
import { criticalityOfRank, type DependencyIndex, rankOfCriticality as rankOf } from "./DependencyIndex.js";

/**
 * Groups the lines of an impact report by owner. The owners of the lines of a
 * dependency index are numbered once (0 for no owner), so a call needs no Map
 * and no growing arrays: a first pass counts each owner's lines in counters
 * reused from call to call, a second fills arrays of exactly that size.
 * Calls are synchronous, so the counters are never shared by two calls.
 */
export class OwnerGroups {
  readonly #index: DependencyIndex;
  /** Operator of each owner number; number 0 is "no owner". */
  readonly #operators: (string | undefined)[] = [undefined];
  readonly #ownerOfNode: Int32Array;
  /** Per owner number: the call that last counted it, its counts, highest rank and position in the result. */
  readonly #seen: Uint32Array;
  readonly #changedCount: Int32Array;
  readonly #affectedCount: Int32Array;
  readonly #rank: Uint8Array;
  readonly #position: Int32Array;
  /** Owner numbers in the order they were first met in a call. */
  readonly #met: Int32Array;
  #call = 0;

  /** Numbers the owners of the index's lines, as `ownerOf` gives them. */
  constructor(index: DependencyIndex, ownerOf: (line: string) => string | undefined) {
    this.#index = index;
    this.#ownerOfNode = new Int32Array(index.ids.length);
    const numbers = new Map<string, number>();
    index.ids.forEach((line, node) => {
      const owner = ownerOf(line);
      if (owner === undefined) return;
      let number = numbers.get(owner);
      if (number === undefined) {
        number = this.#operators.length;
        this.#operators.push(owner);
        numbers.set(owner, number);
      }
      this.#ownerOfNode[node] = number;
    });
    const owners = this.#operators.length;
    this.#seen = new Uint32Array(owners);
    this.#changedCount = new Int32Array(owners);
    this.#affectedCount = new Int32Array(owners);
    this.#rank = new Uint8Array(owners);
    this.#position = new Int32Array(owners);
    this.#met = new Int32Array(owners);
  }

  /**
   * The owners to notify, each with their changed and affected lines in report
   * order: owners of changed lines first, then by criticality (`high` for a
   * changed line) and number of lines; ties keep the order owners were met in.
   */
  group(changed: readonly ChangedLine[], affected: readonly ImpactedLine[]): OwnerToNotify[] {
    if (this.#call === 0xffffffff) {
      this.#seen.fill(0);
      this.#call = 0;
    }
    const call = ++this.#call;
    let met = 0;
    const meet = (line: string): number => {
      const owner = this.#ownerOfNode[this.#index.indexOf.get(line) ?? -1] ?? 0;
      if (this.#seen[owner] !== call) {
        this.#seen[owner] = call;
        this.#changedCount[owner] = 0;
        this.#affectedCount[owner] = 0;
        this.#rank[owner] = 0;
        this.#met[met++] = owner;
      }
      return owner;
    };
    for (const entry of changed) {
      const owner = meet(entry.line);
      this.#changedCount[owner] = (this.#changedCount[owner] ?? 0) + 1;
      this.#rank[owner] = 3;
    }
    for (const entry of affected) {
      const owner = meet(entry.line);
      this.#affectedCount[owner] = (this.#affectedCount[owner] ?? 0) + 1;
      this.#rank[owner] = Math.max(this.#rank[owner] ?? 0, rankOf(entry.criticality));
    }
    const groups: {
      operator: string | undefined;
      changed: string[];
      affected: string[];
      criticality: Criticality;
    }[] = new Array(met);
    for (let at = 0; at < met; at++) {
      const owner = this.#met[at] ?? 0;
      this.#position[owner] = at;
      groups[at] = {
        operator: this.#operators[owner],
        changed: new Array(this.#changedCount[owner] ?? 0),
        affected: new Array(this.#affectedCount[owner] ?? 0),
        criticality: criticalityOfRank(this.#rank[owner] ?? 1),
      };
      // The counts become fill positions.
      this.#changedCount[owner] = 0;
      this.#affectedCount[owner] = 0;
    }
    for (const entry of changed) {
      const owner = this.#ownerOfNode[this.#index.indexOf.get(entry.line) ?? -1] ?? 0;
      const group = groups[this.#position[owner] ?? 0];
      const at = this.#changedCount[owner] ?? 0;
      if (group !== undefined) group.changed[at] = entry.line;
      this.#changedCount[owner] = at + 1;
    }
    for (const entry of affected) {
      const owner = this.#ownerOfNode[this.#index.indexOf.get(entry.line) ?? -1] ?? 0;
      const group = groups[this.#position[owner] ?? 0];
      const at = this.#affectedCount[owner] ?? 0;
      if (group !== undefined) group.affected[at] = entry.line;
      this.#affectedCount[owner] = at + 1;
    }
    return groups.sort(
      (a, b) =>
        Number(b.changed.length > 0) - Number(a.changed.length > 0) ||
        rankOf(b.criticality) - rankOf(a.criticality) ||
        b.changed.length + b.affected.length - (a.changed.length + a.affected.length),
    );
  }
}

import type { DependencyStep } from "../graphTypes.js";
import type { ImpactedLine } from "../impact.js";
import type { Criticality } from "../model.js";

/**
 * An affected line of an impact report that keeps only the edge that reached
 * it and the affected line on the other end of that edge; its chain (`via`)
 * and sentence (`reason`) are built from those links when first read, so a
 * report whose chains nobody reads costs no chain arrays or strings.
 * `toJSON` gives the same plain object as a line with eager fields
 * (`line`, `owner`, `distance`, `criticality`, `via`, `reason`).
 */
export class AffectedLine implements ImpactedLine {
  readonly line: string;
  readonly owner: string | undefined;
  readonly distance: number;
  readonly criticality: Criticality;
  /** The edge from this line to the line it was reached from. */
  readonly #step: DependencyStep;
  /** The affected line this one was reached from, undefined when that line changed. */
  readonly #parent: AffectedLine | undefined;
  #via: readonly DependencyStep[] | undefined;
  #reason: string | undefined;

  constructor(
    line: string,
    owner: string | undefined,
    distance: number,
    criticality: Criticality,
    step: DependencyStep,
    parent: AffectedLine | undefined,
  ) {
    this.line = line;
    this.owner = owner;
    this.distance = distance;
    this.criticality = criticality;
    this.#step = step;
    this.#parent = parent;
  }

  /** The chain of dependsOn edges, from this line down to the changed line. */
  get via(): readonly DependencyStep[] {
    if (this.#via === undefined) {
      const via: DependencyStep[] = [];
      for (let at: AffectedLine | undefined = this; at !== undefined; at = at.#parent) via.push(at.#step);
      this.#via = via;
    }
    return this.#via;
  }

  /** The chain in words: `web depends on checkout (api, high), which depends on payments (data, medium), which changed`. */
  get reason(): string {
    if (this.#reason === undefined) {
      let reason = `${this.line} `;
      for (let at: AffectedLine | undefined = this; at !== undefined; at = at.#parent) {
        const step = at.#step;
        reason += `depends on ${step.to} (${step.kind}, ${step.criticality}), which `;
      }
      this.#reason = `${reason}changed`;
    }
    return this.#reason;
  }

  /** The line as a plain object with its chain and sentence, as `JSON.stringify` writes it. */
  toJSON(): ImpactedLine {
    return {
      line: this.line,
      owner: this.owner,
      distance: this.distance,
      criticality: this.criticality,
      via: this.via,
      reason: this.reason,
    };
  }
}

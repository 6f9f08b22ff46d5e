/**
 * The assembly line's artifact and trace link commands: recording artifacts
 * and making links, one or many in one atomic append, and reviewing links.
 * Each parses its inputs, decides the events with `artifactDecisions.ts`
 * against the latest state, and writes them through the {@link LineWriter}
 * (which decides again when other writes land meanwhile).
 *
 * @module
 */
import { newId } from "../../ids.js";
import type { Artifact, RecordedArtifact } from "../Artifact.js";
import {
  type LinkInput,
  parseInput,
  type RecordArtifactInput,
  type ReviewInput,
  ReviewInputSchema,
} from "../inputs.js";
import type { LineDirectory } from "../LineDirectory.js";
import type { TraceLink } from "../TraceLink.js";
import type { AssemblyState } from "./AssemblyState.js";
import { artifactEvents, linkEvents, parseArtifacts, parseLinks, reviewEvent } from "./artifactDecisions.js";
import type { LineWriter } from "./LineWriter.js";
import { checkReferences, type Reference } from "./references.js";

/** Records artifacts, makes and reviews trace links: parses, decides against the latest state, writes. */
export class ArtifactCommands {
  readonly #state: AssemblyState;
  readonly #writer: LineWriter;
  readonly #lines: LineDirectory | undefined;

  constructor(state: AssemblyState, writer: LineWriter, lines: LineDirectory | undefined) {
    this.#state = state;
    this.#writer = writer;
    this.#lines = lines;
  }

  /**
   * Records artifacts in one atomic append, leaving out unchanged ones, as the
   * first input's actor (else the line's).
   *
   * @throws ValidationError naming the index of the first bad input.
   * @throws NotFoundError when the directory does not know a line an input names.
   */
  async recordArtifacts(inputs: readonly RecordArtifactInput[]): Promise<RecordedArtifact[]> {
    const parsed = parseArtifacts(inputs);
    const lines: Reference[] = parsed.map((data, index) => ({
      entity: "line",
      field: parsed.length === 1 ? "line" : `artifacts[${index}].line`,
      id: data.line,
    }));
    let changed: boolean[] = [];
    await this.#writer.retrying(async (head) => {
      // Checked in the decision the append's head check protects: a line retired meanwhile refuses the write.
      await checkReferences(this.#lines, "artifact", lines);
      const decided = artifactEvents(this.#state, parsed);
      changed = decided.changed;
      if (decided.events.length > 0) {
        await this.#writer.appendAt(decided.events, head, parsed[0]?.actor);
      }
    });
    return parsed.map((data, index) => {
      const artifact = this.#state.artifacts.get(data.id) as Artifact;
      const didChange = changed[index] === true;
      return { artifact, changed: didChange, suspected: didChange ? this.#state.impactOf(data.id) : [] };
    });
  }

  /**
   * Makes links in one atomic append, as the first input's actor (else the line's).
   *
   * @throws ValidationError naming the index of the first bad input or missing end.
   */
  async linkAll(inputs: readonly LinkInput[]): Promise<TraceLink[]> {
    const parsed = parseLinks(inputs);
    const ids = parsed.map(() => newId("link"));
    await this.#writer.retrying(async (head) => {
      const events = linkEvents(this.#state, parsed, ids);
      if (events.length > 0) {
        await this.#writer.appendAt(events, head, parsed[0]?.actor);
      }
    });
    return ids.map((id) => this.#state.link(id) as TraceLink);
  }

  /**
   * Reviews a link against its upstream's current fingerprint.
   *
   * @throws NotFoundError when there is no such link.
   */
  async reviewLink(linkId: string, input: ReviewInput): Promise<TraceLink> {
    const data = parseInput(ReviewInputSchema, input, "link review");
    await this.#writer.retrying(async (head) => {
      await this.#writer.appendAt(reviewEvent(this.#state, linkId, data), head, data.actor);
    });
    return this.#state.link(linkId) as TraceLink;
  }
}

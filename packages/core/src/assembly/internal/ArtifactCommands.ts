/**
 * The assembly line's artifact and trace link commands: recording artifacts
 * and making links, one or many in one atomic append, and reviewing links.
 * Each parses its inputs, decides the events with `artifactDecisions.ts`
 * against the latest state, and writes them through the {@link LineWriter}
 * (which decides again when other writes land meanwhile).
 *
 * @module
 */
import { ConcurrencyConflictError } from "../../errors.js";
import { newId } from "../../ids.js";
import type { Artifact, RecordedArtifact } from "../Artifact.js";
import {
  type LinkInput,
  parseInput,
  type RecordArtifactInput,
  type RecordFactOptions,
  RecordFactOptionsSchema,
  type ReviewInput,
  ReviewInputSchema,
} from "../inputs.js";
import type { LineDirectory } from "../LineDirectory.js";
import type { PipelineConfig } from "../Pipeline.js";
import type { SuspectCause, TraceLink } from "../TraceLink.js";
import type { AssemblyState } from "./AssemblyState.js";
import { artifactEvents, linkEvents, parseArtifacts, parseLinks, reviewEvent } from "./artifactDecisions.js";
import type { LineWriter } from "./LineWriter.js";
import { checkReferences, type Reference } from "./references.js";
import { earlierReview } from "./requests.js";

/** Records artifacts, makes and reviews trace links: parses, decides against the latest state, writes. */
export class ArtifactCommands {
  readonly #state: AssemblyState;
  readonly #writer: LineWriter;
  readonly #lines: LineDirectory | undefined;
  readonly #stages: readonly string[];

  constructor(
    pipeline: PipelineConfig,
    state: AssemblyState,
    writer: LineWriter,
    lines: LineDirectory | undefined,
  ) {
    this.#stages = pipeline.stages.map((stage) => stage.name);
    this.#state = state;
    this.#writer = writer;
    this.#lines = lines;
  }

  /**
   * Records artifacts in one atomic append, leaving out unchanged ones, as the
   * first input's actor (else the line's).
   *
   * @throws ValidationError naming the index of the first bad input (a stage the pipeline lacks among them).
   * @throws NotFoundError when the directory does not know a line an input names.
   */
  async recordArtifacts(inputs: readonly RecordArtifactInput[]): Promise<RecordedArtifact[]> {
    const parsed = parseArtifacts(inputs, this.#stages);
    const lines: Reference[] = parsed.map((data, index) => ({
      entity: "line",
      field: parsed.length === 1 ? "line" : `artifacts[${index}].line`,
      id: data.line,
    }));
    let changed: boolean[] = [];
    let refingerprinted: boolean[] = [];
    await this.#writer.retrying(async (head) => {
      // Checked in the decision the append's head check protects: a line retired meanwhile refuses the write.
      await checkReferences(this.#lines, "artifact", lines);
      const decided = artifactEvents(this.#state, parsed);
      changed = decided.changed;
      refingerprinted = decided.refingerprinted;
      if (decided.events.length > 0) {
        await this.#writer.appendAt(decided.events, head, parsed[0]?.actor);
      }
    });
    return parsed.map((data, index) => {
      const artifact = this.#state.artifacts.get(data.id) as Artifact;
      return {
        artifact,
        changed: changed[index] === true,
        // A reflowed version made no link suspect, whatever the change before it did.
        suspected: refingerprinted[index] === true ? this.#state.trace.impactOf(data.id) : [],
      };
    });
  }

  /**
   * Makes links in one atomic append, as the first input's actor (else the
   * line's), leaving out those whose ends are already linked so (which
   * return the link they have), decided against the latest state.
   *
   * @throws ValidationError naming the index of the first bad input or missing end.
   */
  async linkAll(inputs: readonly LinkInput[]): Promise<TraceLink[]> {
    const parsed = parseLinks(inputs);
    const fresh = parsed.map(() => newId("link"));
    let ids: string[] = [];
    await this.#writer.retrying(async (head) => {
      const decided = linkEvents(this.#state, parsed, fresh);
      ids = decided.ids;
      if (decided.events.length > 0) {
        await this.#writer.appendAt(decided.events, head, parsed[0]?.actor);
      }
    });
    return ids.map((id) => this.#state.trace.link(id) as TraceLink);
  }

  /**
   * Reviews a link against its upstream's current fingerprint; a call
   * retried with its idempotency key, from any process, returns the link
   * without reviewing it again. The key check and the append are one step
   * (the append is made only if the log has not moved since).
   *
   * @throws ValidationError when the input or the options are invalid.
   * @throws NotFoundError when there is no such link.
   * @throws IdempotencyConflictError when the key was used for another write, or to review this link with another verdict or note.
   * @throws ConcurrencyConflictError when the link became suspect for a change this line had not shown when the call began.
   */
  async reviewLink(linkId: string, input: ReviewInput, options: RecordFactOptions): Promise<TraceLink> {
    const data = parseInput(ReviewInputSchema, input, "link review");
    const { idempotencyKey: key } = parseInput(RecordFactOptionsSchema, options, "link review options");
    const asked = { verdict: data.verdict, note: data.note };
    // Read before any wait: the changes the reviewer's line had shown when the call began.
    const seen = this.#state.trace.link(linkId)?.causes;
    let overtaken: ConcurrencyConflictError | undefined;
    await this.#writer.retrying(async (head) => {
      if (earlierReview(this.#state, key, linkId, asked)) return;
      overtaken = unseenChanges(linkId, seen, this.#state.trace.link(linkId)?.causes);
      if (overtaken !== undefined) return;
      await this.#writer.appendMove([reviewEvent(this.#state, linkId, data, key)], head, {
        ...(data.actor === undefined ? {} : { actor: data.actor }),
        idempotencyKey: key,
      });
    });
    if (overtaken !== undefined) throw overtaken;
    return this.#state.trace.link(linkId) as TraceLink;
  }
}

/**
 * The conflict of a review decided after upstream changes its line had not
 * shown when the call began (another process's, or a call of this one landing
 * first): a review clears every cause of a link, so it would clear changes
 * nobody reviewed. None when the link was unknown when the call began.
 */
function unseenChanges(
  linkId: string,
  seen: readonly SuspectCause[] | undefined,
  now: readonly SuspectCause[] | undefined,
): ConcurrencyConflictError | undefined {
  if (seen === undefined || now === undefined) return undefined;
  const known = new Set(seen.map(causeKey));
  const unseen = now.filter((cause) => !known.has(causeKey(cause)));
  if (unseen.length === 0) return undefined;
  const changes = unseen.map((cause) => `${cause.artifact} version ${cause.version}`).join(", ");
  return new ConcurrencyConflictError({
    message: `trace link ${linkId} became suspect for ${changes} while it was being reviewed; read it again and review it with that change in view`,
    expected: seen.length,
    actual: now.length,
  });
}

function causeKey(cause: SuspectCause): string {
  return `${cause.artifact}@${cause.version}`;
}

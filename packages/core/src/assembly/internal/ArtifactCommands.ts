/**
 * The assembly line's artifact and trace link commands: recording artifacts
 * and making links, one or many in one atomic append, and reviewing links.
 * Each parses its inputs, decides the events with `artifactDecisions.ts`
 * against the latest state, and writes them through the {@link LineWriter}
 * (which decides again when other writes land meanwhile).
 *
 * @module
 */
import { ConcurrencyConflictError, formatIssues, NotFoundError, ValidationError } from "../../errors.js";
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
import { quotedId } from "./quotedId.js";
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
   * @throws ValidationError naming the index of the first bad input (a stage the pipeline lacks among them, `fields` larger serialized than the log's `maxEventBytes`).
   * @throws NotFoundError when the directory does not know a line an input names.
   */
  async recordArtifacts(inputs: readonly RecordArtifactInput[]): Promise<RecordedArtifact[]> {
    const parsed = parseArtifacts(inputs, this.#stages, this.#writer.maxEventBytes);
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
   * @throws ConcurrencyConflictError when the link became suspect for a change this line had not shown when the call began, or `reviewedFingerprint` is not the fingerprint a review of it must name.
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
      overtaken ??= unreviewedVersion(this.#state, linkId, data.reviewedFingerprint);
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

/**
 * The conflict of a review whose `reviewedFingerprint` is not the one the
 * link asks for: the `to` of its last cause (its latest upstream change), or
 * its upstream's fingerprint when it is not suspect. The reviewer looked at
 * another version (one revised meanwhile, by any process), so the review
 * would clear a version nobody read. `expected` counts the link's changes
 * the named fingerprint covers (through the last one that changed to it),
 * `actual` all of them. None when no fingerprint is named or it is the one.
 *
 * @throws NotFoundError when there is no such link.
 * @throws ValidationError when a fingerprint is named for a link that is not suspect and whose upstream is no artifact.
 */
function unreviewedVersion(
  state: AssemblyState,
  linkId: string,
  named: string | undefined,
): ConcurrencyConflictError | undefined {
  if (named === undefined) return undefined;
  const link = state.trace.link(linkId);
  if (link === undefined)
    throw new NotFoundError({ message: `no trace link ${quotedId(linkId)}`, entity: "link", id: linkId });
  const last = link.causes.at(-1);
  const current = last === undefined ? state.fingerprintOf(link.to) : last.to;
  if (current === undefined) {
    const issues = [
      {
        path: "reviewedFingerprint",
        message: `trace link ${linkId} is not suspect and its upstream ${link.to} is no artifact, so it has no fingerprint to name; review it without one`,
      },
    ];
    throw new ValidationError({ message: formatIssues("link review", issues), issues });
  }
  if (named === current) return undefined;
  const now =
    last === undefined
      ? `its upstream ${link.to} is at fingerprint ${current}`
      : `its latest upstream change is ${last.artifact} version ${last.version}, fingerprint ${current}`;
  const covered = link.causes.findLastIndex((cause) => cause.to === named) + 1;
  return new ConcurrencyConflictError({
    message: `trace link ${linkId} was reviewed at fingerprint ${quotedId(named)}, but ${now}; review that version and name its fingerprint`,
    expected: covered,
    actual: link.causes.length,
  });
}

function causeKey(cause: SuspectCause): string {
  return `${cause.artifact}@${cause.version}`;
}

/**
 * `factory work artifact`, `factory work link` and `factory work review`: the
 * SDK's `recordArtifact`, `link` and `reviewLink` from a shell, so a work
 * item's artifacts, the trace links between them and the review of a link an
 * upstream change made suspect can all be written by a script or CI step.
 *
 * @module
 */
import {
  ArtifactIdSchema,
  ArtifactKindSchema,
  EVIDENCE_SCHEMAS,
  LinkTypeSchema,
  NotFoundError,
  RecordArtifactInputSchema,
  type RecordedArtifact,
  ReviewInputSchema,
  StageNameSchema,
  type TraceLink,
} from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import type { Command } from "commander";
import { UsageError } from "../exitCodes.js";
import { collect, idArgument, idempotencyKeyOption, NameValue, parseFlag } from "../flags.js";
import { readJsonFlag } from "../jsonFlag.js";
import { requireStage, requireWorkItem } from "../knownValues.js";
import { type FlagsOfFields, namingArgument, namingFlags } from "../namingFlags.js";
import type { Output } from "../Output.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";

/** Where an artifact's fields came from on the command line. */
const ARTIFACT_FLAGS: FlagsOfFields = {
  id: "--artifact",
  kind: "--kind",
  title: "--title",
  fields: "--fields",
  workItem: "<id>",
  stage: "--stage",
  fingerprintFields: "--fingerprint-field",
};

/** Where a review's fields came from on the command line. */
const REVIEW_FLAGS: FlagsOfFields = {
  verdict: "--verdict",
  note: "--note",
  reviewedFingerprint: "--reviewed-fingerprint",
  idempotencyKey: "--idempotency-key",
};

/** Where a link's fields came from on the command line. */
const LINK_FLAGS: FlagsOfFields = { from: "<from>", to: "<to>", type: "--type" };

const artifactShape = RecordArtifactInputSchema.shape;

/** An artifact's content as typed: a JSON object (its values anything JSON holds). */
const FieldsFlag = artifactShape.fields.unwrap();

/** A review's note as typed: not blank, and at most 2,000 characters, the SDK's rule. */
const NoteFlag = NameValue.pipe(ReviewInputSchema.shape.note.unwrap());

/** The fingerprint a review names, as typed: not empty, and at most 200 characters, the SDK's rule. */
const FingerprintFlag = ReviewInputSchema.shape.reviewedFingerprint.unwrap();

/**
 * Reads `--fields`: inline JSON, or `@path` of a JSON file, that must be an
 * object; a kind that serves as evidence (`changeSet`, `testEvidence`) has its
 * fields checked by the SDK's schema for it.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, field `--fields`) when the file is missing or a folder.
 * @throws UsageError naming the flag when the file cannot be read, the JSON does not parse, or the fields are not the kind's.
 */
function parseFields(value: string, kind: string): Record<string, unknown> {
  const json = readJsonFlag(value, "--fields");
  const fields = parseFlag(FieldsFlag, json, "--fields");
  const evidence = EVIDENCE_SCHEMAS[kind];
  if (evidence !== undefined) parseFlag(evidence, fields, "--fields");
  return fields;
}

/**
 * Refuses an end of a trace link that names no artifact, work item or signal
 * (what the SDK's `link` accepts as an end), once the line has caught up.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, field the argument) naming the id and the argument.
 */
function requireLinkEnd(factory: Factory, id: string, argument: string): void {
  const { work } = factory;
  if (work.artifact(id) !== undefined || work.get(id) !== undefined || work.signal(id) !== undefined) return;
  throw new NotFoundError({
    message: `${argument}: no artifact, work item or signal "${id}" (see factory work show)`,
    entity: "artifact",
    id,
    field: argument,
  });
}

/** The link of this type between these ends that the SDK's `link` returns instead of making one, if any. */
function linkedAlready(factory: Factory, from: string, to: string, type: string): TraceLink | undefined {
  return factory.work
    .linksOf(from)
    .find((link) => link.from === from && link.to === to && link.type === type && !link.obsolete);
}

/**
 * A suspect link as `work show` and `work artifact` print it: its id and
 * ends, then its latest upstream change and the fingerprint that change
 * is at, which `work review --reviewed-fingerprint` names.
 */
export function suspectLine(output: Output, link: TraceLink): string {
  const last = link.causes.at(-1);
  const change = last === undefined ? "" : ` after ${last.artifact} v${last.version} ${last.to}`;
  return output.style("yellow", `  suspect  ${link.id} ${link.from} ${link.type} ${link.to}${change}`);
}

/** Prints what `work artifact` recorded, and the links it made suspect. */
function printRecorded(output: Output, item: string, recorded: RecordedArtifact): void {
  const { artifact } = recorded;
  const version = `${artifact.id} v${artifact.version}`;
  if (!recorded.changed) {
    output.line(`${version} unchanged: nothing recorded`);
    return;
  }
  output.line(`recorded ${version} (${artifact.kind}) for ${item} in ${artifact.stage ?? "no stage"}`);
  for (const link of recorded.suspected) output.line(suspectLine(output, link));
}

/** How the SDK's refusal of a takeover names the way to move an artifact (`recordArtifact`'s `move`). */
const SDK_MOVE = "pass move: true";

/**
 * Runs `work artifact`'s SDK call, its refusal to take over an artifact of
 * another work item told with the flag that moves it: the SDK's `pass move:
 * true` becomes `pass --move`.
 *
 * @throws UsageError as `namingFlags` throws it, in those words; any other error as it is.
 */
async function withMoveFlag<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof UsageError) || !error.message.includes(SDK_MOVE)) throw error;
    throw new UsageError(error.message.replaceAll(SDK_MOVE, "pass --move"), { cause: error.cause });
  }
}

/** Registers `factory work artifact`, `factory work link` and `factory work review` under `factory work`. */
export function registerWorkTrace(work: Command, context: CliContext): void {
  work
    .command("artifact")
    .description(
      "record a version of an artifact (requirement, design, changeSet, testEvidence...) for a work item",
    )
    .argument("<id>", "work item id", idArgument("<id>"))
    .requiredOption("--kind <kind>", "a camelCase word: requirement, design, changeSet, testEvidence, ...")
    .requiredOption("--title <title>", "its title (at most 500 characters)")
    .option(
      "--artifact <id>",
      "its stable id (REQ-4); the same id again records a new version when the content changed",
    )
    .option(
      "--fields <json|@file>",
      'its content as a JSON object, or @ and a JSON file (changeSet: {"commit","paths"}; testEvidence: {"runId","passed","failed"})',
      "{}",
    )
    .option(
      "--move",
      "when --artifact names an artifact of another work item: move it to <id> and that item's line (refused without)",
    )
    .option("--stage <stage>", "the stage it was made in (default the previous version's, else the item's)")
    .option(
      "--fingerprint-field <field>",
      "a field its fingerprint covers (repeatable, default all)",
      collect,
    )
    .action(
      action(context, async ({ options, output }, id, flags) => {
        const f = flags as {
          kind: string;
          title: string;
          artifact?: string;
          fields: string;
          stage?: string;
          fingerprintField?: string[];
          move?: boolean;
        };
        const kind = parseFlag(NameValue.pipe(ArtifactKindSchema), f.kind, "--kind");
        const input = {
          kind,
          title: parseFlag(artifactShape.title, f.title, "--title"),
          fields: parseFields(f.fields, kind),
          workItem: id as string,
          ...(f.artifact === undefined
            ? {}
            : { id: parseFlag(NameValue.pipe(ArtifactIdSchema), f.artifact, "--artifact") }),
          ...(f.move === true ? { move: true } : {}),
          ...(f.stage === undefined ? {} : { stage: parseFlag(StageNameSchema, f.stage, "--stage") }),
          ...(f.fingerprintField === undefined
            ? {}
            : {
                fingerprintFields: f.fingerprintField.map((field) =>
                  parseFlag(NameValue, field, "--fingerprint-field"),
                ),
              }),
        };
        const recorded = await withFactory(options, async (factory) => {
          await requireWorkItem(factory, id as string, "<id>");
          if (input.stage !== undefined) requireStage(factory, input.stage, "--stage");
          return withMoveFlag(() =>
            namingFlags(ARTIFACT_FLAGS, () =>
              factory.work.recordArtifact({ ...input, actor: options.actor }),
            ),
          );
        });
        if (options.json) return output.json(recorded);
        printRecorded(output, id as string, recorded);
      }),
    );

  work
    .command("link")
    .description(
      "link two artifacts, work items or signals: <from> (downstream) derives from, implements, verifies... <to> (upstream)",
    )
    .argument(
      "<from>",
      "downstream end: an artifact (REQ-4, art_...), work item (wi_...) or signal (sig_...)",
      idArgument("<from>"),
    )
    .argument("<to>", "upstream end, whose later change makes the link suspect", idArgument("<to>"))
    .requiredOption(
      "--type <type>",
      "derivesFrom, satisfies, implements, verifies or addresses (wi_... addresses sig_... attaches the signal to the work item)",
    )
    .action(
      action(context, async ({ options, output }, from, to, flags) => {
        const f = flags as { type: string };
        const input = {
          from: from as string,
          to: to as string,
          type: parseFlag(LinkTypeSchema, f.type, "--type"),
        };
        if (input.from === input.to)
          throw new UsageError("<to>: a trace link needs two different ends; from and to are the same");
        const { link, existed } = await withFactory(options, async (factory) => {
          await factory.work.refresh();
          requireLinkEnd(factory, input.from, "<from>");
          requireLinkEnd(factory, input.to, "<to>");
          const before = linkedAlready(factory, input.from, input.to, input.type);
          const made = await namingFlags(LINK_FLAGS, () =>
            factory.work.link({ ...input, actor: options.actor }),
          );
          return { link: made, existed: before?.id === made.id };
        });
        if (options.json) return output.json(link);
        const what = `${link.from} ${link.type} ${link.to}`;
        output.line(
          existed ? `${what} is linked already (${link.id}): nothing written` : `linked ${what} (${link.id})`,
        );
      }),
    );

  work
    .command("review")
    .description("review a suspect trace link (the ids work show prints): it is no longer suspect")
    .argument("<link-id>", "trace link id (link_...)", idArgument("<link-id>"))
    .requiredOption(
      "--verdict <verdict>",
      "keep (still right), adapted (downstream was updated) or obsolete (no longer relevant)",
    )
    .option("--note <text>", "what the reviewer found")
    .option(
      "--reviewed-fingerprint <fingerprint>",
      "the fingerprint the reviewer read (work show prints it after the link): refused if upstream changed since",
    )
    .option(
      "--idempotency-key <key>",
      "review it once: a retry with this key (a CI job id) prints the link and records no second review",
    )
    .action(
      action(context, async ({ options, output }, linkId, flags) => {
        const f = flags as {
          verdict: string;
          note?: string;
          reviewedFingerprint?: string;
          idempotencyKey?: string;
        };
        const verdict = parseFlag(ReviewInputSchema.shape.verdict, f.verdict, "--verdict");
        const note = f.note === undefined ? undefined : parseFlag(NoteFlag, f.note, "--note");
        const reviewed =
          f.reviewedFingerprint === undefined
            ? undefined
            : parseFlag(FingerprintFlag, f.reviewedFingerprint, "--reviewed-fingerprint");
        const keyed = idempotencyKeyOption(f.idempotencyKey);
        const link: TraceLink = await withFactory(options, (factory) =>
          namingArgument("<link-id>", linkId as string, () =>
            namingFlags(REVIEW_FLAGS, () =>
              factory.work.reviewLink(
                linkId as string,
                {
                  verdict,
                  actor: options.actor,
                  ...(note === undefined ? {} : { note }),
                  ...(reviewed === undefined ? {} : { reviewedFingerprint: reviewed }),
                },
                keyed,
              ),
            ),
          ),
        );
        if (options.json) return output.json(link);
        output.line(
          `${link.id} reviewed (${verdict}): ${link.from} ${link.type} ${link.to} is no longer suspect`,
        );
      }),
    );
}

import type { NewEvent } from "../../EventLog.js";
import {
  EvidenceMissingError,
  GateFailedError,
  type GateFailure,
  IllegalTransitionError,
  ValidationError,
  WipLimitError,
} from "../../errors.js";
import { nearNames } from "../../nearNames.js";
import { type Artifact, TestEvidenceFieldsSchema } from "../Artifact.js";
import type { Gate, GateContext } from "../Gate.js";
import type { PipelineConfig } from "../Pipeline.js";
import type { WorkItem, WorkItemState } from "../WorkItem.js";
import { moveClause, movePast } from "./moveWords.js";

/** The moves a work item can be asked to make. */
export type Move = "advance" | "sendBack" | "block" | "unblock" | "drop" | "complete" | "assign";

/**
 * An IllegalTransitionError naming the item, its stage and state, and the move
 * in words (`cannot send work item wi_1 back ...`); its `move` field keeps the
 * method's name (`sendBack`).
 */
export function illegal(item: WorkItem, move: Move, why: string): IllegalTransitionError {
  return new IllegalTransitionError({
    message: `cannot ${moveClause(move, `work item ${item.id}`)} (stage "${item.stage}", ${item.state}): ${why}`,
    item: item.id,
    stage: item.stage,
    state: item.state,
    move,
  });
}

/** A ValidationError about one field of an input. */
export function invalid(subject: string, path: string, message: string): ValidationError {
  return new ValidationError({
    message: `${subject} is invalid: ${path}: ${message}`,
    issues: [{ path, message }],
  });
}

/**
 * Says a stage is none of the pipeline's, naming the ones it may have meant
 * and listing them all: `unknown stage "tesing" (did you mean "testing"?); stages: intake, ...`.
 */
export function unknownStage(stage: string, stages: readonly string[]): string {
  const near = nearNames(stage, stages);
  const hint = near.length === 0 ? "" : ` (did you mean ${near.map((name) => `"${name}"`).join(" or ")}?)`;
  return `unknown stage "${stage}"${hint}; stages: ${stages.join(", ")}`;
}

/** Throws unless the item is in one of the allowed states (`it is done; only an active work item can be sent back`). */
export function expectState(item: WorkItem, move: Move, allowed: readonly WorkItemState[]): void {
  if (!allowed.includes(item.state)) {
    const states = allowed.join(" or ");
    const article = /^[aeiou]/.test(states) ? "an" : "a";
    throw illegal(
      item,
      move,
      `it is ${item.state}; only ${article} ${states} work item can be ${movePast(move)}`,
    );
  }
}

/**
 * Throws unless the item has the evidence its stage needs to be left: an
 * artifact of each required kind, and for test evidence, a latest run with no failure.
 */
export function checkEvidence(
  pipeline: PipelineConfig,
  artifacts: readonly Artifact[],
  item: WorkItem,
  move: "advance" | "complete",
): void {
  const stage = pipeline.stages.find((candidate) => candidate.name === item.stage);
  if (stage === undefined || stage.exitRequires.length === 0) return;
  const missing: string[] = [];
  const problems: string[] = [];
  for (const kind of stage.exitRequires) {
    const latest = artifacts
      .filter((artifact) => artifact.kind === kind)
      .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt))
      .at(-1);
    if (latest === undefined) {
      missing.push(kind);
      problems.push(`no ${kind} artifact`);
    } else if (kind === "testEvidence") {
      const fields = TestEvidenceFieldsSchema.safeParse(latest.fields);
      if (!fields.success || fields.data.failed > 0) {
        missing.push(kind);
        problems.push(
          `latest test evidence ${latest.id} (run ${fields.data?.runId ?? "?"}) has ${fields.data?.failed ?? "?"} failed tests`,
        );
      }
    }
  }
  if (missing.length > 0) {
    throw new EvidenceMissingError({
      message: `cannot ${move} work item ${item.id} out of stage "${item.stage}": ${problems.join("; ")}`,
      item: item.id,
      stage: item.stage,
      move,
      missing,
    });
  }
}

/** What {@link checkWip} needs to know. */
export interface WipCheck {
  readonly pipeline: PipelineConfig;
  readonly item: Pick<WorkItem, "id" | "line">;
  readonly from: string;
  readonly to: string;
  /** The line's limit, if any. */
  readonly limit: number | undefined;
  /** The line's items in progress now. */
  readonly inProgress: number;
  /** An explicit override, recorded when used. */
  readonly override: { readonly reason: string } | undefined;
}

/**
 * Checks the line's WIP limit when a move enters the WIP stages from outside
 * them; returns the override event to record when the limit is passed on purpose.
 *
 * @throws WipLimitError when the line is full and there is no override.
 */
export function checkWip(check: WipCheck): NewEvent[] {
  const { pipeline, item, from, to, limit, inProgress, override } = check;
  const counts = (name: string) => pipeline.stages.find((stage) => stage.name === name)?.wip === true;
  if (!counts(to) || counts(from)) return [];
  if (limit === undefined || inProgress < limit) return [];
  if (override !== undefined) {
    return [
      {
        type: "work.wip.overridden",
        subject: item.id,
        data: { stage: to, limit, inProgress, reason: override.reason },
      },
    ];
  }
  throw new WipLimitError({
    message: `work item ${item.id} cannot enter "${to}" from "${from}": line ${item.line} has ${inProgress} ${inProgress === 1 ? "item" : "items"} in progress, its WIP limit is ${limit} (pass overrideWip with a reason to go past it)`,
    item: item.id,
    stage: from,
    target: to,
    line: item.line,
    limit,
    inProgress,
  });
}

/**
 * Checks a gate before it is registered: a name, a non-empty list of stage
 * names (or `*`) and a `check` function. A gate without `stages` would fail
 * every later move with a TypeError. A stage the pipeline lacks is taken (the
 * gate never runs there): shared gates such as a factory's defaults guard
 * `release`, which a custom pipeline may not have.
 *
 * @throws ValidationError naming the field (`stages: a gate needs the stages it guards ...`).
 */
export function checkGate(gate: Gate, pipeline: PipelineConfig, subject: string, prefix = ""): void {
  if (typeof gate !== "object" || gate === null)
    throw invalid(subject, prefix || "(root)", "a gate is an object with name, stages and check");
  if (typeof gate.name !== "string" || gate.name.trim() === "")
    throw invalid(subject, `${prefix}name`, "a gate needs a non-empty name");
  const known = pipeline.stages.map((stage) => stage.name);
  if (!Array.isArray(gate.stages) || gate.stages.length === 0)
    throw invalid(subject, `${prefix}stages`, `a gate needs the stages it guards (${known.join(", ")} or *)`);
  gate.stages.forEach((stage: unknown, index) => {
    if (typeof stage !== "string" || stage === "")
      throw invalid(
        subject,
        `${prefix}stages[${index}]`,
        `a stage is a stage's name or *, not ${JSON.stringify(stage)}`,
      );
  });
  if (typeof gate.check !== "function")
    throw invalid(subject, `${prefix}check`, "a gate needs a check function");
}

/** The gates guarding entry into a stage. */
export function gatesFor(gates: readonly Gate[], stage: string): Gate[] {
  return gates.filter((gate) => gate.stages.includes(stage) || gate.stages.includes("*"));
}

/** Runs gates in parallel and returns every finding; a gate that throws fails with the error's message. */
export async function runGates(
  gates: readonly Gate[],
  item: WorkItem,
  ctx: GateContext,
): Promise<GateFailure[]> {
  const results = await Promise.all(
    gates.map(async (gate): Promise<GateFailure[]> => {
      try {
        const result = await gate.check(item, ctx);
        if (result.pass) return [];
        const findings =
          result.findings.length > 0 ? result.findings : [{ message: "failed without a finding" }];
        return findings.map((finding) => ({ gate: gate.name, ...finding }));
      } catch (error) {
        return [
          {
            gate: gate.name,
            message: `gate threw: ${error instanceof Error ? error.message : String(error)}`,
          },
        ];
      }
    }),
  );
  return results.flat();
}

/** The error of a move refused by gates, listing every finding. */
export function gateFailed(item: WorkItem, to: string, findings: readonly GateFailure[]): GateFailedError {
  const names = [...new Set(findings.map((finding) => finding.gate))];
  const detail = findings.map((finding) => `${finding.gate}: ${finding.message}`).join("; ");
  return new GateFailedError({
    message: `work item ${item.id} cannot enter "${to}" from "${item.stage}": gate ${names.join(", ")} failed: ${detail}`,
    item: item.id,
    stage: item.stage,
    target: to,
    findings,
  });
}

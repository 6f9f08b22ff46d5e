/**
 * The synthetic history the measures run over: items over 180 days through the
 * standard flow with rework, blocks, gates and signals, and the production
 * deployments and incidents of their lines, all from fixed seeds.
 */
import type { StoredEvent } from "@software-factory/core";
import { changeSet, HISTORY_ITEMS, LINES, lineIds, testRun } from "./setup.js";

/** A day, in ms. */
export const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A deterministic pseudo-random generator (mulberry32), so every run measures the same history. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Appends one event of the synthetic history at `at` (epoch ms). */
type Push = (at: number, type: string, subject: string, data: unknown, actor?: string) => void;

/** A work item of a line that reached the release stage at `at`, waiting for a deployment to ship it. */
interface Released {
  readonly id: string;
  readonly at: number;
}

/** Mean hours between two planned deployments of a line. */
export const DEPLOY_GAP_HOURS = 6;
/** Share of deployments that fail to go out (the line retries within 2 hours). */
export const FAILED_DEPLOYS = 0.05;
/** Share of successful deployments that cause an incident. */
export const INCIDENT_DEPLOYS = 0.08;

/** An exponentially distributed wait with the given mean, from a uniform draw. */
const wait = (next: () => number, mean: number) => -Math.log(1 - next()) * mean;

/**
 * Each line's production deployments and incidents over `days` from `start`, from a seed of their own so the
 * items' events stay those of the runs before deployments were seeded. A line deploys every 6 hours on average
 * (about 4 a day: DORA's top band deploys on demand, several times a day; at about 28 items a line a day that
 * ships some 7 released items each); 5% fail and are retried within 2 hours, the items waiting for the retry;
 * 8% of the others cause an incident opened within 6 hours, naming the deployment (or, one in three, only the
 * line, so it is blamed on the line's latest deployment) and resolved after 4 hours on average, half of them by
 * an unplanned deployment remediating it. One deployment in ten names no line (as logs written before
 * deployments named one), its line then found from its items. These rates sit between DORA's high and elite
 * bands (change fail rate about 13%, recovery within a day).
 */
function productionHistory(released: readonly Released[][], start: number, days: number, push: Push): void {
  const next = random(7);
  released.forEach((items, lineIndex) => {
    const line = lineIds[lineIndex] as string;
    const sorted = [...items].sort((a, b) => a.at - b.at);
    let shipped = 0;
    let count = 0;
    let at = start + wait(next, DEPLOY_GAP_HOURS * HOUR);
    while (at < start + days * DAY) {
      const id = `dep_${line}_${count++}`;
      let end = shipped;
      while (end < sorted.length && (sorted[end] as Released).at <= at) end++;
      const workItems = sorted.slice(shipped, end).map((item) => item.id);
      const failed = next() < FAILED_DEPLOYS;
      const named = workItems.length === 0 || next() >= 0.1;
      push(at, "deployment.recorded", id, {
        environment: "production",
        workItems,
        status: failed ? "failed" : "succeeded",
        remediates: [],
        ...(named ? { line } : {}),
      });
      if (!failed) {
        shipped = end;
        if (next() < INCIDENT_DEPLOYS) incident(id, line, at, next, push);
      }
      at += failed ? next() * 2 * HOUR : wait(next, DEPLOY_GAP_HOURS * HOUR);
    }
  });
}

/** An incident `deployment` of `line` caused, resolved later, by an unplanned fix deployment half the time. */
function incident(
  deployment: string,
  line: string,
  deployedAt: number,
  next: () => number,
  push: Push,
): void {
  const id = `inc_${deployment}`;
  const opened = deployedAt + next() * 6 * HOUR;
  const blamed = next() < 2 / 3 ? { deployment } : {};
  push(opened, "incident.opened", id, { title: "checkout errors", severity: "high", ...blamed, line });
  const resolved = opened + wait(next, 4 * HOUR);
  if (next() < 0.5) {
    push(resolved, "deployment.recorded", `fix_${deployment}`, {
      environment: "production",
      workItems: [],
      status: "succeeded",
      remediates: [id],
      line,
    });
  }
  push(resolved, "incident.resolved", id, {});
}

/**
 * Items over 180 days through the standard flow, with rework, blocks, gates and signals (about 1,000,000
 * events), and the production deployments that ship them and incidents (see productionHistory).
 */
export function syntheticHistory(): StoredEvent[] {
  const next = random(42);
  const start = Date.parse("2026-01-01T00:00:00Z");
  const raw: {
    seq: number;
    id: string;
    type: string;
    v: number;
    at: string;
    actor: string;
    subject: string;
    data: unknown;
  }[] = [];
  const stages = ["intake", "requirements", "implementation", "testing", "release", "operate"];
  const push: Push = (at, type, subject, data, actor = "bot") =>
    raw.push({ seq: 0, id: "", type, v: 1, at: new Date(at).toISOString(), actor, subject, data });
  const released: Released[][] = lineIds.map(() => []);
  for (let index = 0; index < HISTORY_ITEMS; index++) {
    const lineId = lineIds[index % LINES] as string;
    const id = `wi_${index}`;
    let at = start + next() * 180 * DAY;
    // One item in three comes from a customer signal.
    const signal = index % 3 === 0 ? `sig_${index}` : undefined;
    if (signal !== undefined) {
      push(
        at,
        "signal.captured",
        signal,
        { text: "signal", source: "support", severity: "medium" },
        `field-${index % 7}`,
      );
      at += next() * 4 * HOUR;
      push(at, "signal.routed", signal, { line: lineId });
    }
    push(at, "work.created", id, {
      line: lineId,
      title: `item ${index}`,
      kind: "feature",
      flow: "standard",
      stages,
      owner: `owner-${lineId}`,
      contributors: [],
      signals: signal === undefined ? [] : [signal],
    });
    for (let stage = 1; stage < stages.length; stage++) {
      at += next() * 24 * HOUR;
      if (stages[stage - 1] === "implementation") {
        push(at, "artifact.recorded", `cs_${index}`, {
          kind: "changeSet",
          title: "c",
          fields: changeSet,
          version: 1,
          fingerprint: "f",
          workItem: id,
        });
      }
      if (stages[stage - 1] === "testing") {
        push(at, "artifact.recorded", `te_${index}`, {
          kind: "testEvidence",
          title: "t",
          fields: testRun,
          version: 1,
          fingerprint: "f",
          workItem: id,
        });
      }
      if (next() < 0.03) {
        push(at, "work.blocked", id, { stage: stages[stage - 1], reason: "waiting" });
        at += next() * 12 * HOUR;
        push(at, "work.unblocked", id, { stage: stages[stage - 1] });
      }
      if (next() < 0.03)
        push(at, "work.gate.failed", id, {
          from: stages[stage - 1],
          to: stages[stage],
          findings: [{ gate: "g", message: "m" }],
        });
      if (stage === 4 && next() < 0.05) {
        push(at, "work.sent.back", id, {
          from: "testing",
          to: "implementation",
          reason: "bug",
          cause: "defect",
        });
        at += next() * 12 * HOUR;
        push(at, "work.advanced", id, { from: "implementation", to: "testing" });
      }
      push(at, "work.advanced", id, { from: stages[stage - 1], to: stages[stage] });
      if (stages[stage] === "release") released[index % LINES]?.push({ id, at });
      if (stages[stage] === "release" && signal !== undefined)
        push(at, "signal.resolved", signal, { workItem: id });
    }
    at += next() * 48 * HOUR;
    push(at, "work.completed", id, { stage: "operate" });
  }
  productionHistory(released, start, 180, push);
  // The history stops at day 180: items started late are still in flight.
  const cutoff = new Date(start + 180 * DAY).toISOString();
  const kept = raw.filter((event) => event.at <= cutoff);
  kept.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  raw.length = 0;
  kept.forEach((event, index) => {
    event.seq = index + 1;
    event.id = `evt_${index + 1}`;
  });
  return kept;
}

import type { AssemblyLine, EventLog, MeasureOptions } from "@software-factory/core";
import { openAssemblyLine, openEventLog } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { changeSet, openTestFactory, type TestFactory, testRun } from "./fixtures/factory.js";

const HOUR = 3_600_000;
const H0 = Date.parse("2026-03-02T09:00:00Z");
const LINES = ["checkout", "search", "billing"];
const OWNERS = ["ann", "ben", "cat"];
const FIELD = ["fay", "gus"];

/** A deterministic pseudo-random generator (mulberry32), so a failing seed can be replayed. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const some = <T>(list: readonly T[], share: number): T[] => list.filter(() => next() < share);
  return { next, pick, some };
}

/** A seeded draw of numbers, list entries and sublists. */
type Random = ReturnType<typeof random>;

/** Runs a write that the line may refuse (an illegal move, a missing evidence); a refusal is part of the story. */
async function attempt(write: () => Promise<unknown>): Promise<void> {
  await write().catch(() => undefined);
}

/**
 * Every scope a measure can take here (factory-wide, each line, each operator,
 * each line with each owner) over three windows ending now: a long one, the
 * last day, and one ending half a day ago.
 */
function everyScope(now: number): MeasureOptions[] {
  const windows = [
    { from: H0 - 24 * HOUR, to: now + 1 },
    { from: now - 24 * HOUR, to: now + 1 },
    { from: H0 - 24 * HOUR, to: now - 12 * HOUR },
  ].filter((window) => window.from < window.to);
  const scopes: Pick<MeasureOptions, "line" | "operator">[] = [{}];
  for (const line of LINES) scopes.push({ line });
  for (const operator of [...OWNERS, ...FIELD, "alice"]) scopes.push({ operator });
  for (const line of LINES) for (const operator of OWNERS) scopes.push({ line, operator });
  return windows.flatMap((window) => scopes.map((scope) => ({ ...window, ...scope })));
}

/**
 * Checks that every measure of the live line at `now` equals that of a line
 * opened afresh on the same file (a second instance folding the log and
 * indexing it from scratch), key order included; returns how many scopes
 * it compared.
 */
async function expectSameAsFresh(factory: TestFactory, now: number, story: string): Promise<number> {
  const other = await openEventLog({ path: factory.path, clock: factory.clock });
  const fresh: AssemblyLine = await openAssemblyLine({ log: other });
  try {
    const scopes = everyScope(now);
    for (const options of scopes) {
      const live = await factory.line.measures(options);
      const rebuilt = await fresh.measures(options);
      expect(live, `${story}, ${JSON.stringify(options)}`).toEqual(rebuilt);
      // The same order of keys too (stages in the order the items are walked).
      expect(JSON.stringify(live)).toBe(JSON.stringify(rebuilt));
    }
    return scopes.length;
  } finally {
    await fresh.close();
    await other.close();
  }
}

/**
 * Plays a random story of `steps` writes on a live line that measures as it
 * goes (so its indexes follow the appends), and every few writes checks
 * that each of its measures equals that of a line opened afresh on the same
 * file (a second instance folding the log and indexing it from scratch).
 */
async function playAndCompare(factory: TestFactory, seed: number, steps: number): Promise<number> {
  const { pick, next, some } = random(seed);
  const { line, clock } = factory;
  const items: string[] = [];
  const signals: string[] = [];
  const deployments: string[] = [];
  const incidents: string[] = [];
  const lateItems: string[] = [];
  let now = H0;
  let compared = 0;
  for (let step = 0; step < steps; step++) {
    // Mostly forward; now and then a writer whose clock runs behind.
    now += next() < 0.15 ? -next() * 3 * HOUR : next() * 4 * HOUR;
    clock.set(now);
    await write(factory, now, { pick, next, some }, { items, signals, deployments, incidents, lateItems });
    if (step % 2 === 0) await line.measures({ ...pick(everyScope(now)) });
    if (step % 10 === 9 || step === steps - 1)
      compared += await expectSameAsFresh(factory, now, `seed ${seed}, step ${step}`);
  }
  return compared;
}

/** The ids a story's writes made so far, by kind; `lateItems` are those a deployment shipped before they were created. */
interface Known {
  items: string[];
  signals: string[];
  deployments: string[];
  incidents: string[];
  lateItems: string[];
}

/** One random write: through the line mostly, now and then a raw append as an older or racing writer makes. */
async function write(factory: TestFactory, now: number, random: Random, known: Known): Promise<void> {
  const { pick, next, some } = random;
  const { items, signals, deployments, incidents } = known;
  const { line, log, clock } = factory;
  // A deployment or incident recorded late (a writer whose clock runs behind, a backfill) lands among earlier ones.
  const behind = async <T>(record: () => Promise<T>): Promise<T> => {
    if (next() < 0.5) return record();
    clock.set(now - next() * 48 * HOUR);
    try {
      return await record();
    } finally {
      clock.set(now);
    }
  };
  const roll = next();
  // Mostly one of the latest items, so that work gets through to delivery.
  const item = () => (next() < 0.7 ? pick(items.slice(-5)) : pick(items));
  if (items.length === 0 || roll < 0.14) {
    const created = await line.createWorkItem({
      line: pick(LINES),
      title: "work",
      flow: next() < 0.5 ? "tiny" : "standard",
      ...(next() < 0.8 ? { owner: pick(OWNERS) } : {}),
      signals: some(signals, 0.2).slice(0, 1),
    });
    items.push(created.id);
  } else if (roll < 0.36) {
    const id = item();
    if (next() < 0.3) {
      await attempt(() =>
        line.recordArtifact({ kind: "changeSet", title: "change", fields: changeSet, workItem: id }),
      );
      await attempt(() =>
        line.recordArtifact({ kind: "testEvidence", title: "tests", fields: testRun(), workItem: id }),
      );
    }
    await attempt(() => line.advance(id));
  } else if (roll < 0.4) await attempt(() => line.sendBack(item(), { reason: "bug", cause: "defect" }));
  else if (roll < 0.44) await attempt(() => line.block(item(), { reason: "waiting" }));
  else if (roll < 0.47) await attempt(() => line.unblock(item()));
  else if (roll < 0.5) await attempt(() => line.complete(item()));
  else if (roll < 0.52) await attempt(() => line.drop(item(), { reason: "not needed" }));
  else if (roll < 0.58) await attempt(() => line.assign(item(), { owner: pick(OWNERS) }));
  else if (roll < 0.64) {
    const signal = await line.captureSignal({
      text: "customers ask",
      source: "support",
      actor: pick(FIELD),
      ...(next() < 0.4 ? { line: pick(LINES) } : {}),
    });
    signals.push(signal.id);
  } else if (roll < 0.69 && signals.length > 0) await line.routeSignal(pick(signals), pick(LINES));
  else if (roll < 0.8) {
    const id = await behind(() =>
      line.recordDeployment({
        workItems: some(items, 0.15).slice(0, 4),
        status: next() < 0.2 ? "failed" : "succeeded",
        remediates: some(incidents, 0.1).slice(0, 2),
        ...(next() < 0.6 ? { line: pick(LINES) } : {}),
        version: `v${deployments.length + 1}`,
      }),
    );
    deployments.push(id);
  } else if (roll < 0.9) {
    const named = deployments.length > 0 && next() < 0.4;
    const id = await behind(() =>
      line.openIncident({
        title: "errors",
        ...(named ? { deployment: pick(deployments) } : {}),
        // Two lines take the incidents, so that one line's are often recorded out of order.
        ...(!named || next() < 0.3 ? { line: pick(LINES.slice(0, 2)) } : {}),
      }),
    );
    incidents.push(id);
  } else if (roll < 0.92 && incidents.length > 0) await line.resolveIncident(pick(incidents));
  else await rawAppend(log, random, known);
}

/**
 * An append of the kind an older writer or a race leaves: a deployment naming
 * no line that ships an item not created yet (created by a later call), or an
 * id used again (a deployment, an incident, a work item, a signal).
 */
async function rawAppend(log: EventLog, random: Random, known: Known): Promise<void> {
  const { pick, next } = random;
  const { items, signals, deployments, incidents, lateItems } = known;
  const roll = next();
  const stages = ["intake", "implementation", "testing", "release"];
  const created = (line: string) => ({
    line,
    title: "late",
    kind: "feature",
    flow: "tiny",
    stages,
    owner: pick(OWNERS),
  });
  if (lateItems.length > 0 && roll < 0.4) {
    const id = lateItems.shift() as string;
    await log.append({ type: "work.created", subject: id, data: created(pick(LINES)) });
    items.push(id);
  } else if (roll < 0.6) {
    const late = `wi_late_${items.length}_${lateItems.length}`;
    lateItems.push(late);
    const subject = `dep_raw_${deployments.length}`;
    await log.append({
      type: "deployment.recorded",
      subject,
      data: { environment: "production", status: "succeeded", workItems: [late, ...items.slice(-1)] },
    });
    deployments.push(subject);
  } else if (roll < 0.7 && deployments.length > 0) {
    await log.append({
      type: "deployment.recorded",
      subject: pick(deployments),
      data: { environment: "production", status: "failed", workItems: items.slice(-2), line: pick(LINES) },
    });
  } else if (roll < 0.8 && incidents.length > 0) {
    await log.append({
      type: "incident.opened",
      subject: pick(incidents),
      data: { title: "again", severity: "high", line: pick(LINES) },
    });
  } else if (roll < 0.9 && items.length > 0) {
    await log.append({ type: "work.created", subject: pick(items), data: created(pick(LINES)) });
  } else if (signals.length > 0) {
    await log.append({
      type: "signal.captured",
      subject: pick(signals),
      data: { text: "again", source: "support", severity: "low" },
    });
  }
}

let factory: TestFactory | undefined;
afterEach(async () => {
  await factory?.close();
  factory = undefined;
});

describe("measures of a live line after each write", () => {
  it("follow deployments and incidents recorded out of order, late items, new owners and re-routes", async () => {
    factory = await openTestFactory();
    const { line, log, clock } = factory;
    const at = (hour: number) => clock.set(H0 + hour * HOUR);
    const p = await line.createWorkItem({ line: "checkout", title: "P", flow: "tiny", owner: "ann" });
    const signal = await line.captureSignal({
      text: "slow",
      source: "support",
      actor: "fay",
      line: "search",
    });
    at(1);
    await line.recordDeployment({ line: "checkout", workItems: [p.id] });
    at(5);
    await line.recordDeployment({ line: "checkout" });
    // The live line measures now, so its indexes are built and from here on follow each write.
    await line.measures({ from: H0, to: H0 + 24 * HOUR, line: "checkout" });
    at(6);
    await line.openIncident({ title: "errors", line: "checkout" });
    // Recorded late: an incident opened at h3 (blamed on h1's deployment, not h5's) and a failed deployment at h2.
    at(3);
    await line.openIncident({ title: "errors", line: "checkout" });
    at(2);
    const failed = await line.recordDeployment({ line: "checkout", status: "failed" });
    await line.openIncident({ title: "errors", deployment: failed });
    at(7);
    // A deployment naming no line that ships an item not created yet takes the item's line when it is.
    await log.append({
      type: "deployment.recorded",
      subject: "dep_old",
      data: { environment: "production", status: "failed", workItems: ["wi_late"] },
    });
    at(8);
    await log.append({
      type: "work.created",
      subject: "wi_late",
      data: { line: "search", title: "late", kind: "feature", flow: "tiny", stages: ["intake", "release"] },
    });
    await line.assign(p.id, { owner: "ben" });
    await line.routeSignal(signal.id, "checkout");
    at(9);
    await line.recordDeployment({ line: "search" });
    expect(await expectSameAsFresh(factory, H0 + 10 * HOUR, "out of order")).toBeGreaterThan(0);
  });

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`equal those of a line opened afresh on the same log (seed ${seed})`, async () => {
      factory = await openTestFactory();
      const compared = await playAndCompare(factory, seed, 150);
      expect(compared).toBeGreaterThan(0);
    }, 120_000);
  }
});

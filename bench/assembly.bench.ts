/**
 * Assembly line costs: moving 10,000 work items through the pipeline on the
 * embedded SQLite log (transitions per second, fold time when a process opens
 * the line), the cost of one transition behind 10 gates, suspect-link
 * propagation when a requirement with 100,000 links downstream changes, and
 * all measures (the DORA ones alone too) over a 90-day window of a history of
 * about 1,000,000 events, 100,000 work items and their lines' deployments and
 * incidents.
 *
 * Times are given as wall clock / CPU time of this process: on a shared,
 * loaded machine the CPU time says what the work costs, the wall clock what a
 * user waited.
 *
 *   npm run bench -- assembly
 *   ASSEMBLY_BENCH_SCALE=0.1 npm run bench -- assembly   # a quick run at a tenth of the sizes
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AssemblyLine,
  createHistoryFolder,
  createMemoryEventStore,
  type EventLog,
  type Gate,
  measureAssembly,
  type NewEvent,
  newId,
  openAssemblyLine,
  openEventLog,
  type StoredEvent,
} from "@software-factory/core";
import { measureDora } from "../packages/core/src/assembly/doraMeasures.js";
import { scopeIndexOf } from "../packages/core/src/assembly/internal/HistoryIndexes.js";
import { measureSignals } from "../packages/core/src/assembly/signalMeasures.js";
import { measureThroughput } from "../packages/core/src/assembly/throughputMeasures.js";
import { measureYield } from "../packages/core/src/assembly/yieldMeasures.js";
import { ms, peakRssMiB, percentile, rate, table, writeReport } from "./lib/report.js";

const SCALE = Number(process.env.ASSEMBLY_BENCH_SCALE ?? "1");
const ITEMS = Math.round(10_000 * SCALE);
/** Durability full syncs every commit: a fifth of the items tells its rate. */
const ITEMS_FULL = Math.round(2_000 * SCALE);
const GATED_MOVES = Math.round(2_000 * SCALE);
const LINKS = Math.round(100_000 * SCALE);
const HISTORY_ITEMS = Math.round(100_000 * SCALE);
const LINES = 20;
const fmt = (value: number) => Math.round(value).toLocaleString("en-US");
const root = mkdtempSync(join(tmpdir(), "factory-bench-assembly-"));
const lineIds = Array.from({ length: LINES }, (_, index) => `line-${index}`);
const directory = { ownerOf: (line: string) => `owner-${line}`, wipLimitOf: () => undefined };
const changeSet = { commit: "4f2a9c1", paths: ["src/a.ts"] };
const testRun = { runId: "ci-1", passed: 10, failed: 0 };
const loads: number[] = [];

interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

/** Runs `work` and returns its wall-clock and CPU (user + system) time in ms. */
async function clock(work: () => unknown): Promise<Timing> {
  (globalThis as { gc?: () => void }).gc?.();
  loads.push(loadavg()[0] ?? 0);
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}
const both = (timing: Timing) => `${ms(timing.wall)} / ${ms(timing.cpu)}`;

// ---- 1. work items through the tiny flow on SQLite --------------------------------------------

async function pipelineRun(durability: "full" | "normal", items: number) {
  const path = join(root, `pipeline-${durability}.db`);
  const log = await openEventLog({ path, durability });
  const line = await openAssemblyLine({ log, lines: directory });
  let moves = 0;
  let writes = 0;
  const run = await clock(async () => {
    for (let index = 0; index < items; index++) {
      const item = await line.createWorkItem({
        line: lineIds[index % LINES] as string,
        title: `item ${index}`,
        flow: "tiny",
      });
      await line.advance(item.id);
      await line.recordArtifact({ kind: "changeSet", title: "change", fields: changeSet, workItem: item.id });
      await line.advance(item.id);
      await line.recordArtifact({ kind: "testEvidence", title: "run", fields: testRun, workItem: item.id });
      await line.advance(item.id);
      await line.complete(item.id);
      moves += 5;
      writes += 7;
    }
  });
  const head = await log.head();
  await line.close();
  await log.close();

  const reader = await openEventLog({ path, durability });
  let reopened: AssemblyLine | undefined;
  const fold = await clock(async () => {
    reopened = await openAssemblyLine({ log: reader, lines: directory });
  });
  const done = reopened?.list({ state: "done" }).length ?? 0;
  await reopened?.close();
  await reader.close();
  return { durability, items, run, moves, writes, head, fold, done };
}

// ---- 2. one transition behind 10 gates ---------------------------------------------------------

const gates: Gate[] = Array.from({ length: 10 }, (_, index) => ({
  name: `gate-${index}`,
  stages: ["*"],
  check: (item, ctx) =>
    item.title.length > 0 && ctx.artifacts.length >= 0
      ? { pass: true }
      : { pass: false, findings: [{ message: "untitled" }] },
}));

async function gatedMoves(name: string, log: EventLog) {
  const line = await openAssemblyLine({ log, gates, lines: directory });
  const ids: string[] = [];
  for (let index = 0; index < GATED_MOVES; index++) {
    const item = await line.createWorkItem({
      line: lineIds[index % LINES] as string,
      title: `gated ${index}`,
      flow: "full",
    });
    ids.push(item.id);
  }
  const samples: number[] = [];
  const total = await clock(async () => {
    for (const id of ids) {
      const start = performance.now();
      await line.advance(id);
      samples.push(performance.now() - start);
    }
  });
  await line.close();
  await log.close();
  return {
    name,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    mean: total.wall / samples.length,
    cpuPerMove: total.cpu / samples.length,
  };
}

// ---- 3. suspect propagation over 100,000 links ------------------------------------------------

async function propagation() {
  const path = join(root, "links.db");
  const log = await openEventLog({ path, durability: "normal" });
  const line = await openAssemblyLine({ log });
  await line.recordArtifact({
    id: "REQ-1",
    kind: "requirement",
    title: "Pay by link",
    fields: { body: "v1" },
  });
  const fingerprint = line.artifact("REQ-1")?.fingerprint as string;
  // A tree: REQ-1 <- designs <- tasks <- tests, LINKS links in all (1% designs, 10% tasks, the rest tests).
  const designs = Math.max(1, Math.round(LINKS / 100));
  const tasks = Math.round(LINKS / 10);
  const tests = LINKS - designs - tasks;
  const artifactEvents: NewEvent[] = [];
  const linkEvents: NewEvent[] = [];
  const artifact = (id: string, kind: string) =>
    artifactEvents.push({
      type: "artifact.recorded",
      subject: id,
      data: { kind, title: id, fields: {}, version: 1, fingerprint: `fp-${id}` },
    });
  const link = (from: string, to: string, type: string, upstream: string) =>
    linkEvents.push({
      type: "trace.linked",
      subject: newId("link"),
      data: { from, to, type, fingerprint: upstream },
    });
  for (let d = 0; d < designs; d++) {
    artifact(`DES-${d}`, "design");
    link(`DES-${d}`, "REQ-1", "derivesFrom", fingerprint);
  }
  for (let t = 0; t < tasks; t++) {
    artifact(`TASK-${t}`, "task");
    link(`TASK-${t}`, `DES-${t % designs}`, "derivesFrom", `fp-DES-${t % designs}`);
  }
  for (let t = 0; t < tests; t++) {
    artifact(`TEST-${t}`, "test");
    link(`TEST-${t}`, `TASK-${t % tasks}`, "verifies", `fp-TASK-${t % tasks}`);
  }
  for (const events of [artifactEvents, linkEvents]) {
    for (let offset = 0; offset < events.length; offset += 5_000) {
      await log.append(events.slice(offset, offset + 5_000));
    }
  }
  await line.refresh();
  let suspected = 0;
  const change = await clock(async () => {
    const result = await line.recordArtifact({
      id: "REQ-1",
      kind: "requirement",
      title: "Pay by link",
      fields: { body: "v2" },
    });
    suspected = result.suspected.length;
  });
  let listed = 0;
  const list = await clock(() => {
    listed = line.suspectLinks().length;
  });
  const lineScope = await clock(() => line.suspectLinks({ line: "line-0" }));
  await line.close();
  const reader = await openEventLog({ path });
  let reopened: AssemblyLine | undefined;
  const fold = await clock(async () => {
    reopened = await openAssemblyLine({ log: reader });
  });
  const afterReopen = reopened?.suspectLinks().length ?? 0;
  await reopened?.close();
  await reader.close();
  await log.close();
  const events = artifactEvents.length + linkEvents.length + 2;
  return { designs, tasks, tests, events, change, suspected, list, listed, lineScope, fold, afterReopen };
}

// ---- 4. measures over 1,000,000 events --------------------------------------------------------

const DAY = 86_400_000;
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
const DEPLOY_GAP_HOURS = 6;
/** Share of deployments that fail to go out (the line retries within 2 hours). */
const FAILED_DEPLOYS = 0.05;
/** Share of successful deployments that cause an incident. */
const INCIDENT_DEPLOYS = 0.08;

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
function syntheticHistory(): StoredEvent[] {
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

/** The last events of the history, applied one at a time to a live history that measures a line after each. */
const TAIL = 200;

async function measuresRun() {
  const events = syntheticHistory();
  const last = Date.parse(events[events.length - 1]?.at ?? "2026-07-01T00:00:00Z");
  const window = { from: new Date(last - 90 * DAY), to: new Date(last) };
  const folder = createHistoryFolder();
  const history = folder.history;
  const fold = await clock(() => {
    for (const event of events.slice(0, -TAIL)) folder.apply(event);
  });
  let factory: ReturnType<typeof measureAssembly> | undefined;
  // The first measure after the fold also indexes the deployments and incidents for the DORA measures,
  // and the first of a line also the work items and signals by line and operator.
  const first = await clock(() => {
    factory = measureAssembly(history, window);
  });
  const firstLine = await clock(() => measureAssembly(history, { ...window, line: lineIds[0] as string }));
  // A live factory: each event appended (items moving, deployments, incidents) is followed by one line's measures.
  const tailTypes = new Set(events.slice(-TAIL).map((event) => event.type));
  const afterAppend = await clock(() => {
    events.slice(-TAIL).forEach((event, index) => {
      folder.apply(event);
      measureAssembly(history, { ...window, line: lineIds[index % LINES] as string });
    });
  });
  const measured = await clock(() => {
    factory = measureAssembly(history, window);
  });
  const perLine = await clock(() => {
    for (const line of lineIds) measureAssembly(history, { ...window, line });
  });
  const perOwner = await clock(() => {
    for (const line of lineIds) measureAssembly(history, { ...window, operator: directory.ownerOf(line) });
  });
  // measureDora is what measureAssembly calls for its dora field, with the same scope and items in scope.
  const [from, to] = [window.from.getTime(), window.to.getTime()];
  const none = { line: undefined, operator: undefined };
  const doraFactory = await clock(() =>
    measureDora(history, from, to, "production", none, (id) => history.items.has(id), [
      ...history.items.values(),
    ]),
  );
  const itemsOf = (line: string) => scopeIndexOf(history).itemsByLine.get(line) ?? [];
  const doraPerLine = await clock(() => {
    for (const line of lineIds) {
      measureDora(
        history,
        from,
        to,
        "production",
        { line, operator: undefined },
        (id) => history.items.get(id)?.line === line,
        itemsOf(line),
      );
    }
  });
  // The other three measures of a line, as measureAssembly computes them: the line's items, then its signals.
  const counts = { gateFailures: true, sendBacks: true, adaptedLinks: true };
  const restPerLine = await clock(() => {
    for (const line of lineIds) {
      const items = itemsOf(line).filter((item) => item.createdAt < to);
      const delivered = items.filter(
        (item) => item.deliveredAt !== undefined && item.deliveredAt >= from && item.deliveredAt < to,
      );
      measureYield(delivered, to, counts);
      measureThroughput(items, delivered, from, to, history.wipStages);
      measureSignals(history, from, to, line, undefined);
    }
  });
  const production = events.filter((event) => /^(deployment|incident)\./.test(event.type)).length;
  return {
    events: events.length,
    production,
    deployments: history.deployments.size,
    incidents: history.incidents.size,
    items: history.items.size,
    fold,
    first,
    firstLine,
    afterAppend,
    tailTypes,
    measured,
    perLine,
    perOwner,
    doraFactory,
    doraPerLine,
    restPerLine,
    factory: factory as ReturnType<typeof measureAssembly>,
  };
}

// ---- run and report ------------------------------------------------------------------------------

const runs = [await pipelineRun("normal", ITEMS), await pipelineRun("full", ITEMS_FULL)];
const gated = [
  await gatedMoves("memory store", await openEventLog({ store: createMemoryEventStore() })),
  await gatedMoves(
    "SQLite, durability normal",
    await openEventLog({ path: join(root, "gated-normal.db"), durability: "normal" }),
  ),
  await gatedMoves("SQLite, durability full", await openEventLog({ path: join(root, "gated-full.db") })),
];
const links = await propagation();
const measures = await measuresRun();
const peak = peakRssMiB();
rmSync(root, { recursive: true, force: true });
const lead = measures.factory.throughput.leadTimeHours;
const dora = measures.factory.dora;

writeReport("assembly", "Assembly line", [
  `Load average (1 min) during the timed steps: ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)} on this machine's cores; times are wall clock / CPU time of the benchmark process, in ms unless said otherwise.`,
  "## Work items through the pipeline (SQLite)",
  table(
    [
      "durability",
      "items",
      "moves",
      "writes (moves + evidence)",
      "elapsed wall / CPU (s)",
      "transitions/s (wall)",
      "writes/s (wall)",
      "CPU per write (ms)",
      "events in log",
      "fold on open",
      "items done after fold",
    ],
    runs.map((run) => [
      run.durability,
      fmt(run.items),
      fmt(run.moves),
      fmt(run.writes),
      `${(run.run.wall / 1000).toFixed(1)} / ${(run.run.cpu / 1000).toFixed(1)}`,
      rate(run.moves, run.run.wall),
      rate(run.writes, run.run.wall),
      ms(run.run.cpu / run.writes),
      fmt(run.head),
      both(run.fold),
      fmt(run.done),
    ]),
  ),
  "Each item: create (tiny flow), advance to implementation, record a change set, advance to testing, record test evidence, advance to release, complete. Every call is awaited in turn: it catches up with the log, checks state, evidence and WIP, and appends with an expected head (optimistic concurrency).",
  `## One transition behind 10 gates (${fmt(GATED_MOVES)} advances)`,
  table(
    ["store", "p50 wall (ms)", "p99 wall (ms)", "mean wall (ms)", "mean CPU (ms)"],
    gated.map((run) => [run.name, ms(run.p50), ms(run.p99), ms(run.mean), ms(run.cpuPerMove)]),
  ),
  "Ten trivial gates guard every stage (`*`); each advance catches up, builds the gate context (the item's artifacts and suspect links), runs the gates, checks WIP and evidence and appends. Target: under 1 ms plus gate time.",
  `## Suspect links: one requirement with ${fmt(LINKS)} links downstream`,
  table(
    ["step", "wall / CPU (ms)", "result"],
    [
      [
        "new requirement version: append, fold, propagate down the tree",
        both(links.change),
        `${fmt(links.suspected)} links suspect`,
      ],
      ["list suspect links factory-wide", both(links.list), `${fmt(links.listed)} links`],
      ["list suspect links of one line (none match)", both(links.lineScope), "0 links"],
      [
        `fold on open (${fmt(links.events)} events), suspicion rebuilt`,
        both(links.fold),
        `${fmt(links.afterReopen)} links suspect`,
      ],
    ],
  ),
  `The tree: REQ-1 <- ${fmt(links.designs)} designs <- ${fmt(links.tasks)} tasks <- ${fmt(links.tests)} tests; every link type propagates transitively.`,
  `## Measures over 90 days of a ${fmt(measures.events)}-event history (${fmt(measures.items)} items, ${LINES} lines)`,
  table(
    ["step", "wall / CPU (ms)"],
    [
      [`fold the history (once, all but the last ${TAIL} events)`, both(measures.fold)],
      [
        "all measures, factory-wide, first call after the fold (indexes deployments and incidents for DORA)",
        both(measures.first),
      ],
      [
        "all measures of one line, first call of a line or operator (indexes items and signals by line and operator)",
        both(measures.firstLine),
      ],
      [
        `append the last ${TAIL} events one at a time, each followed by all measures of one line (in turn): total`,
        both(measures.afterAppend),
      ],
      [
        "the same, per append and measure",
        `${ms(measures.afterAppend.wall / TAIL)} / ${ms(measures.afterAppend.cpu / TAIL)}`,
      ],
      ["all measures, factory-wide, 90-day window (target < 2,000)", both(measures.measured)],
      [`all measures for each of the ${LINES} lines`, both(measures.perLine)],
      [`all measures for each of the ${LINES} line owners (operator scope)`, both(measures.perOwner)],
      ["DORA measures alone, factory-wide", both(measures.doraFactory)],
      [`DORA measures alone, for each of the ${LINES} lines`, both(measures.doraPerLine)],
      [`yield, throughput and signals alone, for each of the ${LINES} lines`, both(measures.restPerLine)],
    ],
  ),
  `The history holds ${fmt(measures.events - measures.production)} events of the items (as in runs before deployments were seeded) and ${fmt(measures.production)} of production: ${fmt(measures.deployments)} deployments and ${fmt(measures.incidents)} incidents. Each line deploys every ${DEPLOY_GAP_HOURS} hours on average, about 4 times a day: DORA's top band deploys on demand, several times a day, and at about 28 items a line a day that ships some 7 released items a deployment. ${FAILED_DEPLOYS * 100}% of deployments fail and are retried within 2 hours (their items wait for the retry, so the change lead time runs to the first successful deployment); ${INCIDENT_DEPLOYS * 100}% of the others cause an incident opened within 6 hours, naming the deployment or (one in three) only the line, resolved after 4 hours on average, half of them by an unplanned deployment that remediates it; one deployment in ten names no line, its line found from its items. That puts the change fail rate near 13% and recovery within a day, between DORA's high and elite bands. The DORA rows call the function measureAssembly calls for its dora field; the all-measures rows include it. The appended events (${[...measures.tailTypes].sort().join(", ")}) are the history's last; the rows after them measure the whole history.`,
  `DORA in the window: ${dora === null ? "no deployment" : `${fmt(dora.deployments)} deployments (${dora.deploymentsPerWeek.toFixed(0)} a week), change lead time p50 ${dora.changeLeadTimeHours.p50?.toFixed(1)} h / p85 ${dora.changeLeadTimeHours.p85?.toFixed(1)} h, change fail rate ${(dora.changeFailRate * 100).toFixed(1)}%, failed deployment recovery p50 ${dora.failedDeploymentRecoveryHours.p50?.toFixed(1)} h / p85 ${dora.failedDeploymentRecoveryHours.p85?.toFixed(1)} h, rework rate ${(dora.deploymentReworkRate * 100).toFixed(1)}%`}.`,
  `Window result: ${fmt(measures.factory.throughput.delivered)} items delivered, yield ${((measures.factory.yield.rate ?? 0) * 100).toFixed(1)}%, lead time p50 ${lead.p50?.toFixed(1)} h / p85 ${lead.p85?.toFixed(1)} h, WIP ${fmt(measures.factory.throughput.wip)}. The history (items over 180 days through the standard flow with blocks, gate failures, send backs, signals and evidence) is generated in memory from a fixed seed and passed to the pure functions; reading it from SQLite adds the log's read time (see core.md).`,
  `Peak resident memory of the whole run: ${fmt(peak)} MiB.`,
]);

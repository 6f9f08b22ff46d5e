import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { type AssemblyLine, type EventLog, openAssemblyLine, openEventLog } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";

const folders: string[] = [];
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const part of open.splice(0).reverse()) await part.close();
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A SQLite factory folder in a temp dir: its log, and the folder of the line's snapshot. */
async function factoryFolder(): Promise<{ log: EventLog; cacheDir: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "assembly-snapshot-"));
  folders.push(dir);
  const log = await openEventLog({ path: join(dir, "factory.db") });
  open.push(log);
  return { log, cacheDir: join(dir, "cache", "assembly"), dir };
}

/** The snapshot file's header (its first 4 bytes say how long it is) and body, as V8 serialized them. */
interface SnapshotFile {
  header: Record<string, unknown> & { position: number };
  body: { state: { items: Map<string, unknown> } };
}

function readSnapshot(path: string): SnapshotFile {
  const bytes = readFileSync(path);
  const start = 4 + bytes.readUInt32LE(0);
  return {
    header: deserialize(bytes.subarray(4, start)),
    body: deserialize(bytes.subarray(start)),
  };
}

/** The bytes of a snapshot file; the header says the body's length and hash unless `keepHash`. */
function snapshotBytes({ header, body }: SnapshotFile, keepHash = false): Buffer {
  const bodyBytes = serialize(body);
  const sums = keepHash
    ? {}
    : { bodyBytes: bodyBytes.length, bodySha1: createHash("sha1").update(bodyBytes).digest("hex") };
  const head = serialize({ ...header, ...sums });
  const length = Buffer.alloc(4);
  length.writeUInt32LE(head.length, 0);
  return Buffer.concat([length, head, bodyBytes]);
}

const LINES = ["checkout", "search", "billing"];
/** A pipeline whose items reach delivery without evidence, so rework and resolved signals are measured. */
const pipeline = {
  stages: [{ name: "intake", wip: false }, { name: "design" }, { name: "build" }, { name: "ship" }],
  flows: { only: ["intake", "design", "build", "ship"] },
  defaultFlow: "only",
  deliveryStage: "ship",
};

/**
 * Writes every kind of assembly event, more than a thousand in all: items
 * created, moved, sent back, blocked, dropped, completed and reassigned,
 * requirements revised under links (suspicion), reviews, signals attached to
 * work, deployments and incidents, idempotency keys.
 */
async function writeMuch(line: AssemblyLine, round: string, count: number): Promise<void> {
  const items = [];
  for (let i = 0; i < count; i += 1) {
    const signal = await line.captureSignal(
      { text: `Customers report problem ${round}-${i}`, source: "support", line: LINES[i % 3] as string },
      { idempotencyKey: `sig-${round}-${i}` },
    );
    const item = await line.createWorkItem(
      {
        line: LINES[i % 3] as string,
        title: `Fix ${round}-${i}`,
        owner: `op${i % 4}`,
        signals: i % 2 === 0 ? [signal.id] : [],
      },
      { idempotencyKey: `create-${round}-${i}` },
    );
    items.push(item);
    await line.recordArtifacts([
      {
        id: `REQ-${round}-${i}`,
        kind: "requirement",
        title: `Req ${i}`,
        fields: { body: `must ${i}` },
        workItem: item.id,
      },
      {
        id: `ADR-${round}-${i}`,
        kind: "decision",
        title: `Dec ${i}`,
        fields: { body: `use ${i}` },
        workItem: item.id,
      },
    ]);
    await line.linkAll([
      { from: `ADR-${round}-${i}`, to: `REQ-${round}-${i}`, type: "derivesFrom" },
      { from: item.id, to: signal.id, type: "addresses" },
    ]);
    await line.advance(item.id);
    await line.advance(item.id);
    if (i % 5 === 0) await line.sendBack(item.id, { reason: "unclear", cause: "upstream" });
    if (i % 7 === 0) {
      await line.block(item.id, { reason: "waiting on vendor" });
      if (i % 14 === 0) await line.unblock(item.id);
    }
    if (i % 6 === 0)
      await line.recordArtifact({
        id: `REQ-${round}-${i}`,
        kind: "requirement",
        title: `Req ${i}`,
        fields: { body: `must ${i}, revised` },
      });
    if (i % 12 === 0) {
      const [suspect] = line.suspectLinks({ item: item.id });
      if (suspect !== undefined)
        await line.reviewLink(
          suspect.id,
          { verdict: "adapted", note: "follows" },
          { idempotencyKey: `review-${round}-${i}` },
        );
    }
    if (i % 10 === 1 && line.get(item.id)?.state === "active") await line.advance(item.id);
    if (i % 9 === 0) await line.assign(item.id, { owner: "op9" });
    if (i % 11 === 0 && line.get(item.id)?.state === "active")
      await line.drop(item.id, { reason: "duplicate" });
  }
  const shipped = items.filter((item) => line.get(item.id)?.state === "active").slice(0, 5);
  const deployment = await line.recordDeployment(
    {
      environment: "production",
      workItems: shipped.map((item) => item.id),
      line: "checkout",
      version: `v-${round}`,
    },
    { idempotencyKey: `deploy-${round}` },
  );
  const incident = await line.openIncident({ title: `Outage ${round}`, deployment });
  await line.resolveIncident(incident);
}

/**
 * Writes over the first half of what `writeMuch` wrote in round `round`,
 * deciding on the state folded then, and checks each decision: a
 * requirement revised back to the text its link was verified against lifts
 * the suspicion, a link made again is the link there, a suspect link is
 * reviewed (adapted: rework of the item), items are delivered (resolving
 * their signals) and done, and a link that attached a signal reviewed
 * obsolete detaches it (reopening it). The second half keeps its suspect links.
 */
async function writeOver(line: AssemblyLine, round: string, count: number): Promise<void> {
  for (let i = 0; i < count / 2; i += 3) {
    const item = line.list().find((found) => found.title === `Fix ${round}-${i}`);
    if (item === undefined) throw new Error(`no item Fix ${round}-${i}`);
    const requirement = `REQ-${round}-${i}`;
    const decision = `ADR-${round}-${i}`;
    const linked = line.linksOf(decision).find((link) => link.to === requirement);
    if (i % 12 === 6) {
      expect(line.suspectLinks({ item: item.id }).map((link) => link.id)).toContain(linked?.id);
      await line.recordArtifact({
        id: requirement,
        kind: "requirement",
        title: `Req ${i}`,
        fields: { body: `must ${i}` },
      });
      expect(line.suspectLinks({ item: item.id }).map((link) => link.id)).not.toContain(linked?.id);
    } else if (i % 6 === 3) {
      const { suspected } = await line.recordArtifact({
        id: requirement,
        kind: "requirement",
        title: `Req ${i}`,
        fields: { body: `must ${i}, v2` },
      });
      expect(suspected.map((link) => link.id)).toEqual([linked?.id]);
      await line.reviewLink(linked?.id as string, { verdict: "adapted", note: "follows v2" });
    }
    expect((await line.link({ from: decision, to: requirement, type: "derivesFrom" })).id).toBe(linked?.id);
    // Delivered, the item resolves its signals; a link that attached one, reviewed obsolete, then reopens it.
    if (line.get(item.id)?.state === "active" && line.get(item.id)?.stage !== "ship")
      await line.advance(item.id);
    if (i % 4 === 0 && line.get(item.id)?.state === "active") await line.complete(item.id);
    const attaching = line.linksOf(item.id).find((link) => link.type === "addresses");
    if (attaching !== undefined && i % 2 === 1) {
      const signal = attaching.to;
      await line.reviewLink(attaching.id, { verdict: "obsolete" });
      expect(line.get(item.id)?.signals).toEqual([]);
      expect(line.signal(signal)?.resolvedAt).toBeUndefined();
    }
  }
  const shipped = line.list({ state: "active" }).slice(0, 8);
  await line.recordDeployment({
    environment: "production",
    workItems: shipped.map((item) => item.id),
    line: "search",
  });
  await line.openIncident({ title: `Slow ${round}`, line: "search" });
}

/** Everything a caller can read of a line, through its public methods. */
async function reading(line: AssemblyLine) {
  const items = line.list();
  const artifacts = line.artifacts();
  const signals = line.signals();
  const ends = [
    ...items.map((item) => item.id),
    ...artifacts.map((artifact) => artifact.id),
    ...signals.map((signal) => signal.id),
  ];
  const window = { from: "2000-01-01", to: "2100-01-01" };
  return {
    position: line.position,
    items,
    artifacts,
    artifactsOf: items.map((item) => line.artifactsOf(item.id)),
    links: ends.map((end) => line.linksOf(end)),
    suspect: line.suspectLinks(),
    traces: items.map((item) => line.trace(item.id)),
    signals,
    deployments: line.deployments(),
    incidents: line.incidents(),
    wip: LINES.map((id) => line.wipOf(id)),
    measures: await line.measures(window),
    byLine: await Promise.all(LINES.map((id) => line.measures({ ...window, line: id }))),
    byOperator: await line.measures({ ...window, operator: "op1" }),
  };
}

/** Each test writes 1,000+ events one call at a time: about 10 s alone, more on a loaded machine. */
const SLOW = 180_000;

describe("the assembly line's snapshot on disk", () => {
  it(
    "reads back exactly what a fold of the whole log gives, after writes before and after it",
    async () => {
      const { log, cacheDir } = await factoryFolder();
      const first = await openAssemblyLine({ log, cacheDir, pipeline });
      await writeMuch(first, "a", 110);
      expect(first.position).toBeGreaterThan(1000);
      const a3 = first.list().find((item) => item.title === "Fix a-3");
      await first.close();
      expect(readdirSync(cacheDir)).toEqual(["assembly.snapshot"]);

      // Writes over the line loaded from the snapshot decide on the restored state: retried keys, suspicion, WIP.
      const second = await openAssemblyLine({ log, cacheDir, pipeline });
      const retried = await second.createWorkItem(
        { line: "checkout", title: "Fix a-3", owner: "op3", signals: [] },
        { idempotencyKey: "create-a-3" },
      );
      expect(retried.id).toBe(a3?.id);
      const { suspected } = await second.recordArtifact({
        id: "REQ-a-1",
        kind: "requirement",
        title: "Req 1",
        fields: { body: "must 1, v3" },
      });
      expect(suspected.length).toBeGreaterThan(0);
      await writeOver(second, "a", 110);
      await writeMuch(second, "b", 10);
      await second.close();

      const fromSnapshot = await openAssemblyLine({ log, cacheDir, pipeline });
      open.push(fromSnapshot);
      rmSync(cacheDir, { recursive: true });
      const fresh = await openAssemblyLine({ log, pipeline });
      open.push(fresh);
      expect(await reading(fromSnapshot)).toEqual(await reading(fresh));
    },
    SLOW,
  );

  it(
    "is written on close only once 1,000 events or more were folded since it was loaded",
    async () => {
      const { log, cacheDir } = await factoryFolder();
      const first = await openAssemblyLine({ log, cacheDir, pipeline });
      await writeMuch(first, "a", 110);
      await first.close();
      const path = join(cacheDir, "assembly.snapshot");
      const saved = readFileSync(path);

      const small = await openAssemblyLine({ log, cacheDir, pipeline });
      await small.createWorkItem({ line: "checkout", title: "One more" });
      await small.close();
      expect(readFileSync(path).equals(saved)).toBe(true);

      const readOnly = await openAssemblyLine({ log, cacheDir, pipeline, saveCaches: false });
      await writeMuch(readOnly, "b", 110);
      await readOnly.close();
      expect(readFileSync(path).equals(saved)).toBe(true);

      const big = await openAssemblyLine({ log, cacheDir, pipeline });
      await big.close();
      expect(readFileSync(path).equals(saved)).toBe(false);
      expect(readSnapshot(path).header.position).toBe(await log.head());
    },
    SLOW,
  );

  it(
    "ignores a snapshot that is corrupt, of another version, pipeline or log, and folds the whole log",
    async () => {
      const { log, cacheDir } = await factoryFolder();
      const first = await openAssemblyLine({ log, cacheDir, pipeline });
      await writeMuch(first, "a", 110);
      await first.close();
      const path = join(cacheDir, "assembly.snapshot");
      const valid = readSnapshot(path);
      const fresh = await openAssemblyLine({ log, pipeline });
      open.push(fresh);
      const expected = await reading(fresh);
      // Each altered snapshot also lost its work items: a line that trusted it would list none.
      const emptied: SnapshotFile = {
        header: valid.header,
        body: { ...valid.body, state: { ...valid.body.state, items: new Map() } },
      };
      const whole = snapshotBytes(emptied);
      writeFileSync(path, whole);
      const trusting = await openAssemblyLine({ log, cacheDir, pipeline, saveCaches: false });
      expect(trusting.list()).toEqual([]);
      await trusting.close();
      const altered = [
        Buffer.from("not a snapshot"),
        whole.subarray(0, whole.length - 100),
        snapshotBytes(emptied, true),
        snapshotBytes({ ...emptied, header: { ...emptied.header, version: 1 } }),
        snapshotBytes({ ...emptied, header: { ...emptied.header, eventId: "evt_another_log" } }),
        snapshotBytes({ ...emptied, header: { ...emptied.header, pipeline: "another pipeline" } }),
        snapshotBytes({ ...emptied, header: { ...emptied.header, v8: "1.0.0" } }),
        snapshotBytes({ ...emptied, header: { ...emptied.header, position: "12" } as never }),
      ];
      for (const bytes of altered) {
        writeFileSync(path, bytes);
        const line = await openAssemblyLine({ log, cacheDir, pipeline, saveCaches: false });
        expect(await reading(line)).toEqual(expected);
        await line.close();
      }
      expect(existsSync(path)).toBe(true);
    },
    SLOW,
  );
});

/**
 * Suspect-link propagation: a requirement with `LINKS` links downstream (a tree
 * of designs, tasks and tests) changes, and every link below it turns suspect.
 */
import { join } from "node:path";
import {
  type AssemblyLine,
  type NewEvent,
  newId,
  openAssemblyLine,
  openEventLog,
} from "@software-factory/core";
import { clock } from "./clock.js";
import { LINKS } from "./setup.js";

/** Builds the tree in a new log under `root`, changes the requirement, lists suspects, and folds on open. */
export async function propagation(root: string) {
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

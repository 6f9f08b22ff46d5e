import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { type EventLog, makeFolders } from "@software-factory/core";
import { MultiDirectedGraph } from "graphology";
import type { SerializedGraph } from "graphology-types";
import type { FloorEdge, FloorGraphAttributes, FloorGraphology, FloorNode } from "../graphTypes.js";

/** Bump when the fold changes what a graph holds, so older snapshots are refolded. */
const SNAPSHOT_VERSION = 2;
const SNAPSHOT_FILE = "floorplan.snapshot";

interface Snapshot {
  readonly version: number;
  /** Log position the graph reflects. */
  readonly position: number;
  /** Id of the event at that position ("" at 0): a snapshot of another log never matches. */
  readonly eventId: string;
  readonly graph: SerializedGraph<FloorNode, FloorEdge, FloorGraphAttributes>;
}

/**
 * The graph saved in `dir` and the position it reflects, when the snapshot
 * exists, is of this version and was taken from this log; otherwise undefined
 * (the caller folds the whole log).
 */
export async function loadFloorSnapshot(
  log: EventLog,
  dir: string,
): Promise<{ readonly graph: FloorGraphology; readonly position: number } | undefined> {
  const path = join(dir, SNAPSHOT_FILE);
  if (!existsSync(path)) return undefined;
  let snapshot: Snapshot;
  try {
    snapshot = deserialize(readFileSync(path)) as Snapshot;
  } catch {
    return undefined;
  }
  if (
    snapshot.version !== SNAPSHOT_VERSION ||
    (await log.eventIdAt(snapshot.position)) !== snapshot.eventId
  ) {
    return undefined;
  }
  const graph: FloorGraphology = new MultiDirectedGraph();
  graph.import(snapshot.graph);
  return { graph, position: snapshot.position };
}

/** Saves the graph and the position it reflects in `dir` (through a temporary file and a rename). */
export async function saveFloorSnapshot(
  log: EventLog,
  dir: string,
  graph: FloorGraphology,
  position: number,
): Promise<void> {
  const eventId = await log.eventIdAt(position);
  if (eventId === undefined) return;
  const snapshot: Snapshot = { version: SNAPSHOT_VERSION, position, eventId, graph: graph.export() };
  makeFolders(dir);
  const path = join(dir, SNAPSHOT_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, serialize(snapshot));
  renameSync(temporary, path);
}

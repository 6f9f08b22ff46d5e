/**
 * The assembly line's snapshot on disk: its state and the history behind the
 * measures, as folded up to a log position, so an open folds only the newer
 * events. A snapshot that cannot be read, is of another version, was taken
 * over another pipeline or from another log is ignored (the line folds the
 * whole log), never trusted.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { hashJson } from "../../canonicalJson.js";
import type { EventLog } from "../../EventLog.js";
import { makeFolders } from "../../makeFolders.js";
import { replaceFile } from "../../replaceFile.js";
import type { HistoryFolderData } from "../AssemblyHistory.js";
import type { PipelineConfig } from "../Pipeline.js";
import type { AssemblyStateData } from "./AssemblyState.js";

/** Bump when the fold changes what the state or the history holds, so older snapshots are refolded. */
const SNAPSHOT_VERSION = 1;
const SNAPSHOT_FILE = "assembly.snapshot";

/**
 * Events a line folds after its snapshot (or, without one, from the log's
 * start) before its close writes a new one: a CLI run that writes an event
 * or two leaves the snapshot as it is, and the next open folds those few.
 */
export const SAVE_AFTER_EVENTS = 1000;

/** What the file holds, serialized in one piece so objects the maps share stay shared. */
interface Snapshot {
  readonly version: number;
  /** Log position the state reflects. */
  readonly position: number;
  /** Id of the event at that position: a snapshot of another log never matches. */
  readonly eventId: string;
  /** Hash of the pipeline the state was folded over (its stages decide WIP, delivery and suspicion). */
  readonly pipeline: string;
  readonly state: AssemblyStateData;
  readonly history: HistoryFolderData;
}

/** A snapshot read back: the state and history folded up to `position`. */
export interface LoadedSnapshot {
  readonly position: number;
  readonly state: AssemblyStateData;
  readonly history: HistoryFolderData;
}

const STATE_MAPS = ["items", "artifacts", "signals", "deployments", "incidents", "requests"] as const;
const HISTORY_MAPS = ["items", "signals", "artifactItem", "linkFrom", "deployments", "incidents"] as const;

/**
 * The snapshot saved in `dir`, when it exists, reads back whole, is of this
 * version, was folded over `pipeline` and taken from this log (the event at
 * its position has its id); otherwise undefined.
 */
export async function loadAssemblySnapshot(
  log: EventLog,
  dir: string,
  pipeline: PipelineConfig,
): Promise<LoadedSnapshot | undefined> {
  const path = join(dir, SNAPSHOT_FILE);
  if (!existsSync(path)) return undefined;
  let snapshot: Snapshot;
  try {
    snapshot = deserialize(readFileSync(path)) as Snapshot;
  } catch {
    return undefined;
  }
  if (
    !isSnapshot(snapshot) ||
    snapshot.version !== SNAPSHOT_VERSION ||
    snapshot.pipeline !== hashJson(pipeline) ||
    (await log.eventIdAt(snapshot.position).catch(() => undefined)) !== snapshot.eventId
  )
    return undefined;
  return { position: snapshot.position, state: snapshot.state, history: snapshot.history };
}

/** Saves the state and history folded up to `position` in `dir`, replacing the file in one step. */
export async function saveAssemblySnapshot(
  log: EventLog,
  dir: string,
  pipeline: PipelineConfig,
  folded: LoadedSnapshot,
): Promise<void> {
  const eventId = await log.eventIdAt(folded.position);
  if (eventId === undefined) return;
  const snapshot: Snapshot = {
    version: SNAPSHOT_VERSION,
    position: folded.position,
    eventId,
    pipeline: hashJson(pipeline),
    state: folded.state,
    history: folded.history,
  };
  makeFolders(dir);
  await replaceFile(join(dir, SNAPSHOT_FILE), serialize(snapshot));
}

/** Whether a value read back has the shape of a snapshot: its stamps, and the maps of its state and history. */
function isSnapshot(value: unknown): value is Snapshot {
  if (typeof value !== "object" || value === null) return false;
  const { version, position, eventId, pipeline, state, history } = value as Partial<Snapshot>;
  return (
    typeof version === "number" &&
    Number.isInteger(position) &&
    typeof eventId === "string" &&
    typeof pipeline === "string" &&
    typeof state === "object" &&
    state !== null &&
    typeof history === "object" &&
    history !== null &&
    STATE_MAPS.every((key) => state[key] instanceof Map) &&
    state.trace?.links instanceof Map &&
    HISTORY_MAPS.every((key) => history[key] instanceof Map)
  );
}

/**
 * The assembly line's snapshot on disk: its state and the history behind the
 * measures, as folded up to a log position, so an open folds only the newer
 * events. The file is a small header (version, position, the id of the event
 * there, a hash of the pipeline and the event types' versions, the V8
 * version, the body's length and hash) and the body, the state and history
 * serialized with `node:v8`. An open checks the header and the body's hash
 * and keeps the bytes; they are deserialized on the line's first use, so a
 * command that never reads work pays only for reading the file. A snapshot
 * that fails a check is ignored (the line folds the whole log), never
 * trusted.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { hashJson } from "../../canonicalJson.js";
import type { EventLog } from "../../EventLog.js";
import { makeFolders } from "../../makeFolders.js";
import { replaceFile } from "../../replaceFile.js";
import type { HistoryFolderData } from "../AssemblyHistory.js";
import { ASSEMBLY_EVENT_TYPES } from "../assemblyEvents.js";
import type { PipelineConfig } from "../Pipeline.js";
import type { AssemblyStateData } from "./AssemblyState.js";

/** Bump when the fold changes what the state or the history holds, or the file's layout changes, so older snapshots are refolded. */
const SNAPSHOT_VERSION = 2;
const SNAPSHOT_FILE = "assembly.snapshot";
/** Bytes before the header: its length. */
const LENGTH_BYTES = 4;

/**
 * Events a line folds after its snapshot (or, without one, from the log's
 * start) before its close writes a new one: a CLI run that writes an event
 * or two leaves the snapshot as it is, and the next open folds those few.
 */
export const SAVE_AFTER_EVENTS = 1000;

/** The header of the file. */
interface Header {
  readonly version: number;
  /** Log position the state reflects. */
  readonly position: number;
  /** Id of the event at that position: a snapshot of another log never matches. */
  readonly eventId: string;
  /**
   * Hash of what the fold depends on besides the events: the pipeline (its
   * stages decide WIP, delivery and suspicion) and the version of each
   * assembly event type in the log's registry (a new version reads older
   * events through its upcast steps, which the saved state did not).
   */
  readonly pipeline: string;
  /** V8 version that serialized the body: another may not read it back. */
  readonly v8: string;
  /** Length and SHA-1 of the body. */
  readonly bodyBytes: number;
  readonly bodySha1: string;
}

/** The body: state and history serialized in one piece, so objects the maps share stay shared. */
interface Body {
  readonly state: AssemblyStateData;
  readonly history: HistoryFolderData;
}

/** A snapshot whose header and body checked out: its position, and its body, deserialized on the first call. */
export interface LoadedSnapshot {
  readonly position: number;
  readonly body: () => Body;
}

/**
 * The snapshot saved in `dir`, when it exists, its header is of this
 * version, `pipeline`, this V8 and this log (the event at its position has
 * its id), and its body has the length and hash the header says; otherwise
 * undefined.
 */
export async function loadAssemblySnapshot(
  log: EventLog,
  dir: string,
  pipeline: PipelineConfig,
): Promise<LoadedSnapshot | undefined> {
  const path = join(dir, SNAPSHOT_FILE);
  if (!existsSync(path)) return undefined;
  let bytes: Buffer;
  let header: Header;
  let start: number;
  try {
    bytes = readFileSync(path);
    start = LENGTH_BYTES + bytes.readUInt32LE(0);
    header = deserialize(bytes.subarray(LENGTH_BYTES, start)) as Header;
  } catch {
    return undefined;
  }
  if (
    !isHeader(header) ||
    header.version !== SNAPSHOT_VERSION ||
    header.pipeline !== foldKey(log, pipeline) ||
    header.v8 !== process.versions.v8 ||
    header.bodyBytes !== bytes.length - start ||
    header.bodySha1 !== sha1(bytes.subarray(start)) ||
    (await log.eventIdAt(header.position).catch(() => undefined)) !== header.eventId
  )
    return undefined;
  let body: Body | undefined;
  let kept: Buffer | undefined = bytes.subarray(start);
  return {
    position: header.position,
    body: () => {
      if (body === undefined) {
        body = deserialize(kept as Buffer) as Body;
        kept = undefined;
      }
      return body;
    },
  };
}

/** Saves the state and history folded up to `position` in `dir`, replacing the file in one step. */
export async function saveAssemblySnapshot(
  log: EventLog,
  dir: string,
  pipeline: PipelineConfig,
  folded: { readonly position: number } & Body,
): Promise<void> {
  const eventId = await log.eventIdAt(folded.position);
  if (eventId === undefined) return;
  const body = serialize({ state: folded.state, history: folded.history } satisfies Body);
  const header: Header = {
    version: SNAPSHOT_VERSION,
    position: folded.position,
    eventId,
    pipeline: foldKey(log, pipeline),
    v8: process.versions.v8,
    bodyBytes: body.length,
    bodySha1: sha1(body),
  };
  const head = serialize(header);
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeUInt32LE(head.length, 0);
  makeFolders(dir);
  await replaceFile(join(dir, SNAPSHOT_FILE), Buffer.concat([length, head, body]));
}

/** The hash of the pipeline and the assembly event types' versions a header stamps (see `Header.pipeline`). */
function foldKey(log: EventLog, pipeline: PipelineConfig): string {
  const versions = ASSEMBLY_EVENT_TYPES.map((type) => [type, log.registry.get(type)?.version ?? 0]);
  return hashJson({ pipeline, versions });
}

/** Hex SHA-1 of some bytes: a check that the body is the one written, not a defence against forgery. */
function sha1(bytes: Uint8Array): string {
  return createHash("sha1").update(bytes).digest("hex");
}

/** Whether a value read back has the shape of a header. */
function isHeader(value: unknown): value is Header {
  if (typeof value !== "object" || value === null) return false;
  const { version, position, eventId, pipeline, v8, bodyBytes, bodySha1 } = value as Partial<Header>;
  return (
    typeof version === "number" &&
    Number.isInteger(position) &&
    typeof eventId === "string" &&
    typeof pipeline === "string" &&
    typeof v8 === "string" &&
    Number.isInteger(bodyBytes) &&
    typeof bodySha1 === "string"
  );
}

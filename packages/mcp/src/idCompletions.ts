/**
 * Completions of the factory's ids (lines, documents, work items, artifacts,
 * signals), which the resource templates offer for their `{id}`. Each answers
 * every id that starts with the value typed: the MCP SDK sends the first 100
 * as `values`, their count as `total` and `hasMore` when it is over 100, so
 * a completion says how many ids match, not only how many it shows.
 *
 * @module
 */
import type { Factory } from "@software-factory/intelligence";
import { startingWith } from "./resourceContents.js";

/** Completes an id of one kind: every id of the factory that starts with `value`. */
export type IdCompletion = (factory: Factory, value: string) => Promise<string[]>;

/** The ids of the floor plan's lines that start with `value`. */
export const lineIds: IdCompletion = async (factory, value) => {
  await factory.floorplan.refresh();
  return startingWith(
    factory.floorplan.lines().map((line) => line.id),
    value,
  );
};

/** The ids of the current knowledge documents (not retracted, superseded or expired) that start with `value`. */
export const documentIds: IdCompletion = async (factory, value) =>
  startingWith(
    (await factory.knowledge.list({ limit: Number.POSITIVE_INFINITY })).map((document) => document.id),
    value,
  );

/** The ids of the work items, whatever their state, that start with `value`. */
export const workItemIds: IdCompletion = async (factory, value) => {
  await factory.work.refresh();
  return startingWith(
    factory.work.list().map((item) => item.id),
    value,
  );
};

/** The ids of the artifacts that start with `value`. */
export const artifactIds: IdCompletion = async (factory, value) => {
  await factory.work.refresh();
  return startingWith(
    factory.work.artifacts().map((artifact) => artifact.id),
    value,
  );
};

/** The ids of the signals that start with `value`. */
export const signalIds: IdCompletion = async (factory, value) => {
  await factory.work.refresh();
  return startingWith(
    factory.work.signals().map((signal) => signal.id),
    value,
  );
};

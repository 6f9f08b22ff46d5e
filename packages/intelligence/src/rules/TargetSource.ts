/**
 * Where the targets of one kind come from, as {@link Standards} reads them:
 * the contract a source meets, how `addSource` checks one, and the lines a
 * source says a target belongs to.
 *
 * @module
 */
import { aFunction, anObject } from "@software-factory/core";
import { z } from "zod";
import type { Standards } from "./Standards.js";

/** Where the targets of one kind come from (the floor plan's lines, the assembly line's work items...). */
export interface TargetSource<Target = unknown> {
  /** Kind of target it serves (`line`). */
  readonly kind: string;
  /** Every target of the kind. */
  all(): readonly Target[] | Promise<readonly Target[]>;
  /** The target with this id, if any. */
  get(id: string): Target | undefined | Promise<Target | undefined>;
  /** Id of a target. */
  idOf(target: Target): string;
  /**
   * Line or lines a target belongs to, for scorecards and scoping (a line is
   * its own; a knowledge document concerns every line it names, and a finding
   * on it counts against each of them).
   */
  lineOf(target: Target): string | readonly string[] | undefined;
}

/** What {@link Standards.addSource} needs of a source: its kind and its functions. */
export const TargetSourceSchema = anObject("a target source").pipe(
  z.object({
    kind: z.string().min(1),
    all: aFunction,
    get: aFunction,
    idOf: aFunction,
    lineOf: aFunction,
  }),
);

/** The lines a source says a target belongs to, as a list. */
export function linesOfTarget(source: TargetSource, target: unknown): readonly string[] {
  const lines = source.lineOf(target);
  if (lines === undefined) return [];
  return typeof lines === "string" ? [lines] : lines;
}

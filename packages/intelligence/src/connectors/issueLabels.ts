/**
 * What an issue's labels say: its severity as a signal, its kind as a work
 * item, and the line it belongs to.
 *
 * @module
 */
import type { Severity, WorkItemKind } from "@software-factory/core";
import type { Factory } from "../factory/openFactory.js";

const SEVERITIES: readonly Severity[] = ["low", "medium", "high", "critical"];
const PRIORITY: Readonly<Record<string, Severity>> = {
  p0: "critical",
  p1: "high",
  p2: "medium",
  p3: "low",
  p4: "low",
};

/**
 * The severity an issue's labels give a signal, the most severe one winning:
 * `severity:<low|medium|high|critical>` (also `severity/`, `severity::`,
 * `priority:`), `P0` critical, `P1` high, `P2` medium, `P3`/`P4` low,
 * `critical` critical, `bug` high; medium when no label says.
 */
export function severityOfLabels(labels: readonly string[]): Severity {
  let best: Severity | undefined;
  const raise = (severity: Severity | undefined) => {
    if (
      severity !== undefined &&
      (best === undefined || SEVERITIES.indexOf(severity) > SEVERITIES.indexOf(best))
    )
      best = severity;
  };
  for (const label of labels.map((name) => name.trim().toLowerCase())) {
    const scoped = /^(?:severity|priority|sev)\s*(?::{1,2}|\/)\s*(.+)$/.exec(label)?.[1];
    const word = scoped ?? label;
    if ((SEVERITIES as readonly string[]).includes(word)) raise(word as Severity);
    raise(PRIORITY[word]);
    if (label === "bug" || label === "type::bug" || label === "kind/bug") raise("high");
  }
  return best ?? "medium";
}

/** The kind of work an issue's labels make it: `bug`, `chore`, `improvement`/`enhancement`, else a feature. */
export function workItemKindOfLabels(labels: readonly string[]): WorkItemKind {
  const words = labels.map((label) => label.toLowerCase().replace(/^(?:type|kind)\s*(?::{1,2}|\/)\s*/, ""));
  if (words.includes("bug") || words.includes("defect")) return "bug";
  if (words.includes("chore") || words.includes("maintenance")) return "chore";
  if (words.includes("improvement") || words.includes("enhancement")) return "improvement";
  return "feature";
}

/** The line an issue's labels name (`line:<id>`, `line/<id>`, `line::<id>`, or a label that is a line id). */
export function lineOfLabels(
  factory: Factory,
  labels: readonly string[],
): { line?: string; unknown?: string } {
  for (const label of labels) {
    const named = /^line\s*(?::{1,2}|\/)\s*(.+)$/i.exec(label.trim())?.[1];
    if (named !== undefined)
      return factory.floorplan.line(named) === undefined ? { unknown: named } : { line: named };
  }
  const plain = labels.find((label) => factory.floorplan.line(label.trim()) !== undefined);
  return plain === undefined ? {} : { line: plain.trim() };
}

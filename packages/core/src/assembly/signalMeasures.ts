import type { AssemblyHistory, SignalHistory } from "./AssemblyHistory.js";
import { scopeIndexOf } from "./internal/HistoryIndexes.js";
import { shorterOf } from "./internal/ScopeIndex.js";
import { elapsed, HOUR, percentiles, ratio } from "./measureStats.js";
import type { AssemblyMeasures } from "./measures.js";

/**
 * The field operator's measure: what became of the signals captured from
 * `start` to `end` (on `line` at `end`, captured by `operator`, when given)
 * by `end`. Hours to routing end at the first routing: a re-route does not
 * restart them; a routing or resolution stamped before the capture (a
 * writer's clock behind) counts as at once. A line's or an operator's measure reads only the signals
 * ever routed to the line or captured by the operator.
 */
export function measureSignals(
  history: AssemblyHistory,
  start: number,
  end: number,
  line: string | undefined,
  operator: string | undefined,
): AssemblyMeasures["signals"] {
  let captured = 0;
  let routed = 0;
  let turnedIntoWork = 0;
  let resolved = 0;
  const toRoute: number[] = [];
  const toResolve: number[] = [];
  for (const signal of candidates(history, line, operator)) {
    if (signal.capturedAt < start || signal.capturedAt >= end) continue;
    if (line !== undefined && lineAt(signal, end) !== line) continue;
    if (operator !== undefined && signal.capturedBy !== operator) continue;
    captured++;
    if (signal.routedAt !== undefined && signal.routedAt < end) {
      routed++;
      toRoute.push(elapsed(signal.capturedAt, signal.routedAt) / HOUR);
    }
    if (signal.attachments.some((a) => a.at < end && (a.until === undefined || a.until >= end)))
      turnedIntoWork++;
    const resolution = signal.resolutions.find(
      (r) => r.at < end && (r.until === undefined || r.until >= end),
    );
    if (resolution !== undefined) {
      resolved++;
      toResolve.push(elapsed(signal.capturedAt, resolution.at) / HOUR);
    }
  }
  return {
    captured,
    routed,
    turnedIntoWork,
    resolved,
    routedShare: ratio(routed, captured),
    workShare: ratio(turnedIntoWork, captured),
    resolvedShare: ratio(resolved, captured),
    medianHoursToRoute: percentiles(toRoute).p50,
    medianHoursToResolve: percentiles(toResolve).p50,
  };
}

/** The signals that may be in scope, in history order: the shorter of the line's and the operator's. */
function candidates(
  history: AssemblyHistory,
  line: string | undefined,
  operator: string | undefined,
): Iterable<SignalHistory> {
  if (line === undefined && operator === undefined) return history.signals.values();
  const index = scopeIndexOf(history);
  return shorterOf(
    line === undefined ? undefined : (index.signalsByLine.get(line) ?? []),
    operator === undefined ? undefined : (index.signalsByCapturer.get(operator) ?? []),
  );
}

/** The line a signal was on at `at`: its last routing before then. */
function lineAt(signal: SignalHistory, at: number): string | undefined {
  let line: string | undefined;
  for (const routing of signal.routings) if (routing.at < at) line = routing.line;
  return line;
}

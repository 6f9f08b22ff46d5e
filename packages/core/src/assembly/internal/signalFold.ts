/**
 * How the signal events change the assembly line's read model: a signal
 * captured, routed to a line, resolved by a work item's delivery.
 * {@link AssemblyState} folds each into its maps through these; attaching a
 * signal to a work item is the state's, as it changes both.
 *
 * @module
 */
import type { EventData } from "../../EventRegistry.js";
import type { StoredEvent } from "../../EventStore.js";
import type { SignalCaptured, SignalResolved, SignalRouted } from "../assemblyEvents.js";
import type { SignalRecord } from "./AssemblyState.js";
import { notBefore } from "./timestamps.js";

/** Adds the signal `event` captures, routed to no line and attached to no work item yet. */
export function foldSignalCaptured(
  signals: Map<string, SignalRecord>,
  event: StoredEvent<EventData<typeof SignalCaptured>>,
): void {
  const data = event.data;
  signals.set(event.subject, {
    id: event.subject,
    text: data.text,
    source: data.source,
    customer: data.customer,
    severity: data.severity,
    capturedBy: event.actor,
    capturedAt: event.at,
    line: undefined,
    firstRoutedAt: undefined,
    routedAt: undefined,
    routedBy: undefined,
    workItems: [],
    resolvedAt: undefined,
  });
}

/** Routes a signal to the line `event` names; its first routing's time stays. */
export function foldSignalRouted(
  signals: ReadonlyMap<string, SignalRecord>,
  event: StoredEvent<EventData<typeof SignalRouted>>,
): void {
  const signal = signals.get(event.subject);
  if (signal === undefined) return;
  const at = notBefore(event.at, signal.routedAt ?? signal.capturedAt);
  signal.line = event.data.line;
  signal.firstRoutedAt ??= at;
  signal.routedAt = at;
  signal.routedBy = event.actor;
}

/** Resolves a signal once, noting in `resolvedBy` the work item whose delivery resolved it; a later resolution changes nothing. */
export function foldSignalResolved(
  signals: ReadonlyMap<string, SignalRecord>,
  resolvedBy: Map<string, string>,
  event: StoredEvent<EventData<typeof SignalResolved>>,
): void {
  const signal = signals.get(event.subject);
  if (signal === undefined || signal.resolvedAt !== undefined) return;
  signal.resolvedAt = notBefore(event.at, signal.capturedAt);
  resolvedBy.set(signal.id, event.data.workItem);
}

/**
 * A work item's trace as `factory://work/{id}` shows it: each artifact's
 * fields and each signal's text cut to {@link SHOWN_CHARACTERS}, and the
 * first {@link SHOWN_SIGNALS} signals with the count of all, each cut saying
 * where it reads whole.
 *
 * @module
 */
import { type Artifact, cutText, type Signal, type Trace } from "@software-factory/core";

/**
 * Characters of an artifact's field (its text, or the JSON of another value)
 * or of a signal's text `factory://work/{id}` shows: a work item whose design
 * had a 192,000-character body read as 197,447 characters.
 */
const SHOWN_CHARACTERS = 500;

/**
 * Signals of a work item `factory://work/{id}` shows: an item of 1,000 signals
 * of 10,000 characters read as some 10 MB.
 */
export const SHOWN_SIGNALS = 20;

/** The uri that reads the artifact `id` with its fields whole. */
export const artifactUri = (id: string) => `factory://artifacts/${encodeURIComponent(id)}`;

/** The uri that reads the signal `id` with its text whole. */
export const signalUri = (id: string) => `factory://signals/${encodeURIComponent(id)}`;

/**
 * `text` whole when it is at most {@link SHOWN_CHARACTERS}, else its first
 * characters and `... (cut: the <what> is N characters<asJson>; <uri> reads it whole)`.
 */
function shownText(text: string, what: string, uri: string, asJson = ""): string {
  if (text.length <= SHOWN_CHARACTERS) return text;
  return `${cutText(text, SHOWN_CHARACTERS)}... (cut: the ${what} is ${text.length.toLocaleString("en-US")} characters${asJson}; ${uri} reads it whole)`;
}

/** A field of the artifact `id`: a string as {@link shownText}, another value whole when its JSON is short, else its JSON cut. */
function shownField(id: string, value: unknown): unknown {
  if (typeof value === "string") return shownText(value, "field", artifactUri(id));
  const text = JSON.stringify(value) ?? "";
  return text.length <= SHOWN_CHARACTERS ? value : shownText(text, "field", artifactUri(id), " as JSON");
}

/** `artifact` with each field shown as {@link shownField} shows it. */
const shownArtifact = (artifact: Artifact): Artifact => ({
  ...artifact,
  fields: Object.fromEntries(
    Object.entries(artifact.fields).map(([name, value]) => [name, shownField(artifact.id, value)]),
  ),
});

/** `signal` with its text as {@link shownText} shows it. */
const shownSignal = (signal: Signal): Signal => ({
  ...signal,
  text: shownText(signal.text, "text", signalUri(signal.id)),
});

/**
 * `trace` without its item (the work item again), its artifacts and its first
 * {@link SHOWN_SIGNALS} signals shown cut, `signalCount`, and, when signals
 * are left out, `moreSignals` saying where the others are named and read.
 */
export function shownTrace(trace: Trace) {
  const { item: _again, artifacts, signals, ...rest } = trace;
  const left = signals.length - SHOWN_SIGNALS;
  return {
    signals: signals.slice(0, SHOWN_SIGNALS).map(shownSignal),
    signalCount: signals.length,
    ...(left > 0
      ? {
          moreSignals: `${left.toLocaleString("en-US")} more signals: workItem.signals and trace.upstream name them, factory://signals/{id} reads one`,
        }
      : {}),
    artifacts: artifacts.map(shownArtifact),
    ...rest,
  };
}

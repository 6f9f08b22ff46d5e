/**
 * A work item's trace as `factory://work/{id}` shows it: each artifact's
 * fields and each signal's text cut to {@link SHOWN_CHARACTERS}, and the
 * first of its signals, artifacts and links with the count of each, each cut
 * saying where the rest is read.
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
 * of 10,000 characters read as 10,494,724 characters, 62,049 now.
 */
const SHOWN_SIGNALS = 20;

/**
 * Artifacts of a work item's trace `factory://work/{id}` shows: with
 * {@link SHOWN_LINKS}, an item whose requirement 500 change sets implement
 * read as 422,143 characters, 68,431 with both.
 */
const SHOWN_ARTIFACTS = 50;

/** Trace links of a work item's trace `factory://work/{id}` shows. */
const SHOWN_LINKS = 100;

/** The uri that reads the artifact `id` with its fields whole. */
const artifactUri = (id: string) => `factory://artifacts/${encodeURIComponent(id)}`;

/** The uri that reads the signal `id` with its text whole. */
const signalUri = (id: string) => `factory://signals/${encodeURIComponent(id)}`;

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
 * The first `max` of `items` shown with `show`, how many there are, and, when
 * some are left out, a note: `N more <noun>: <where>`.
 */
function firstOf<T>(items: readonly T[], max: number, show: (item: T) => T, noun: string, where: string) {
  const left = items.length - max;
  return {
    shown: items.slice(0, max).map(show),
    count: items.length,
    ...(left > 0 ? { more: `${left.toLocaleString("en-US")} more ${noun}: ${where}` } : {}),
  };
}

/**
 * `trace` without its item (the work item again): its first
 * {@link SHOWN_SIGNALS} signals, {@link SHOWN_ARTIFACTS} artifacts and
 * {@link SHOWN_LINKS} links, signals and artifacts shown cut, the count of
 * each (`signalCount`...), and, for each list cut, a note (`moreSignals`...)
 * saying where the others are named and read.
 */
export function shownTrace(trace: Trace) {
  const { item: _again, signals, artifacts, links, ...reached } = trace;
  const shownSignals = firstOf(
    signals,
    SHOWN_SIGNALS,
    shownSignal,
    "signals",
    "workItem.signals and trace.upstream name them, factory://signals/{id} reads one",
  );
  const shownArtifacts = firstOf(
    artifacts,
    SHOWN_ARTIFACTS,
    shownArtifact,
    "artifacts",
    "trace.upstream and trace.downstream name them, factory://artifacts/{id} reads one",
  );
  const shownLinks = firstOf(
    links,
    SHOWN_LINKS,
    (link) => link,
    "links",
    "trace.upstream and trace.downstream name the ends they reach",
  );
  return {
    signals: shownSignals.shown,
    signalCount: shownSignals.count,
    ...(shownSignals.more === undefined ? {} : { moreSignals: shownSignals.more }),
    artifacts: shownArtifacts.shown,
    artifactCount: shownArtifacts.count,
    ...(shownArtifacts.more === undefined ? {} : { moreArtifacts: shownArtifacts.more }),
    links: shownLinks.shown,
    linkCount: shownLinks.count,
    ...(shownLinks.more === undefined ? {} : { moreLinks: shownLinks.more }),
    ...reached,
  };
}

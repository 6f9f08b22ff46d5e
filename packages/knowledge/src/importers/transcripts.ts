/**
 * Meeting transcripts: WebVTT and plain speaker-prefixed text.
 *
 * @module
 */
import type { CaptureInput } from "../schemas.js";

/** One turn of a conversation. */
export interface Turn {
  readonly speaker: string;
  readonly text: string;
  /** Offset from the start of the recording, `hh:mm:ss`, when the transcript has times. */
  readonly at?: string;
}

/** A parsed transcript. */
export interface Transcript {
  readonly turns: readonly Turn[];
  /** Distinct speakers in order of first appearance. */
  readonly speakers: readonly string[];
}

const CUE_TIME = /^(\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}\s+-->\s+/;
const VOICE = /^<v(?:\.[^ >]*)?\s+([^>]+)>([\s\S]*?)(?:<\/v>)?$/;
const SPEAKER_LINE = /^(?:\[?(\d{1,2}:\d{2}(?::\d{2})?)\]?\s+)?([\p{L}][\p{L}\p{N} .'_-]{0,60}?):\s+(.+)$/u;

/**
 * Parses a transcript: WebVTT (speakers from `<v Name>` tags or `Name:`
 * prefixes) or plain text with `Name: words` lines (optionally `[00:01:02]`
 * before the name). Consecutive lines of one speaker are merged into a turn;
 * lines without a speaker continue the previous turn.
 */
export function parseTranscript(text: string): Transcript {
  const isVtt = /^\uFEFF?WEBVTT/.test(text);
  const turns: { speaker: string; text: string; at?: string }[] = [];
  let at: string | undefined;
  const add = (speaker: string | undefined, words: string): void => {
    const clean = words.replace(/<[^>]+>/g, "").trim();
    if (clean === "") return;
    const last = turns.at(-1);
    if (last !== undefined && (speaker === undefined || speaker === last.speaker)) {
      last.text = `${last.text} ${clean}`;
      return;
    }
    turns.push({ speaker: speaker ?? "unknown", text: clean, ...(at === undefined ? {} : { at }) });
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") continue;
    if (isVtt) {
      if (/^(WEBVTT|NOTE|STYLE|REGION)\b/.test(line) || /^\d+$/.test(line)) continue;
      if (CUE_TIME.test(line)) {
        at = line.split(/\s+/)[0]?.replace(/[.,]\d{3}$/, "");
        continue;
      }
      const voice = VOICE.exec(line);
      if (voice !== null) {
        add((voice[1] as string).trim(), voice[2] as string);
        continue;
      }
    }
    const spoken = SPEAKER_LINE.exec(line);
    if (spoken !== null) {
      if (spoken[1] !== undefined) at = spoken[1];
      add((spoken[2] as string).trim(), spoken[3] as string);
    } else {
      add(undefined, line);
    }
  }
  return { turns, speakers: [...new Set(turns.map((turn) => turn.speaker))] };
}

/** Markdown of a transcript: one paragraph per turn, `**Speaker** (time): words`. */
export function transcriptMarkdown(transcript: Transcript): string {
  return transcript.turns
    .map((turn) => `**${turn.speaker}**${turn.at === undefined ? "" : ` (${turn.at})`}: ${turn.text}`)
    .join("\n\n");
}

/**
 * A `conversation` document for a transcript, ready for `KnowledgeBase.capture`;
 * the speakers become `speaker:<name>` tags.
 */
export function transcriptDocument(
  text: string,
  details: Pick<CaptureInput, "title" | "source"> & Partial<Pick<CaptureInput, "lines" | "tags" | "links">>,
): CaptureInput {
  const transcript = parseTranscript(text);
  const speakerTags = transcript.speakers.map(
    (speaker) => `speaker:${speaker.replace(/\s+/g, "-").toLowerCase()}`,
  );
  return {
    kind: "conversation",
    title: details.title,
    body: transcriptMarkdown(transcript),
    source: details.source,
    tags: [...new Set([...(details.tags ?? []), ...speakerTags])],
    lines: details.lines ?? [],
    links: details.links ?? [],
  };
}

/**
 * Meeting transcripts: WebVTT, SubRip and plain speaker-prefixed text.
 *
 * @module
 */
import { anObject, checkArguments, cutText } from "@software-factory/core";
import { aTranscript, Text } from "../internal/arguments.js";
import type { CaptureInput } from "../schemas.js";

/** One turn of a conversation. */
export interface Turn {
  /** Who spoke, as the transcript names them (`unknown` when it names nobody). */
  readonly speaker: string;
  /** What they said: consecutive lines of the same speaker joined with spaces, markup removed. */
  readonly text: string;
  /** Offset from the start of the recording as the transcript wrote it (`hh:mm:ss`, or `mm:ss`), when it has times. */
  readonly at?: string;
}

/** A parsed transcript. */
export interface Transcript {
  /** The turns, in order. */
  readonly turns: readonly Turn[];
  /** Distinct speakers in order of first appearance. */
  readonly speakers: readonly string[];
}

const CUE_TIME = /^(\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}\s+-->\s+/;
/** SubRip (`.srt`): a first cue's number on its own line, then its timing line. */
const SRT_START = /^\uFEFF?\s*\d+[ \t]*\r?\n[ \t]*(\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}\s+-->\s+/;
/** A WebVTT block that carries no cue: a comment, a style sheet, a region definition. */
const NON_CUE_BLOCK = /^(NOTE|STYLE|REGION)(\s|$)/;
const VOICE_TAG = /<v(?:\.[^\s>]*)?\s+([^>]+)>/g;
/** A time on a line of its own (Google Meet's transcript marks every few minutes so: `00:05:12`). */
const TIME_LINE = /^\[?(\d{1,2}:\d{2}(?::\d{2})?)\]?$/;
/** A speaker's heading line of its own, with the time after two spaces or a tab (Otter's export: `Ana Diaz  1:02`). */
const SPEAKER_HEADING = /^([\p{L}][\p{L}\p{N} .'_-]{0,60}?)(?:\t|[ \t]{2,})(\d{1,2}:\d{2}(?::\d{2})?)$/u;
/** A `Name: words` line; a name may hold a part in parentheses, as Zoom shows pronouns and teams (`Ana Diaz (she/her)`). */
const SPEAKER_LINE =
  /^(?:\[?(\d{1,2}:\d{2}(?::\d{2})?)\]?\s+)?([\p{L}][\p{L}\p{N} .'_-]{0,60}?(?:\s*\([^():]{1,40}\))?):\s+(.+)$/u;
const ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  lrm: "",
  rlm: "",
};

/**
 * Parses a transcript: WebVTT (speakers from `<v Name>` tags or `Name:`
 * prefixes), SubRip (`.srt`: numbered cues, speakers from `Name:` prefixes)
 * or plain text with `Name: words` lines (optionally `[00:01:02]` before the
 * name) or speaker headings, a line of a name and a time after two spaces or
 * a tab (`Ana Diaz  1:02`, as Otter exports), whose speaker says the lines
 * up to the next blank line; a time on a line of its own (`00:05:12`, as
 * Google Meet marks its transcripts) is the time of the turns after it.
 * Consecutive lines of one speaker are merged into a turn; lines
 * without a speaker continue the previous turn. In WebVTT and SubRip, the
 * cue numbers or identifiers and timing lines are left out (a turn's time is
 * its first cue's start); in WebVTT, the header and `NOTE`, `STYLE` and
 * `REGION` blocks too, a line with several voices is split between them, and
 * character references (`&amp;`, `&#39;`) are decoded.
 *
 * @throws ValidationError naming `text` when it is not a string.
 */
export function parseTranscript(text: string): Transcript {
  checkArguments("parseTranscript", { text: [Text, text] });
  const isVtt = /^\uFEFF?WEBVTT/.test(text);
  // Cues (WebVTT, SubRip): timing lines and cue numbers are no words.
  const hasCues = isVtt || SRT_START.test(text);
  const turns: { speaker: string; text: string; at?: string }[] = [];
  let at: string | undefined;
  const add = (speaker: string | undefined, words: string): void => {
    const stripped = words.replace(/<[^>]+>/g, "");
    const clean = (isVtt ? decodeReferences(stripped) : stripped).trim();
    if (clean === "") return;
    const last = turns.at(-1);
    if (last !== undefined && (speaker === undefined || speaker === last.speaker)) {
      last.text = `${last.text} ${clean}`;
      return;
    }
    turns.push({ speaker: speaker ?? "unknown", text: clean, ...(at === undefined ? {} : { at }) });
  };
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  // In WebVTT, the block being skipped (the header first, then comments, styles, regions) until a blank line.
  let skipping = isVtt;
  // In plain text, the speaker of a heading line (`Ana Diaz  1:02`) until a blank line.
  let heading: string | undefined;
  for (const [index, line] of lines.entries()) {
    if (line === "") {
      skipping = false;
      heading = undefined;
      continue;
    }
    if (hasCues) {
      // A timing line starts a cue even where a blank line is missing (no comment, style or region holds "-->").
      if (CUE_TIME.test(line)) {
        at = line.split(/\s+/)[0]?.replace(/[.,]\d{3}$/, "");
        skipping = false;
        continue;
      }
      if (skipping) continue;
      const startsBlock = index === 0 || lines[index - 1] === "";
      if (startsBlock && NON_CUE_BLOCK.test(line)) {
        skipping = true;
        continue;
      }
      // A cue identifier: the line of its own before a cue's timing line.
      if (startsBlock && CUE_TIME.test(lines[index + 1] ?? "")) continue;
      const voices = [...line.matchAll(VOICE_TAG)];
      if (voices.length > 0) {
        add(undefined, line.slice(0, voices[0]?.index));
        for (const [number, voice] of voices.entries()) {
          const end = voices[number + 1]?.index ?? line.length;
          add((voice[1] as string).trim(), line.slice(voice.index + voice[0].length, end));
        }
        continue;
      }
    }
    const time = hasCues ? null : TIME_LINE.exec(line);
    if (time !== null) {
      at = time[1];
      continue;
    }
    const headed = hasCues ? null : SPEAKER_HEADING.exec(line);
    if (headed !== null) {
      heading = (headed[1] as string).trim();
      at = headed[2];
      continue;
    }
    // A paragraph under a heading is its speaker's words, a `Word:` in it too.
    if (heading !== undefined) {
      add(heading, line);
      continue;
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

/** Decodes the character references WebVTT text uses (named ones of its spec, and numeric ones). */
function decodeReferences(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (reference, name: string) => {
    if (name.startsWith("#")) {
      const code =
        name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : reference;
    }
    return ENTITIES[name.toLowerCase()] ?? reference;
  });
}

/** The tag of a speaker: `speaker:` and the name in lower case, runs of other characters than letters, digits, `_` and `.` made `-`. */
function speakerTag(speaker: string): string | undefined {
  const name = cutText(
    speaker
      .normalize("NFC")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_.]+/gu, "-")
      .replace(/^-+|-+$/g, ""),
    72,
  );
  return name === "" ? undefined : `speaker:${name}`;
}

/**
 * Markdown of a transcript: one paragraph per turn, `**Speaker** (time): words`.
 *
 * @throws ValidationError naming `transcript` when it is not a transcript.
 */
export function transcriptMarkdown(transcript: Transcript): string {
  checkArguments("transcriptMarkdown", { transcript: [aTranscript, transcript] });
  return transcript.turns
    .map((turn) => `**${turn.speaker}**${turn.at === undefined ? "" : ` (${turn.at})`}: ${turn.text}`)
    .join("\n\n");
}

/**
 * A `conversation` document for a transcript, ready for `KnowledgeBase.capture`;
 * the speakers become `speaker:<name>` tags (`Sean O'Brien` → `speaker:sean-o-brien`).
 *
 * @throws ValidationError naming `text` or `details` when one is not a string or an object.
 */
export function transcriptDocument(
  text: string,
  details: Pick<CaptureInput, "title" | "source"> & Partial<Pick<CaptureInput, "lines" | "tags" | "links">>,
): CaptureInput {
  checkArguments("transcriptDocument", {
    text: [Text, text],
    details: [anObject("the document's details (title, source, ...)"), details],
  });
  const transcript = parseTranscript(text);
  const speakerTags = transcript.speakers.flatMap((speaker) => speakerTag(speaker) ?? []);
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

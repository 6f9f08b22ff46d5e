/**
 * Meeting transcripts: WebVTT, SubRip and plain speaker-prefixed text.
 *
 * @module
 */
import { anObject, checkArguments, cutText } from "@software-factory/core";
import { z } from "zod";
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

/** A line of a transcript left out for what is wrong with it. */
export interface TranscriptWarning {
  /** Its 1-based line in the text. */
  readonly line: number;
  /** What was wrong with it and what was done, in words. */
  readonly message: string;
}

/** A parsed transcript. */
export interface Transcript {
  /** The turns, in order. */
  readonly turns: readonly Turn[];
  /** Distinct speakers in order of first appearance. */
  readonly speakers: readonly string[];
  /** The lines left out for being malformed (a cue timing line whose times do not parse), in order. */
  readonly warnings: readonly TranscriptWarning[];
}

/** A cue's start or end: `hh:mm:ss.ttt` (hours of any number of digits) or `mm:ss.ttt`, `,` before the milliseconds in SubRip. */
const TIMESTAMP = String.raw`(?:\d+:)?[0-5]\d:[0-5]\d[.,]\d{3}`;
/** A cue's timing line: its start, `-->` (spaces around it optional, as browsers read it) and its end, then WebVTT's cue settings or SubRip's coordinates. */
const CUE_TIMING = new RegExp(String.raw`^(${TIMESTAMP})[ \t]*-->[ \t]*${TIMESTAMP}(?:[ \t].*)?$`);
/** A cue timing line in shape: in WebVTT, a line holding `-->` is a cue's timing line, and no other line may hold it. */
const TIMING_SHAPE = /-->/;
/** SubRip (`.srt`): a first cue's number on its own line, then its timing line. */
const SRT_START = /^\uFEFF?\s*\d+[ \t]*\r?\n[^\r\n]*-->/;
/** A WebVTT block that carries no cue: a comment, a style sheet, a region definition. */
const NON_CUE_BLOCK = /^(NOTE|STYLE|REGION)(\s|$)/;
const VOICE_TAG = /<v(?:\.[^\s>]*)?\s+([^>]+)>/g;
/** A time on a line of its own (Google Meet's transcript marks every few minutes so: `00:05:12`). */
const TIME_LINE = /^\[?(\d{1,2}:\d{2}(?::\d{2})?)\]?$/;
/** A speaker's heading line of its own, with the time after two spaces or a tab (Otter's export: `Ana Diaz  1:02`). */
const SPEAKER_HEADING = /^([\p{L}][\p{L}\p{N} .'_-]{0,60}?)(?:\t|[ \t]{2,})(\d{1,2}:\d{2}(?::\d{2})?)$/u;
/**
 * A `Name: words` line; a name may hold a part in parentheses, as Zoom shows
 * pronouns and teams (`Ana Diaz (she/her)`). Japanese and Chinese notes write
 * the full-width colon, with no space after it (`田中：はい`).
 */
const SPEAKER_LINE =
  /^(?:\[?(\d{1,2}:\d{2}(?::\d{2})?)\]?\s+)?([\p{L}][\p{L}\p{N} .'_-]{0,60}?(?:\s*\([^():]{1,40}\))?)(?::\s+|\s*\uFF1A\s*)(\S.*)$/u;

/** A speaker's pronouns in parentheses (`(she/her)`, `(they/them)`), which are not part of who they are in a tag. */
const PRONOUNS =
  /\s*\((?:he|him|his|she|her|hers|they|them|theirs|ze|zir|xe|xem|it|its|any)(?:\s*\/\s*(?:he|him|his|she|her|hers|they|them|theirs|ze|zir|xe|xem|it|its|any))+\)/giu;
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
 * character references (`&amp;`, `&#39;`) are decoded. A line holding `-->`
 * whose times do not parse (`99:99 --> x`, `00:61:00.000 --> 00:62:00.000`:
 * minutes and seconds run to 59) is left out with a warning naming its line,
 * and its cue's words have no time rather than the time of the cue before.
 *
 * Plain text in which no line names a speaker (no `Name: words` line, no
 * speaker heading: prose, a markdown page) holds no turns, as an empty text
 * does: it is no transcript, and the importers refuse it rather than store
 * it flattened as the words of an `unknown` speaker.
 *
 * @throws ValidationError naming `text` when it is not a string.
 */
export function parseTranscript(text: string): Transcript {
  checkArguments("parseTranscript", { text: [Text, text] });
  const isVtt = /^\uFEFF?WEBVTT/.test(text);
  // Cues (WebVTT, SubRip): timing lines and cue numbers are no words.
  const hasCues = isVtt || SRT_START.test(text);
  const turns: { speaker: string; text: string; at?: string }[] = [];
  const warnings: TranscriptWarning[] = [];
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
  // In plain text, whether a line named a speaker: without one, the text is no transcript.
  let named = false;
  for (const [index, line] of lines.entries()) {
    if (line === "") {
      skipping = false;
      heading = undefined;
      continue;
    }
    if (hasCues) {
      // A timing line starts a cue even where a blank line is missing (no comment, style or region holds "-->").
      if (TIMING_SHAPE.test(line)) {
        const start = CUE_TIMING.exec(line)?.[1];
        at = start?.replace(/[.,]\d{3}$/, "");
        if (start === undefined) warnings.push({ line: index + 1, message: malformedTiming(line, isVtt) });
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
      if (startsBlock && TIMING_SHAPE.test(lines[index + 1] ?? "")) continue;
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
      named = true;
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
      named = true;
      if (spoken[1] !== undefined) at = spoken[1];
      add((spoken[2] as string).trim(), spoken[3] as string);
    } else {
      add(undefined, line);
    }
  }
  if (!hasCues && !named) return { turns: [], speakers: [], warnings };
  return { turns, speakers: [...new Set(turns.map((turn) => turn.speaker))], warnings };
}

/** Why a line holding `-->` was left out: its times do not parse (the forms WebVTT's or SubRip's, by `isVtt`). */
function malformedTiming(line: string, isVtt: boolean): string {
  const forms = isVtt ? "hh:mm:ss.ttt --> hh:mm:ss.ttt, hours optional" : "hh:mm:ss,ttt --> hh:mm:ss,ttt";
  return `${JSON.stringify(cutText(line, 80, "..."))} is a cue timing line whose times do not parse (${forms}, minutes and seconds up to 59): left out, and the words of its cue have no time`;
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

/**
 * The tag of a speaker: `speaker:` and the name in lower case without its
 * pronouns (so `Ana Diaz (she/her)` and `Ana Diaz` are one tag), runs of
 * other characters than letters, digits, `_` and `.` made `-`.
 */
function speakerTag(speaker: string): string | undefined {
  const name = cutText(
    speaker
      .replace(PRONOUNS, "")
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
export function transcriptMarkdown(transcript: Pick<Transcript, "turns">): string {
  checkArguments("transcriptMarkdown", { transcript: [aTranscript, transcript] });
  return transcript.turns.map(paragraphOf).join("\n\n");
}

/**
 * A `conversation` document for a transcript, ready for `KnowledgeBase.capture`;
 * the speakers become `speaker:<name>` tags (`Sean O'Brien` → `speaker:sean-o-brien`).
 * A transcript whose markdown is over a document's 2,000,000 characters
 * (an all-day recording) makes a body the knowledge base refuses:
 * {@link transcriptParts} splits it into documents within the limit.
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
  return conversationOf(parseTranscript(text), details);
}

/** The `conversation` document of a transcript (or of a part of one), its speakers as tags. */
function conversationOf(
  transcript: Pick<Transcript, "turns" | "speakers">,
  details: TranscriptDetails,
): CaptureInput {
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

/** What a transcript's document is made with besides its text. */
type TranscriptDetails = Pick<CaptureInput, "title" | "source"> &
  Partial<Pick<CaptureInput, "lines" | "tags" | "links">>;

/** The most characters a document's body holds: the knowledge base refuses a longer one. */
const BODY_MAX = 2_000_000;
/** The most characters a document's title holds. */
const TITLE_MAX = 500;

/**
 * The details {@link transcriptParts} reads itself (a part's title and
 * address are made from them): an object whose `title` is text and whose
 * `source.uri`, when given, is text; the rest is the capture's to check.
 */
const PartDetailsArgument = anObject("the document's details (title, source, ...)").pipe(
  z.looseObject({
    title: z.string(),
    source: z.looseObject({ uri: z.string().optional() }).optional(),
  }),
);

/** One document of a transcript, as {@link transcriptParts} splits it. */
export interface TranscriptPart {
  /** The `conversation` document of this part, ready for `KnowledgeBase.captureOrRevise` (or `capture`). */
  readonly document: CaptureInput;
  /** Which part it is, from 1. */
  readonly part: number;
  /** How many parts the transcript makes (1 when it fits one document). */
  readonly parts: number;
  /** The speakers of this part, in order of first appearance. */
  readonly speakers: readonly string[];
  /** How many turns this part has (a turn too long for one document counts in each part it spans). */
  readonly turns: number;
}

/**
 * A transcript as `conversation` documents, each within a document's
 * 2,000,000 characters of body: one document, as {@link transcriptDocument}
 * makes it, when it fits; else parts split between turns, each holding as
 * many turns as fit, titled `<title> (part 2 of 3)` and tagged with its own
 * speakers. A single turn longer than a document (the cues of a recording
 * transcribed without speakers are one turn) is cut between words and goes
 * on, same speaker and time, in the next part.
 *
 * The same text always splits the same way, and each part has its own
 * address: part 1 keeps `details.source.uri` (so a transcript that grows past
 * the limit keeps its document as part 1), part 2 and on add `#part-2`,
 * `#part-3`..., so `captureOrRevise` of the parts again writes nothing.
 *
 * @throws ValidationError naming `text` or `details` when one is not a string or an object, or `details.title` (`details.source.uri`) when it is not a string.
 * @example
 * ```ts
 * const source = { system: "transcript", uri: "workshop.vtt" };
 * for (const { document } of transcriptParts(text, { title: "Workshop", source })) await kb.capture(document);
 * ```
 */
export function transcriptParts(
  text: string,
  details: Pick<CaptureInput, "title" | "source"> & Partial<Pick<CaptureInput, "lines" | "tags" | "links">>,
): TranscriptPart[] {
  checkArguments("transcriptParts", {
    text: [Text, text],
    details: [PartDetailsArgument, details],
  });
  const transcript = parseTranscript(text);
  const groups = turnsWithin(transcript.turns.flatMap(turnPieces));
  return groups.map((turns, index) => {
    const part = index + 1;
    const speakers = [...new Set(turns.map((turn) => turn.speaker))];
    const document = conversationOf(
      { turns, speakers },
      groups.length === 1 ? details : partDetails(details, part, groups.length),
    );
    return { document, part, parts: groups.length, speakers, turns: turns.length };
  });
}

/** The title and address of a part: `<title> (part 2 of 3)` (the title cut to fit), the address with `#part-2` after part 1. */
function partDetails(details: TranscriptDetails, part: number, parts: number): TranscriptDetails {
  const suffix = ` (part ${part} of ${parts})`;
  const title = `${cutText(details.title.trim(), TITLE_MAX - suffix.length).trimEnd()}${suffix}`;
  const uri = details.source?.uri;
  const source =
    details.source === undefined || uri === undefined || part === 1
      ? details.source
      : { ...details.source, uri: `${uri}#part-${part}` };
  return { ...details, title, ...(source === undefined ? {} : { source }) };
}

/** A paragraph of a turn in a transcript's markdown, as {@link transcriptMarkdown} writes it. */
function paragraphOf(turn: Turn): string {
  return `**${turn.speaker}**${turn.at === undefined ? "" : ` (${turn.at})`}: ${turn.text}`;
}

/** A turn as turns whose paragraphs each fit a document: itself, or its words cut between words (at a character, when a word is longer). */
function turnPieces(turn: Turn): Turn[] {
  const room = BODY_MAX - paragraphOf({ ...turn, text: "" }).length;
  if (turn.text.length <= room) return [turn];
  const pieces: Turn[] = [];
  let rest = turn.text;
  while (rest.length > room) {
    let end = rest.lastIndexOf(" ", room);
    if (end <= 0) end = /[\uD800-\uDBFF]/.test(rest[room - 1] ?? "") ? room - 1 : room;
    pieces.push({ ...turn, text: rest.slice(0, end).trimEnd() });
    rest = rest.slice(end).trimStart();
  }
  if (rest !== "") pieces.push({ ...turn, text: rest });
  return pieces;
}

/** Turns grouped in order, as many in each group as fit a document's body (paragraphs joined by a blank line). */
function turnsWithin(turns: readonly Turn[]): Turn[][] {
  const groups: Turn[][] = [[]];
  let length = 0;
  for (const turn of turns) {
    const paragraph = paragraphOf(turn).length;
    const group = groups.at(-1) as Turn[];
    if (group.length > 0 && length + 2 + paragraph > BODY_MAX) {
      groups.push([turn]);
      length = paragraph;
    } else {
      group.push(turn);
      length += (group.length > 1 ? 2 : 0) + paragraph;
    }
  }
  return groups;
}

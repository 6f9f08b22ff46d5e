/**
 * Text the factory takes from users and shows back. Reading bytes as text:
 * files users hand to the factory (factory.yaml, CODEOWNERS, SKILL.md,
 * markdown) must be UTF-8 and hold no NUL byte; bytes that are not would
 * otherwise become U+FFFD without a word. One line shown to people and agents
 * (a title) holds no control character and no bidi override or isolate,
 * which would break the line, repaint a terminal or reorder what is read.
 * Text cut to a limit is never cut inside a surrogate pair.
 *
 * @module
 */
import { isUtf8 } from "node:buffer";
import { z } from "zod";
import { checkArguments } from "./checkArguments.js";

/** Why bytes are not text, and where the first offending byte is (1-based line and column). */
export interface NotText {
  /** `binary`: a NUL byte; `not-utf8`: bytes that are not UTF-8. */
  readonly reason: "binary" | "not-utf8";
  /** Line of the first offending byte. */
  readonly line: number;
  /** Column of that byte, in characters of its line. */
  readonly column: number;
  /** What is wrong, to follow a file name: `is a binary file (it holds a NUL byte), not text`. */
  readonly message: string;
}

const NEWLINE = 0x0a;

/**
 * The text of UTF-8 bytes without NUL bytes, or where and why they are not
 * such text. A leading byte order mark is dropped.
 *
 * @example
 * ```ts
 * const read = decodeText(readFileSync("CODEOWNERS"));
 * if ("notText" in read) throw new Error(`CODEOWNERS:${read.notText.line}: ${read.notText.message}`);
 * ```
 */
export function decodeText(bytes: Uint8Array):
  | {
      /** The decoded text, when the bytes are UTF-8 and hold no NUL byte. */
      readonly text: string;
    }
  | {
      /** Why the bytes are not text, and where the first offending byte is. */
      readonly notText: NotText;
    } {
  const nul = bytes.indexOf(0);
  if (nul !== -1)
    return {
      notText: {
        reason: "binary",
        ...position(bytes, nul),
        message: "is a binary file (it holds a NUL byte), not text",
      },
    };
  if (!isUtf8(bytes))
    return {
      notText: {
        reason: "not-utf8",
        ...position(bytes, firstBadOffset(bytes)),
        message: "is not UTF-8 text (save it as UTF-8)",
      },
    };
  return { text: new TextDecoder("utf-8").decode(bytes) };
}

/** Offset of the first byte of the first sequence that is not UTF-8 (an incomplete one at the end included). */
function firstBadOffset(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let sequenceStart = 0;
  for (let offset = 0; offset < bytes.length; offset++) {
    try {
      if (decoder.decode(bytes.subarray(offset, offset + 1), { stream: true }) !== "")
        sequenceStart = offset + 1;
    } catch {
      return sequenceStart;
    }
  }
  return sequenceStart;
}

/** 1-based line and column (in characters) of a byte offset; UTF-8 never uses the newline byte inside a character. */
function position(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (
    let index = bytes.indexOf(NEWLINE);
    index !== -1 && index < offset;
    index = bytes.indexOf(NEWLINE, index + 1)
  ) {
    line++;
    start = index + 1;
  }
  const before = new TextDecoder("utf-8").decode(bytes.subarray(start, offset));
  return { line, column: before.length + 1 };
}

/** A character that has no place in one line of text shown to people, and where it is. */
export interface UnsafeLineCharacter {
  /** The character's code point (`0x202e`). */
  readonly codePoint: number;
  /** The code point as written in Unicode charts: `U+202E`. */
  readonly code: string;
  /** What the character is: `right-to-left override`, `escape`, `line feed`, else `control character`. */
  readonly name: string;
  /** Its place in the text, in characters (code points) counted from 1. */
  readonly position: number;
  /** `U+202E (right-to-left override) at character 12`, to follow a field's name. */
  readonly message: string;
}

/**
 * The C0 and C1 control characters (DEL included: `\p{Cc}`), the line and
 * paragraph separators, and the bidi embeddings, overrides and isolates
 * (U+202A to U+202E, U+2066 to U+2069) that "Trojan Source" uses to show
 * text in another order than it is stored.
 */
const UNSAFE_IN_LINE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** Names of the characters {@link findUnsafeLineCharacter} finds; any other is a `control character`. */
const NAMES: ReadonlyMap<number, string> = new Map([
  [0x00, "null"],
  [0x07, "bell"],
  [0x08, "backspace"],
  [0x09, "tab"],
  [0x0a, "line feed"],
  [0x0b, "vertical tab"],
  [0x0c, "form feed"],
  [0x0d, "carriage return"],
  [0x1b, "escape"],
  [0x7f, "delete"],
  [0x85, "next line"],
  [0x9b, "control sequence introducer"],
  [0x2028, "line separator"],
  [0x2029, "paragraph separator"],
  [0x202a, "left-to-right embedding"],
  [0x202b, "right-to-left embedding"],
  [0x202c, "pop directional formatting"],
  [0x202d, "left-to-right override"],
  [0x202e, "right-to-left override"],
  [0x2066, "left-to-right isolate"],
  [0x2067, "right-to-left isolate"],
  [0x2068, "first strong isolate"],
  [0x2069, "pop directional isolate"],
]);

/**
 * The first character of `text` that one line shown to people and agents (a
 * title, a label) must not hold, or undefined when there is none: a C0 or C1
 * control character (a newline, a tab, a carriage return, the escape that
 * starts a sequence repainting a terminal, a bell), a line or paragraph
 * separator, or a bidi embedding, override or isolate, which makes a
 * terminal, an editor or a web page show the text in another order than an
 * agent reads it ("Trojan Source"). Text of several lines (a description, a
 * body) may hold newlines and tabs; check only what is shown as one line.
 *
 * @example
 * ```ts
 * findUnsafeLineCharacter("Pay by link"); // undefined
 * findUnsafeLineCharacter("Refund \u202eknil yb yaP")?.message;
 * // "U+202E (right-to-left override) at character 8"
 * ```
 */
export function findUnsafeLineCharacter(text: string): UnsafeLineCharacter | undefined {
  if (typeof text !== "string") checkArguments("findUnsafeLineCharacter", { text: [z.string(), text] });
  const found = UNSAFE_IN_LINE.exec(text);
  if (found === null) return undefined;
  const codePoint = text.charCodeAt(found.index);
  const code = `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
  const name = NAMES.get(codePoint) ?? "control character";
  const position = Array.from(text.slice(0, found.index)).length + 1;
  return { codePoint, code, name, position, message: `${code} (${name}) at character ${position}` };
}

/** The bidi embeddings, overrides and isolates, all of them: dropped from a line, not replaced. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/gu;

/**
 * A run of spaces, control characters and line or paragraph separators; one
 * holding a control character or separator becomes a space. One class, so a
 * long run of spaces is read once (`[ ...]*[control][ ...]*` backtracked
 * quadratically over it: 65 s for a test name with 200,000 spaces).
 */
const SPACE_OR_CONTROL_RUN = /[ \p{Cc}\u2028\u2029]+/gu;
const LINE_BREAKING = /[\p{Cc}\u2028\u2029]/u;

/**
 * Outside text (a commit subject, an issue's or a test's name) made one line
 * that a title accepts: each run of control characters, line and paragraph
 * separators (a tab, a newline, the escape of a terminal sequence), with the
 * spaces around it, becomes one space; bidi embeddings, overrides and
 * isolates are dropped; the result is trimmed. It holds nothing
 * {@link findUnsafeLineCharacter} finds, and may be empty (text made only of
 * such characters); every other character, of any script, is kept. Keep the
 * exact text where several lines belong (a body, a field) and use this for
 * the title only.
 *
 * @example
 * ```ts
 * toSafeLine("Fix\tcheckout\r\n \u202etotal\u202c "); // "Fix checkout total"
 * toSafeLine("\u202e\u2066"); // ""
 * ```
 */
export function toSafeLine(text: string): string {
  if (typeof text !== "string") checkArguments("toSafeLine", { text: [z.string(), text] });
  return text
    .replace(BIDI_CONTROLS, "")
    .replace(SPACE_OR_CONTROL_RUN, (run) => (LINE_BREAKING.test(run) ? " " : run))
    .trim();
}

/**
 * The first candidate with anything left once made one line by
 * {@link toSafeLine}, made so; `""` when none has (or none is given). Use it
 * for a title taken from the first of several sources that says something (a
 * front matter title, a heading, a file name, an id), as the importers do.
 *
 * @example
 * ```ts
 * firstSafeLine(front.title, heading, "adr-0001"); // front.title made one line, else the heading, else "adr-0001"
 * firstSafeLine(undefined, "\u202e\t", "Pay\tby link"); // "Pay by link"
 * ```
 */
export function firstSafeLine(...candidates: readonly (string | undefined)[]): string {
  if (!candidates.every((candidate) => candidate === undefined || typeof candidate === "string"))
    checkArguments("firstSafeLine", { candidates: [z.array(z.string().optional()), candidates] });
  for (const candidate of candidates) {
    const line = candidate === undefined ? "" : toSafeLine(candidate);
    if (line !== "") return line;
  }
  return "";
}

/** The first half of a surrogate pair. */
const HIGH_SURROGATE = /^[\uD800-\uDBFF]$/;

/**
 * `text` cut to at most `limit` UTF-16 code units, the unit the factory's
 * limits count in, never inside a surrogate pair (an emoji at the limit is
 * dropped whole: half of one is not Unicode, and the event log refuses it).
 * Text within the limit is returned as it is. With an `ellipsis`, a text that
 * is cut ends with it, the ellipsis counted in the limit, and the spaces
 * before it are dropped.
 *
 * @throws ValidationError when `limit` is not a whole number at least as long as the ellipsis.
 * @example
 * ```ts
 * cutText(`${"a".repeat(499)}🚀`, 500); // 499 "a": the emoji's two units would pass the limit
 * cutText("Pay by link today", 10, "..."); // "Pay by..."
 * ```
 */
export function cutText(text: string, limit: number, ellipsis = ""): string {
  if (
    typeof text !== "string" ||
    typeof ellipsis !== "string" ||
    !Number.isInteger(limit) ||
    limit < ellipsis.length
  )
    checkArguments("cutText", {
      text: [z.string(), text],
      limit: [
        z
          .number()
          .int()
          .min(typeof ellipsis === "string" ? ellipsis.length : 0),
        limit,
      ],
      ellipsis: [z.string(), ellipsis],
    });
  if (text.length <= limit) return text;
  const end = limit - ellipsis.length;
  const kept = text.slice(0, HIGH_SURROGATE.test(text.charAt(end - 1)) ? end - 1 : end);
  return ellipsis === "" ? kept : `${kept.trimEnd()}${ellipsis}`;
}

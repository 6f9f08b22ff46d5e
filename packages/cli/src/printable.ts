/**
 * Text made safe to show on a terminal: control characters and bidi overrides
 * shown as visible escapes instead of acting on the terminal.
 *
 * @module
 */

/**
 * Shows `text` with its C0 and C1 control characters written as `\xHH` (ESC
 * as `\x1b`) and the bidi embedding, override and isolate characters
 * (U+202A-U+202E, U+2066-U+2069) as `\uXXXX`, so a title like
 * `"a\u202eevil \x1b[31mred"` prints as those characters and does not reorder
 * the line or recolour the terminal. Newline, tab and a carriage return that
 * ends a line (`\r\n`) are kept, as the layout uses them.
 *
 * `styled` lists strings the CLI itself styled ({@link Output.style}); where
 * one of them starts, its own opening and closing SGR codes are kept as they
 * are. Everything between them is shown as above.
 *
 * @example
 * ```ts
 * printable("a\u202eb \x1b[31mred"); // 'a\\u202eb \\x1b[31mred'
 * ```
 */
export function printable(text: string, styled: ReadonlySet<string> = NOTHING_STYLED): string {
  let out = "";
  let copiedUpTo = 0;
  const closes = new Set<number>();
  for (let index = 0; index < text.length; index++) {
    const kept = keptCodeLength(text, index, styled, closes);
    if (kept > 0) {
      index += kept - 1;
      continue;
    }
    const shown = escapeAt(text, index);
    if (shown === undefined) continue;
    out += text.slice(copiedUpTo, index) + shown;
    copiedUpTo = index + 1;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

const NOTHING_STYLED: ReadonlySet<string> = new Set();

/**
 * How many characters at `index` are an SGR code the CLI wrote: the closing
 * code of a styled string opened earlier, or the opening code of one starting
 * here (whose closing position is then added to `closes`). 0 otherwise.
 */
function keptCodeLength(
  text: string,
  index: number,
  styled: ReadonlySet<string>,
  closes: Set<number>,
): number {
  if (text.charCodeAt(index) !== ESC) return 0;
  const codeLength = text.indexOf("m", index) + 1 - index;
  if (closes.delete(index)) return codeLength;
  for (const candidate of styled) {
    if (text.startsWith(candidate, index)) {
      closes.add(index + candidate.lastIndexOf("\x1b"));
      return codeLength;
    }
  }
  return 0;
}

const ESC = 0x1b;

function escapeAt(text: string, index: number): string | undefined {
  const code = text.charCodeAt(index);
  if (code === 0x09 || code === 0x0a) return undefined;
  if (code === 0x0d && text.charCodeAt(index + 1) === 0x0a) return undefined;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `\\x${code.toString(16).padStart(2, "0")}`;
  if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069))
    return `\\u${code.toString(16)}`;
  return undefined;
}

/**
 * `text` as one line of a row or a sentence: its line breaks (`\r\n`, `\n`,
 * `\r`) written as the visible escapes `\r\n`, `\n`, `\r`, so a title or a
 * signal's text that holds one cannot start a row of its own in `work list`
 * and the like, where a script reads a line per record. Other control
 * characters are left to {@link printable}, which every line goes through.
 *
 * @example
 * ```ts
 * oneLine("Fix refunds\nwi_fake  checkout"); // 'Fix refunds\\nwi_fake  checkout'
 * ```
 */
export function oneLine(text: string): string {
  return text.replaceAll("\r", "\\r").replaceAll("\n", "\\n");
}

/**
 * A path as a row shows it: as it is when that is unambiguous, else in double
 * quotes with JSON's escapes, so a space or tab at its start or end, a line
 * break or another control character can be seen (`"docs/notes.md "`,
 * `"a\tb"`). A path that itself starts with `"` is quoted too, so a quoted
 * path always means the name inside the quotes.
 *
 * @example
 * ```ts
 * shownPath("docs/notes.md"); // 'docs/notes.md'
 * shownPath("docs/notes.md "); // '"docs/notes.md "'
 * ```
 */
export function shownPath(path: string): string {
  return /^[\s"]|\s$|[\p{Cc}]/u.test(path) ? JSON.stringify(path) : path;
}

/**
 * Code fences and indented code blocks of a markdown text, whose lines are
 * code rather than headings or imports. Internal to the package.
 *
 * @module
 */

/** A fence's opening or closing line: up to 3 spaces, then 3 or more backquotes or tildes. */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** For each line, whether it is outside code fences (a fence's own lines are not). */
export function outsideFences(lines: readonly string[]): boolean[] {
  return scanFences(lines).prose;
}

/** A line indented as code: 4 spaces, or a tab after at most 3. */
const INDENTED = /^(?: {4}| {0,3}\t)/;
/** The first line of a list item, whose indented lines after a blank are its text, not code. */
export const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;

/**
 * For each line, whether it is prose: outside code fences and indented code
 * blocks (lines indented by 4 spaces or a tab, starting after a blank line
 * or at the start, outside a list item), which markdown readers such as
 * Claude Code's show as code. Blank lines are prose.
 */
export function outsideCode(lines: readonly string[]): boolean[] {
  const fenced = outsideFences(lines);
  let code = false;
  let afterBlank = true;
  let inList = false;
  return lines.map((line, index) => {
    if (fenced[index] !== true) {
      code = false;
      afterBlank = false;
      return false;
    }
    if (line.trim() === "") {
      afterBlank = true;
      return true;
    }
    const indented = INDENTED.test(line);
    code = indented && (code || (afterBlank && !inList));
    afterBlank = false;
    if (!indented) inList = LIST_ITEM.test(line);
    return !code;
  });
}

/** The marker of a fence the lines open and never close (```` ``` ````), or undefined when every fence is closed. */
export function openFence(lines: readonly string[]): string | undefined {
  return scanFences(lines).open;
}

function scanFences(lines: readonly string[]): { prose: boolean[]; open: string | undefined } {
  let fence: string | undefined;
  const prose = lines.map((line) => {
    const marker = FENCE.exec(line)?.[1];
    if (marker !== undefined && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return false;
    }
    return fence === undefined;
  });
  return { prose, open: fence };
}

/**
 * Code fences of a markdown text, whose lines are code rather than headings
 * or imports. Internal to the package.
 *
 * @module
 */

/** A fence's opening or closing line: up to 3 spaces, then 3 or more backquotes or tildes. */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** For each line, whether it is outside code fences (a fence's own lines are not). */
export function outsideFences(lines: readonly string[]): boolean[] {
  return scanFences(lines).prose;
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

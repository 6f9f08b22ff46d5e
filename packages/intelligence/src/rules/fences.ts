/**
 * Code fences of a markdown text, whose lines are code rather than headings
 * or imports. Internal to the package.
 *
 * @module
 */

/** For each line, whether it is outside code fences (a fence's own lines are not). */
export function outsideFences(lines: readonly string[]): boolean[] {
  let fence: string | undefined;
  return lines.map((line) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker !== undefined && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return false;
    }
    return fence === undefined;
  });
}

/**
 * Delimited spans (`<!-- … -->`, `/* … *\/`, Go's `require ( … )`) found in
 * one pass. A lazy regular expression (`<!--[\s\S]*?-->`, global) tries every
 * opener and scans to the end of the text from each one whose closer is
 * missing: quadratic on many unclosed openers. Here the search for a closer
 * starts where the last one stopped, and stops at the first opener without one
 * (no later opener has one either).
 *
 * @module
 */

/** The bodies between each opener and the first closer after it, left to right; both patterns need the `g` flag. */
export function delimitedBodies(text: string, open: RegExp, close: RegExp): string[] {
  const bodies: string[] = [];
  open.lastIndex = 0;
  for (let opened = open.exec(text); opened !== null; opened = open.exec(text)) {
    const start = opened.index + opened[0].length;
    close.lastIndex = start;
    const closed = close.exec(text);
    if (closed === null) break;
    bodies.push(text.slice(start, closed.index));
    open.lastIndex = closed.index + closed[0].length;
  }
  return bodies;
}

/** The text without each `open … close` span (the first `close` after each `open`); an unclosed `open` stays. */
export function withoutDelimited(text: string, open: string, close: string): string {
  let out = "";
  let from = 0;
  for (let start = text.indexOf(open); start !== -1; start = text.indexOf(open, from)) {
    const end = text.indexOf(close, start + open.length);
    if (end === -1) break;
    out += text.slice(from, start);
    from = end + close.length;
  }
  return out + text.slice(from);
}

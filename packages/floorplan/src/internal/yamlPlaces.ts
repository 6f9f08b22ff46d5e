import { CORE_SCHEMA, load, type State } from "js-yaml";

/** A line and column, both 1-based. */
export interface Place {
  readonly line: number;
  readonly column: number;
}

/** A text read by js-yaml with where each node starts, to place the few nodes that have problems. */
export interface PlacedYaml {
  /** The data of the text. */
  readonly data: unknown;
  /**
   * The place of the node at a path, or of its nearest existing ancestor, as
   * `positionOf` gives it from a `yaml` document; with `atKey`, the key of the
   * last segment. Undefined when the text holds something this reading does
   * not place as `yaml` would (an empty or tagged node): ask `yaml` then.
   */
  placeOf(path: readonly (string | number)[], atKey?: boolean): Place | undefined;
}

/**
 * Reads a text with js-yaml (YAML 1.2 core schema, duplicate keys refused),
 * noting for every node where its reading began, where it ended, where the
 * node after its own nodes is, and its value: a few numbers per node, so that
 * a problem's place costs a walk down its path instead of a second parse.
 * Throws what js-yaml throws for a text it cannot read.
 */
export function readPlacedYaml(text: string): PlacedYaml {
  const starts: number[] = [];
  const ends: number[] = [];
  const nexts: number[] = [];
  const values: unknown[] = [];
  const open: number[] = [];
  const data = load(text, {
    schema: CORE_SCHEMA,
    listener(event: "open" | "close", state: State) {
      if (event === "open") {
        open.push(starts.length);
        starts.push(state.position);
        ends.push(0);
        nexts.push(0);
        values.push(undefined);
        return;
      }
      const node = open.pop() as number;
      ends[node] = state.position;
      nexts[node] = starts.length;
      values[node] = state.result;
    },
  });
  // js-yaml drops a byte order mark before reading, so its offsets are one short of the text's.
  const shift = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineStarts: number[] | undefined;
  const placeAt = (offset: number): Place => {
    lineStarts ??= lineStartsOf(text);
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (lineStarts[low] as number) + 1 };
  };
  /** Where a node's content begins: past the spaces, line breaks and comments before it. */
  const contentStart = (node: number): number | undefined => {
    let at = (starts[node] as number) + shift;
    let lineBegins = false;
    for (;;) {
      const ch = text[at];
      if (ch === " " || ch === "\t" || ch === "\r") at++;
      else if (ch === "\n") {
        at++;
        lineBegins = true;
      } else if (ch === "#" && (lineBegins || /\s/.test(text[at - 1] ?? "\n"))) {
        const end = text.indexOf("\n", at);
        at = end === -1 ? text.length : end;
      } else break;
    }
    const value = values[node];
    // An empty node and a tagged one are placed by `yaml` in ways this reading does not repeat.
    if (value === null || value === undefined || text[at] === "!" || at >= text.length) return undefined;
    return at;
  };
  /**
   * The nodes read inside a node, in order. A block mapping is tried first
   * where a node starts, so a node other than a block mapping is read again
   * inside that try, as its only child with the same value: that child's
   * children are the node's.
   */
  const childrenOf = (node: number): number[] => {
    let children: number[] = [];
    for (let outer = node; ; ) {
      children = [];
      for (let child = outer + 1; child < (nexts[outer] as number); child = nexts[child] as number)
        children.push(child);
      const [only] = children;
      if (children.length !== 1 || only === undefined || values[only] !== values[outer]) return children;
      outer = only;
    }
  };
  /** Whether a `:` follows a node (past spaces, line breaks and comments): it is a key with a value. */
  const colonAfter = (node: number): boolean => {
    let at = (ends[node] as number) + shift;
    for (;;) {
      const ch = text[at];
      if (ch === " " || ch === "\t" || ch === "\r" || ch === "\n") at++;
      else if (ch === "#") {
        const end = text.indexOf("\n", at);
        at = end === -1 ? text.length : end;
      } else return ch === ":";
    }
  };
  return {
    data,
    placeOf(path, atKey = false) {
      if (starts.length === 0) return undefined;
      let node = 0;
      let found = 0;
      for (const [index, segment] of path.entries()) {
        const value = values[node];
        const children = childrenOf(node);
        if (Array.isArray(value)) {
          if (typeof segment !== "number") break;
          // Each item of a sequence is one node read inside it.
          if (children.length !== value.length) return undefined;
          const item = children[segment];
          if (item === undefined) break;
          node = found = item;
        } else if (value !== null && typeof value === "object") {
          let key: number | undefined;
          let keyValue: number | undefined;
          for (let at = 0; at < children.length; at++) {
            const child = children[at] as number;
            const hasValue = colonAfter(child);
            if (String(values[child]) === String(segment)) {
              key = child;
              keyValue = hasValue ? children[at + 1] : undefined;
              break;
            }
            if (hasValue) at++;
          }
          if (key === undefined) break;
          if (index === path.length - 1 && atKey) {
            found = key;
            break;
          }
          if (keyValue === undefined) return undefined;
          node = found = keyValue;
        } else break;
      }
      const offset = contentStart(found);
      return offset === undefined ? undefined : placeAt(offset);
    },
  };
}

/** The offset where each line of a text begins. */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) starts.push(at + 1);
  return starts;
}

import { UNSTORABLE } from "./unstorableText.js";

/**
 * What one walk over a payload found: enough to tell whether the checks that
 * name each bad place (`unstorableTextIssues`, `unkeptValueIssues`) need to
 * run, and a lower bound of its serialized size. Those checks walk the
 * payload again, but only when this walk found something.
 */
export interface PayloadScan {
  /**
   * The characters of every string and key JSON writes of the payload, with
   * their quotes: fewer than its UTF-8 JSON bytes. What an object with a
   * `toJSON` method holds is not counted.
   */
  readonly textLength: number;
  /**
   * True when `unstorableTextIssues` may find something: a NUL or a lone
   * surrogate in a string or key, a BigInt, or arrays and objects nested
   * 511 levels deep (the payload is a member of the event, 512 levels down
   * from it), which a value holding itself always is.
   */
  readonly unstorable: boolean;
  /** True when `unkeptValueIssues` finds something: a value JSON gives back as something else (a Date, NaN, a Map, ...). */
  readonly unkept: boolean;
  /** True when the payload holds `-0`, which JSON writes, and every store reads back, as `0`. */
  readonly negativeZero: boolean;
}

/** How deep the walk goes: objects this deep are no JSON the log takes, so what they hold is not looked at. */
const MAX_DEPTH = 512;

/** A scan under way: what was found so far, and past how many characters text is no longer searched. */
interface Scanning {
  textLength: number;
  unstorable: boolean;
  unkept: boolean;
  negativeZero: boolean;
  readonly textBudget: number;
}

/**
 * Walks `payload` once (see {@link PayloadScan}). Once more than
 * `textBudget` characters are counted, strings and keys are counted but no
 * longer searched for NUL and lone surrogates: an event with that much text is
 * refused for its size alone, and searching hundreds of MiB takes seconds.
 */
export function scanPayload(payload: unknown, textBudget = Number.POSITIVE_INFINITY): PayloadScan {
  const scan: Scanning = { textLength: 0, unstorable: false, unkept: false, negativeZero: false, textBudget };
  visit(payload, 0, true, scan);
  return scan;
}

/** Marks `text` as unstorable when it is, unless the budget of text to search is spent. */
function searchText(text: string, scan: Scanning): void {
  if (!scan.unstorable && scan.textLength <= scan.textBudget && UNSTORABLE.test(text)) scan.unstorable = true;
}

function visit(value: unknown, depth: number, counted: boolean, scan: Scanning): void {
  switch (typeof value) {
    case "string":
      if (counted) scan.textLength += value.length + 2;
      searchText(value, scan);
      return;
    case "number":
      if (!Number.isFinite(value)) scan.unkept = true;
      else if (value === 0 && 1 / value < 0) scan.negativeZero = true;
      return;
    case "bigint":
      scan.unstorable = true;
      return;
    case "function":
    case "symbol":
      scan.unkept = true;
      return;
    case "object":
      break;
    default:
      return;
  }
  if (value === null) return;
  if (depth >= MAX_DEPTH - 1) scan.unstorable = true;
  if (depth >= MAX_DEPTH) return;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (item === undefined) scan.unkept = true;
      else visit(item, depth + 1, counted, scan);
    }
    return;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) scan.unkept = true;
  const inner = counted && typeof (value as { toJSON?: unknown }).toJSON !== "function";
  for (const key of Object.keys(value)) {
    searchText(key, scan);
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    if (inner && typeof item !== "function" && typeof item !== "symbol") scan.textLength += key.length + 3;
    visit(item, depth + 1, inner, scan);
  }
}

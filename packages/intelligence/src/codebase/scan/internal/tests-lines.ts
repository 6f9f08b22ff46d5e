/**
 * Lines of offsets in a test file, for the finders that report where each
 * test starts.
 *
 * @module
 */

/**
 * Returns the 1-based line of any offset of `text`: the line starts are found
 * once, then each offset by binary search, so a file of many tests costs its
 * length once rather than once per test.
 */
export function lineLocator(text: string): (offset: number) => number {
  const starts = [0];
  for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", newline + 1))
    starts.push(newline + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
}

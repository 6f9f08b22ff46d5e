/** The list under `key` in `map`, created empty when there is none. */
export function listOf<K, V>(map: Map<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (list === undefined) {
    list = [];
    map.set(key, list);
  }
  return list;
}

/** The first place in `list` (sorted by `keyOf`) whose key is above `key`, by binary search. */
function placeAfter<V>(list: readonly V[], key: number, keyOf: (value: V) => number): number {
  let [low, high] = [0, list.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keyOf(list[middle] as V) > key) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * Inserts `value` into `list` (sorted by `keyOf`) after every entry whose key
 * is at most its own, as a stable sort of the list with `value` last would
 * place it; returns where it went.
 */
export function insertSorted<V>(list: V[], value: V, keyOf: (value: V) => number): number {
  const place = placeAfter(list, keyOf(value), keyOf);
  list.splice(place, 0, value);
  return place;
}

/**
 * Inserts `value` into `list` (sorted by `keyOf`, keys distinct) unless it is
 * there already.
 */
export function insertOnce<V>(list: V[], value: V, keyOf: (value: V) => number): void {
  const place = placeAfter(list, keyOf(value), keyOf);
  if (list[place - 1] !== value) list.splice(place, 0, value);
}

/** Removes `value` from `list` (sorted by `keyOf`, keys distinct), if it is there. */
export function removeSorted<V>(list: V[], value: V, keyOf: (value: V) => number): void {
  const place = placeAfter(list, keyOf(value), keyOf) - 1;
  if (list[place] === value) list.splice(place, 1);
}

/** An hour, in milliseconds. */
export const HOUR = 3_600_000;
/** A day, in milliseconds. */
export const DAY = 24 * HOUR;

/**
 * Milliseconds from `from` to `to`, never negative: an event stamped before
 * the one it follows (by a writer whose clock runs behind) took no time.
 */
export function elapsed(from: number, to: number): number {
  return Math.max(0, to - from);
}

/** The 50th and 85th percentiles (nearest rank) of a duration, in hours; null when there is no sample. */
export interface Percentiles {
  /** The median, in hours; null when there is no sample. */
  readonly p50: number | null;
  /** The 85th percentile, in hours; null when there is no sample. */
  readonly p85: number | null;
  /** Number of samples. */
  readonly count: number;
}

/** The nearest-rank 50th and 85th percentiles of `values`: the p-th of n sorted samples is the one at rank ceil(p/100 × n). */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { p50: null, p85: null, count: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
  return { p50: rank(50), p85: rank(85), count: sorted.length };
}

/** part / whole; null when whole is 0. */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

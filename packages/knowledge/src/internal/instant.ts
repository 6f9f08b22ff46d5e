/**
 * Instants as canonical UTC strings (`2026-05-01T08:00:00.000Z`), the one form
 * in which ISO instants compare correctly as strings: `10:00+02:00` is before
 * `09:30Z`, and `00:00:00Z` equals `00:00:00.000Z`, though neither reads so.
 */
export function utcInstant(value: string): string {
  if (value.length === 24 && value.endsWith("Z")) return value;
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toISOString();
}

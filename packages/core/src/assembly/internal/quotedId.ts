/** How many characters of an id a message quotes. */
const SHOWN = 80;

/**
 * An id as a message quotes it: in double quotes, cut to its first 80
 * characters with its length when longer, so a megabyte passed as an id
 * does not become a megabyte of message (`"xxx…" (1,000,000 characters)`).
 */
export function quotedId(id: string): string {
  const text = String(id);
  if (text.length <= SHOWN) return `"${text}"`;
  return `"${text.slice(0, SHOWN)}…" (${text.length.toLocaleString("en-US")} characters)`;
}

/**
 * Values cut short where a message quotes them: a refusal should not hand an
 * agent back the 100,000 characters it sent.
 *
 * @module
 */

/** Characters of a value a message quotes at most. */
const SHOWN_CHARACTERS = 80;

/** `value` as a message quotes it: whole when short, else its first 80 characters and its length. */
export function shortened(value: string): string {
  if (value.length <= SHOWN_CHARACTERS) return value;
  return `${value.slice(0, SHOWN_CHARACTERS)}... (${value.length.toLocaleString("en-US")} characters)`;
}

/** A document kind with its article, as a message says it: "a note", "an insight". */
export function aKind(kind: string): string {
  return `${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind}`;
}

import { readFileSync } from "node:fs";
import { decodeText, formatIssues, ValidationError } from "@software-factory/core";

/**
 * Reads a text file that must be UTF-8 without NUL bytes (a SKILL.md, a
 * `.mdc` rule, an AGENTS.md). Other bytes would otherwise become U+FFFD
 * without a word.
 *
 * @throws ValidationError naming the file, line and column of the first byte that is not text.
 */
export function readUtf8File(file: string, subject: string): string {
  const read = decodeText(readFileSync(file));
  if ("text" in read) return read.text;
  const { line, column, message } = read.notText;
  const issues = [{ path: "", message, file, line, column }];
  throw new ValidationError({ message: formatIssues(subject, issues), issues });
}

/**
 * Problems of skill files as `ValidationError`s whose issues name the file,
 * line and column, and the `file:line:column: field: message` lines they print as.
 *
 * @module
 */
import { ValidationError, type ValidationIssue } from "@software-factory/core";

/** A ValidationError of problems in one file. */
export function invalid(
  file: string,
  issues: readonly (ValidationIssue & { line?: number; column?: number })[],
): ValidationError {
  return invalidIssues(issues.map((issue) => ({ ...issue, file })));
}

/** A ValidationError of problems, each naming its file. */
export function invalidIssues(issues: readonly ValidationIssue[]): ValidationError {
  return new ValidationError({ message: `invalid skill:\n${issueLines(issues).join("\n")}`, issues });
}

/** Each issue as `file:line:column: field: message`. */
export function issueLines(issues: readonly ValidationIssue[]): string[] {
  return issues.map(
    (issue) =>
      `${issue.file ?? "SKILL.md"}:${issue.line ?? 1}:${issue.column ?? 1}: ${issue.path === "" ? "" : `${issue.path}: `}${issue.message}`,
  );
}

import { formatIssues, ValidationError, type ValidationIssue } from "@software-factory/core";

/** A ValidationError about the given fields of `subject`, its message naming each as `subject is invalid: path: message`. */
export function invalidInput(subject: string, issues: readonly ValidationIssue[]): ValidationError {
  return new ValidationError({ message: formatIssues(subject, issues), issues });
}

/**
 * The `input` argument of `run_skill` as the agent gave it: the skill's own
 * validation names fields inside `input` (`input.line`), as its refusal of an
 * unknown id does.
 *
 * @module
 */
import { formatIssues, ValidationError } from "@software-factory/core";

/**
 * The skill's refusal of its input (`input of skill sum is invalid: [1]: ...`)
 * with each field named inside the argument: `input[1]: ...`; any other
 * error as it is.
 */
export function namedInInputArgument(skill: string, error: unknown): unknown {
  const subject = `input of skill ${skill}`;
  if (!(error instanceof ValidationError) || !error.message.startsWith(`${subject} is invalid: `))
    return error;
  const issues = error.issues.map((issue) => ({
    ...issue,
    path:
      issue.path === "" ? "input" : issue.path.startsWith("[") ? `input${issue.path}` : `input.${issue.path}`,
  }));
  return new ValidationError({ message: formatIssues(subject, issues), issues });
}

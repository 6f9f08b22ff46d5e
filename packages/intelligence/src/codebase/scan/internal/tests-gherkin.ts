/**
 * Gherkin `.feature` files (English keywords): each Scenario, Example,
 * Scenario Outline or Scenario Template is a test, under its Feature and Rule.
 *
 * @module
 */
import type { FoundTest } from "./tests-found.js";

/** A keyword line; the name is trimmed after (a lazy name before `\s*$` backtracks quadratically on a run of blanks). */
const KEYWORD = /^\s*(Feature|Rule|Scenario Outline|Scenario Template|Scenario|Example):(.*)$/;

/** The scenarios of a Gherkin file. */
export function findGherkinTests(text: string): FoundTest[] {
  const found: FoundTest[] = [];
  let feature: string | undefined;
  let rule: string | undefined;
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const match = KEYWORD.exec(line);
    if (match === null) continue;
    const keyword = match[1] as string;
    const name = (match[2] as string).trim();
    if (keyword === "Feature") {
      feature = name;
      rule = undefined;
    } else if (keyword === "Rule") rule = name;
    else {
      const describePath = [feature, rule].filter(
        (part): part is string => part !== undefined && part !== "",
      );
      found.push({ framework: "gherkin", describePath, testName: name, line: index + 1 });
    }
  }
  return found;
}

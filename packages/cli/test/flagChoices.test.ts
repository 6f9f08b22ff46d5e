/**
 * A flag value that is not one of a fixed set is told as the other flag
 * errors are (`--flag: must be one of a, b (got "x")`), not in zod's words
 * (`Invalid option: expected one of "a"|"b"`), whichever command parses it.
 */
import { describe, expect, it } from "vitest";
import { firstLine, SLOW, useShopFactory } from "./shopFactory.js";

const { factory, withSdk } = useShopFactory("factory-flag-choices-");

describe("a flag value outside its set of choices", () => {
  it.each([
    [
      ["work", "list", "--state", "gone"],
      '--state: must be one of active, blocked, done, dropped (got "gone")',
    ],
    [
      ["search", "refunds", "--mode", "fuzzy"],
      '--mode: must be one of hybrid, lexical, vector (got "fuzzy")',
    ],
    [["check", "--fail-on", "info"], '--fail-on: must be one of error, warning, never (got "info")'],
    [
      ["work", "create", "--line", "checkout", "--kind", "epic", "Refunds"],
      '--kind: must be one of feature, bug, improvement, chore (got "epic")',
    ],
    [
      ["standards", "export", "--format", "windsurf", "--to", "out"],
      '--format: must be one of cursor, agents-md (got "windsurf")',
    ],
    [
      ["import", "jsonl", "tickets.jsonl", "--mapping", '{"target":"ticket"}'],
      '--mapping: target: must be one of document, signal, artifact (got {"target":"ticket"})',
    ],
  ])("%j is a usage error listing the choices", SLOW, async (args, message) => {
    const before = await withSdk((opened) => opened.log.head());
    const result = await factory(...args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe("");
    expect(firstLine(result)).toBe(`error: E_USAGE: ${message}`);
    expect(await withSdk((opened) => opened.log.head())).toBe(before);
  });
});

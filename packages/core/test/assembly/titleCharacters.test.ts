/**
 * A title is one line shown to people and agents through the CLI and MCP:
 * control characters (which break the line or repaint a terminal) and bidi
 * overrides and isolates ("Trojan Source", which show it in another order
 * than it is stored) are refused in the titles of work items, artifacts and
 * incidents, naming the character and its place. Bodies and texts of several
 * lines keep their newlines and tabs.
 */
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, refusedWrite, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

/** The message of a write refused with a `ValidationError` that left the log as it was. */
const refused = async (write: () => Promise<unknown>) => (await refusedWrite(factory, write)).message;

describe("characters a title must not hold", () => {
  it("refuses a bidi override in a work item's title, naming the character and its place, and writes nothing", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    expect(
      await refused(() => line.createWorkItem({ line: "checkout", title: "Refund all\u202eknil yb yaP" })),
    ).toBe(
      "work item is invalid: title: U+202E (right-to-left override) at character 11 is not allowed in a title",
    );
    expect(line.list()).toEqual([]);
  });

  it("refuses each control character and bidi embedding, override or isolate inside a title", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const cases: [string, string][] = [
      ["\u0007", "U+0007 (bell)"],
      ["\u001b[2J", "U+001B (escape)"],
      ["\r", "U+000D (carriage return)"],
      ["\n", "U+000A (line feed)"],
      ["\t", "U+0009 (tab)"],
      ["\u007f", "U+007F (delete)"],
      ["\u0085", "U+0085 (next line)"],
      ["\u009b", "U+009B (control sequence introducer)"],
      ["\u0001", "U+0001 (control character)"],
      ["\u2028", "U+2028 (line separator)"],
      ["\u202a", "U+202A (left-to-right embedding)"],
      ["\u202b", "U+202B (right-to-left embedding)"],
      ["\u202c", "U+202C (pop directional formatting)"],
      ["\u202d", "U+202D (left-to-right override)"],
      ["\u2066", "U+2066 (left-to-right isolate)"],
      ["\u2067", "U+2067 (right-to-left isolate)"],
      ["\u2068", "U+2068 (first strong isolate)"],
      ["\u2069", "U+2069 (pop directional isolate)"],
    ];
    for (const [character, named] of cases)
      expect(
        await refused(() => line.createWorkItem({ line: "checkout", title: `Pay${character}by link` })),
      ).toBe(`work item is invalid: title: ${named} at character 4 is not allowed in a title`);
    expect(line.list()).toEqual([]);
  });

  it("counts the place in characters, so a character outside the BMP counts once", async () => {
    factory = await openTestFactory();
    expect(
      await refused(() => factory.line.createWorkItem({ line: "checkout", title: "😀 pay\u2066" })),
    ).toMatch(/title: U\+2066 \(left-to-right isolate\) at character 6 is/);
  });

  it("refuses them in an artifact's and an incident's title too, and keeps a body's newlines and tabs", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    expect(
      await refused(() =>
        line.recordArtifact({
          id: "REQ-1",
          kind: "requirement",
          title: "Login \u001b]0;owned\u0007",
          fields: {},
        }),
      ),
    ).toBe("artifact is invalid: title: U+001B (escape) at character 7 is not allowed in a title");
    expect(await refused(() => line.openIncident({ title: "Checkout\ndown" }))).toMatch(
      /title: U\+000A \(line feed\) at character 9 is not allowed in a title$/,
    );

    const body = "Users log in.\n\n\tWith a password\r\nor a passkey.";
    const { artifact } = await line.recordArtifact({
      id: "REQ-1",
      kind: "requirement",
      title: "Login",
      fields: { body },
    });
    expect(artifact.fields).toEqual({ body });
    const signal = await line.captureSignal({ text: "Checkout fails:\n\tcard declined", source: "support" });
    expect(signal.text).toBe("Checkout fails:\n\tcard declined");
  });

  it("still trims surrounding whitespace, newlines included, and takes letters of every script", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    expect((await line.createWorkItem({ line: "checkout", title: "\tPay by link\n" })).title).toBe(
      "Pay by link",
    );
    const title = "Zahlung per Link — دفع عبر الرابط — 通过链接付款";
    expect((await line.createWorkItem({ line: "checkout", title })).title).toBe(title);
  });
});

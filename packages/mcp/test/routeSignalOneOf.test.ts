/**
 * route_signal ranks lines for a signal or for a text: given both, it used to
 * rank for the signal and drop the text without a word.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

let signal = "";
const { call, refused } = useSeededServer("route-signal-one-of-test", async ({ factory }) => {
  signal = (await factory.work.captureSignal({ text: "the card payment failed", source: "support" })).id;
});

describe("route_signal given both signal and text", () => {
  it("is refused, naming both", async () => {
    expect(await refused("route_signal", { signal, text: "search is slow" })).toBe(
      "E_VALIDATION: route_signal input is invalid: (root): give signal (an id) or text, not both: the lines are ranked for exactly one of them",
    );
  });

  it("ranks for either one alone", async () => {
    for (const args of [{ signal }, { text: "search is slow" }]) {
      const ranked = await call("route_signal", args);
      expect(ranked.isError, JSON.stringify(args)).toBeUndefined();
      expect(ranked.structuredContent?.candidates).not.toEqual([]);
    }
  });
});

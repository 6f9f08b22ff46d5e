/**
 * An option that takes a value does not take another option as it: a
 * forgotten value is a usage error naming the option, not a record with the
 * next flag stored as its value.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-options-as-values-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** The signals captured so far, as `factory metrics` counts them. */
async function signalsCaptured(): Promise<number> {
  const metrics = await factory("metrics", "--json");
  return (JSON.parse(metrics.stdout) as { signals: { captured: number } }).signals.captured;
}

describe("an option whose value is missing", () => {
  it("is a usage error naming it when the next word is another option, and captures nothing", async () => {
    const run = await factory("signal", "capture", "--source", "--customer", "Hofmann", "Klarna vanished");
    expect(run.stderr.split("\n")[0]).toBe(
      'error: E_USAGE: --source: its value is missing ("--customer" is an option, not a value)',
    );
    expect(run.code).toBe(2);
    expect(await signalsCaptured()).toBe(0);
  });

  it.each([
    [["knowledge", "capture", "--kind", "note", "--title", "--body", "x"], "--title", "--body"],
    [["--dir", "--json", "work", "list"], "--dir", "--json"],
    [["work", "list", "--line", "-h"], "--line", "-h"],
    [["work", "list", "--owner", "--line=checkout"], "--owner", "--line=checkout"],
  ])("%j is a usage error naming %s", async (args, flag, value) => {
    const run = await factory(...args);
    expect(run.stderr.split("\n")[0]).toBe(
      `error: E_USAGE: ${flag}: its value is missing (${JSON.stringify(value)} is an option, not a value)`,
    );
    expect(run.code).toBe(2);
  });

  it.each([
    [["signal", "capture", "Klarna vanished", "--source"], "--source"],
    [["search", "klarna", "-n"], "--limit"],
    [["work", "list", "--limit"], "--limit"],
    [["work", "list", "--dir"], "--dir"],
  ])(
    "%j, the value left out at the end, is a usage error naming %s in the same words",
    async (args, flag) => {
      const run = await factory(...args);
      expect(run.stderr.split("\n")[0]).toBe(`error: E_USAGE: ${flag}: its value is missing`);
      expect(run.code).toBe(2);
      expect(await signalsCaptured()).toBe(0);
    },
  );

  it("takes a value that only starts with a dash", async () => {
    const run = await factory(
      "knowledge",
      "capture",
      "--kind",
      "note",
      "--title",
      "-5 reasons",
      "--body",
      "--verbose-output helps",
      "--json",
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ title: "-5 reasons" });
  });
});

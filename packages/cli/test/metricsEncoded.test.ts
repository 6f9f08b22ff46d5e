/**
 * `factory metrics` shows what factory operators encoded: the runs of each
 * author's skills in the window (recorded by another program that registers
 * them, which the CLI does not), in the text and as `encoded` in --json.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineSkill, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
const SLOW = { timeout: 240_000 };

const shout = defineSkill({
  name: "shout",
  description: "Upper-cases its text.",
  author: "ana",
  input: z.object({ text: z.string() }),
  output: z.string(),
  run: async ({ text }) => {
    if (text === "") throw new Error("nothing to shout");
    return text.toUpperCase();
  },
});
const whisper = defineSkill({ ...shout, name: "whisper", author: "bo", run: async ({ text }) => text });

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-metrics-encoded-"));
  const withCy = SHOP_YAML.replace("  - { id: bo, roles: [line, field] }\n", "$&  - { id: cy }\n");
  writeFileSync(join(cwd, "factory.yaml"), withCy);
  expect((await factory("plan", "apply", "factory.yaml")).code).toBe(0);
  const program = await openFactory({ dir: join(cwd, ".factory"), skills: [shout, whisper] });
  try {
    await program.skills.run("shout", { text: "hi" }, { actor: "ana" });
    await program.skills.run("shout", { text: "hey" }, { actor: "bo" });
    await program.skills.run("shout", { text: "" }, { actor: "bo" }).catch(() => {});
    await program.skills.run("whisper", { text: "psst" }, { actor: "ana" });
  } finally {
    await program.close();
  }
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory metrics' encoded section", () => {
  it("counts each author's skill runs by outcome and operator, in --json and in the text", SLOW, async () => {
    const json = await factory("metrics", "--json");
    expect(json.stderr).toBe("");
    const { encoded } = JSON.parse(json.stdout) as {
      encoded: { authors: { author: string | null; runs: number; failed: number; operators: string[] }[] };
    };
    expect(encoded.authors.filter((author) => author.author !== null)).toMatchObject([
      { author: "ana", runs: 3, failed: 1, operators: ["ana", "bo"] },
      { author: "bo", runs: 1, failed: 0, operators: ["ana"] },
    ]);

    const text = await factory("metrics");
    expect(text.stdout).toContain(
      "what factory operators encoded (skill runs, rule refusals and scorecard holds, automation handlings; use only, not effect)",
    );
    expect(text.stdout).toContain("    ana (1 skill, 1 run): 3 runs (2 ok, 1 failed) by 2 operators");
    expect(text.stdout).toMatch(/\n {6}shout: 3 runs \(2 ok, 1 failed\) by 2 operators; median [^\n]+\n/);

    const bo = await factory("metrics", "--operator", "bo", "--json");
    expect(JSON.parse(bo.stdout).encoded.authors).toMatchObject([{ author: "bo", runs: 1 }]);
    const cy = await factory("metrics", "--operator", "cy");
    expect(cy.stdout).toContain("    no skill, rule or automation names cy as its author\n");
  });
});

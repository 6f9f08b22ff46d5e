import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  defineSkill,
  exportSkill,
  type Factory,
  loadSkillsDir,
  openFactory,
  parseSkillMd,
  readSkillFile,
} from "../../src/index.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-skills-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("SKILL.md", () => {
  it("reports every front matter problem with file, line and column", () => {
    const text = "---\nname: Review_Code\ndescription: ''\nextra: 1\n---\nBody";
    expect(() => parseSkillMd(text, "skills/review/SKILL.md", "review")).toThrow(
      /SKILL\.md:2:7: name: .*lowercase[\s\S]*SKILL\.md:3:\d+: description[\s\S]*extra/,
    );
    expect(() => parseSkillMd("no front matter", "x/SKILL.md")).toThrow(/x\/SKILL\.md:1:1: .*front matter/);
  });

  it("requires the name to equal the folder", () => {
    expect(() =>
      parseSkillMd("---\nname: deploy\ndescription: Ship it\n---\n", "f/SKILL.md", "release"),
    ).toThrow(/f\/SKILL\.md:2:7: name: name "deploy" must equal the folder name "release"/);
  });

  it("loads a folder of skills with their files on demand, and writes one back", () => {
    const skills = join(dir, "skills");
    mkdirSync(join(skills, "write-adr", "references"), { recursive: true });
    writeFileSync(
      join(skills, "write-adr", "SKILL.md"),
      "---\nname: write-adr\ndescription: Write an architecture decision record. Use when a design choice is made.\nlicense: Apache-2.0\nmetadata:\n  owner: platform\n---\n\n# Writing an ADR\n\nUse references/template.md.\n",
    );
    writeFileSync(join(skills, "write-adr", "references", "template.md"), "# Title\n## Context");
    mkdirSync(join(skills, "not-a-skill"));
    const [skill, ...rest] = loadSkillsDir(skills);
    expect(rest).toEqual([]);
    expect(skill).toMatchObject({
      name: "write-adr",
      license: "Apache-2.0",
      metadata: { owner: "platform" },
      files: ["references/template.md"],
    });
    expect(skill?.instructions).toContain("# Writing an ADR");
    expect(readSkillFile(skill as never, "references/template.md")).toContain("## Context");
    expect(() => readSkillFile(skill as never, "../secret")).toThrow(/no file/);

    const out = exportSkill(skill as never, join(dir, "exported"));
    const [again] = loadSkillsDir(join(dir, "exported"));
    expect(out).toBe(join(dir, "exported", "write-adr"));
    expect(again).toMatchObject({
      name: "write-adr",
      description: skill?.description,
      instructions: skill?.instructions,
    });
  });
});

describe("running skills", () => {
  let factory: Factory;
  beforeEach(async () => {
    factory = await openFactory({ dir: join(dir, ".factory"), actor: "ana" });
    await factory.floorplan.applyPlan({
      product: { id: "shop" },
      operators: [{ id: "ana" }],
      lines: [{ id: "checkout", owner: "ana", description: "Cart and payment" }],
    });
  });
  afterEach(async () => {
    await factory.close();
  });

  it("runs a Promise skill and an Effect skill, records each run, and rejects bad input", async () => {
    factory.skills.add(
      defineSkill({
        name: "double",
        description: "Doubles a number",
        input: z.object({ value: z.number() }),
        output: z.object({ value: z.number() }),
        run: async ({ value }) => ({ value: value * 2 }),
      }),
      defineSkill({
        name: "triple",
        description: "Triples a number, as an Effect",
        input: z.object({ value: z.number() }),
        output: z.object({ value: z.number() }),
        run: ({ value }) => Effect.succeed({ value: value * 3 }),
      }),
    );
    expect((await factory.skills.run("double", { value: 2 }, { actor: "bo" })).output).toEqual({ value: 4 });
    expect((await factory.skills.run("triple", { value: 2 })).output).toEqual({ value: 6 });
    await expect(factory.skills.run("double", { value: "x" })).rejects.toThrow(/value/);
    await expect(factory.skills.run("nope", {})).rejects.toThrow(/no runnable skill "nope"/);
    const runs = await factory.log.read({ types: ["skill.ran"] });
    expect(
      runs.map((event) => [event.subject, event.actor, (event.data as { outcome: string }).outcome]),
    ).toEqual([
      ["double", "bo", "ok"],
      ["triple", "ana", "ok"],
      ["double", "ana", "invalid-input"],
    ]);
  });

  it("lists every skill when one's input holds what JSON schema cannot say, as any value there", async () => {
    factory.skills.add(
      defineSkill({
        name: "report-since",
        description: "Reports what changed since a date",
        input: z.object({ since: z.date(), line: z.string() }),
        output: z.object({ text: z.string() }),
        run: async ({ line }) => ({ text: line }),
      }),
    );
    const listed = factory.skills.list().find((skill) => skill.name === "report-since");
    expect(listed?.inputSchema).toMatchObject({
      type: "object",
      properties: { since: {}, line: { type: "string" } },
      required: ["since", "line"],
    });
    expect(factory.skills.list().map((skill) => skill.name)).toContain("summarize-line");
  });

  it("has built-in skills that need no model", async () => {
    expect(factory.skills.list().map((skill) => skill.name)).toEqual([
      "draft-requirement",
      "review-item",
      "summarize-line",
    ]);
    const { output } = await factory.skills.run("summarize-line", { line: "checkout" });
    expect((output as { summary: string }).summary).toContain("Owner: ana");
    const signal = await factory.work.captureSignal({
      text: "Payment page times out",
      source: "support",
      line: "checkout",
    });
    const draft = await factory.skills.run("draft-requirement", { signal: signal.id });
    expect((draft.output as { markdown: string }).markdown).toContain(
      "When <trigger>, the <system> shall <response>.",
    );
    expect(factory.skills.skillMd("summarize-line")).toContain("name: summarize-line");
  });
});

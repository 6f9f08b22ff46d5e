/**
 * `factory.skills.usage` measures the use of what factory operators encoded:
 * per author, each skill's runs in the window by outcome, the operators who
 * ran it and its median duration, read from the log (another process's runs
 * count, runs outside the window do not; a skill this factory does not
 * register counts for the author its runs recorded); skills without an author
 * are grouped under a null author.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { manualClock, ValidationError } from "@software-factory/core";
import { defineFactorySkill, defineSkill, type Factory, SkillRan } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { startFixture } from "../../../core/test/fixtures/runChild.js";
import { noteSkill } from "../fixtures/noteSkill.js";
import { useTempFactories } from "../fixtures/tempFactories.js";

const child = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "skillRunChild.ts");
const { folder, open } = useTempFactories();
const DAY = 86_400_000;

const echo = defineSkill({
  name: "echo",
  description: "Returns its text.",
  input: z.object({ text: z.string() }),
  output: z.string(),
  run: async ({ text }) => text,
});
const shout = defineSkill({
  ...echo,
  name: "shout",
  author: "bo",
  run: async ({ text }) => text.toUpperCase(),
});
const tally = defineSkill({ ...echo, name: "tally-words", author: "ana" });

/** Runs a skill as `actor`, keeping a failure as its outcome in the log. */
async function run(factory: Factory, name: string, input: unknown, actor: string, signal?: AbortSignal) {
  await factory.skills
    .run(name, input, { actor, ...(signal === undefined ? {} : { signal }) })
    .catch(() => {});
}

describe("skills.usage", () => {
  it("counts each author's skills' runs in the window by outcome and operator, other processes' too", async () => {
    const now = Date.now();
    const dir = folder("factory-skill-usage-");
    const clock = manualClock(now - 10 * DAY);
    let failNext = false;
    const note = defineFactorySkill({
      ...noteSkill({ fail: () => failNext }),
      author: "ana",
    });
    const factory = await open({ dir, actor: "ana", clock, skills: [note, tally, shout, echo] });

    // Before the window: not counted.
    await run(factory, "tally-words", { text: "early" }, "bo");
    clock.set(now - DAY);
    await run(factory, "capture-note", { text: "refunds" }, "ana");
    await run(factory, "capture-note", { text: "returns" }, "cy");
    failNext = true;
    await run(factory, "capture-note", { text: "lost" }, "cy");
    await run(factory, "shout", { text: "hi" }, "bo");
    await run(factory, "shout", { text: "hey" }, "dee");
    await run(factory, "shout", { words: "hey" }, "dee");
    await run(factory, "shout", { text: "hey" }, "bo", AbortSignal.abort());
    await run(factory, "echo", { text: "hi" }, "ana");
    // Another process runs capture-note (as "child"), stamped by its own clock.
    const { exited } = await startFixture(child, [dir, "k-1", "parcels"], "{");
    expect((await exited).code).toBe(0);

    const from = new Date(now - 2 * DAY);
    const to = new Date(now + DAY);
    const usage = await factory.skills.usage({ from, to });
    const notes = (await factory.log.read({ types: [SkillRan.type], subjects: ["capture-note"] }))
      .filter(SkillRan.is)
      .map((event) => event.data.durationMs)
      .sort((a, b) => a - b);

    expect(usage.window).toEqual({ from: from.toISOString(), to: to.toISOString() });
    expect(usage.authors.map((author) => author.author)).toEqual(["ana", "bo", null]);
    expect(usage.authors[0]).toEqual({
      author: "ana",
      skills: [
        {
          skill: "capture-note",
          runs: 4,
          succeeded: 3,
          failed: 1,
          cancelled: 0,
          refused: 0,
          operators: ["ana", "child", "cy"],
          medianDurationMs: notes[1],
        },
        {
          skill: "tally-words",
          runs: 0,
          succeeded: 0,
          failed: 0,
          cancelled: 0,
          refused: 0,
          operators: [],
          medianDurationMs: null,
        },
      ],
      runs: 4,
      succeeded: 3,
      failed: 1,
      cancelled: 0,
      refused: 0,
      operators: ["ana", "child", "cy"],
    });
    expect(usage.authors[1]).toMatchObject({
      author: "bo",
      skills: [{ skill: "shout", runs: 4, succeeded: 2, failed: 0, cancelled: 1, refused: 1 }],
      runs: 4,
      operators: ["bo", "dee"],
    });
    const unauthored = usage.authors[2];
    expect(unauthored?.skills.find((skill) => skill.skill === "echo")).toMatchObject({
      runs: 1,
      operators: ["ana"],
    });
    expect(unauthored).toMatchObject({ runs: 1, succeeded: 1 });

    // A factory that registers none of these skills credits each to the author its runs recorded.
    const bare = await open({ dir });
    const recorded = await bare.skills.usage({ from, to });
    expect(
      recorded.authors.map(({ author, skills, runs }) => [
        author,
        skills.filter((s) => s.runs > 0).length,
        runs,
      ]),
    ).toEqual([
      ["ana", 1, 4],
      ["bo", 1, 4],
      [null, 1, 1],
    ]);

    const bo = await factory.skills.usage({ from, to, operator: "bo" });
    expect(bo.operator).toBe("bo");
    expect(bo.authors.map((author) => [author.author, author.runs])).toEqual([["bo", 4]]);
    const earlier = await factory.skills.usage({ from: now - 11 * DAY, to: now - 2 * DAY, operator: "ana" });
    expect(earlier.authors[0]?.skills.find((skill) => skill.skill === "tally-words")).toMatchObject({
      runs: 1,
      operators: ["bo"],
    });
  }, 120_000);

  it("refuses a window that ends before it starts and a misspelt option, naming them", async () => {
    const factory = await open({ dir: folder("factory-skill-usage-bad-") });
    await expect(factory.skills.usage({ from: "2026-03-02", to: "2026-03-01" })).rejects.toThrow(
      /from must be before to/,
    );
    const misspelt = factory.skills.usage({ from: "2026-03-01", to: "2026-03-02", author: "bo" } as never);
    await expect(misspelt).rejects.toBeInstanceOf(ValidationError);
    await expect(misspelt).rejects.toThrow(/author/);
    await expect(factory.skills.usage({ from: "2026-03-01T09:00:00", to: "2026-03-02" })).rejects.toThrow(
      /from.*names no time zone/,
    );
  });
});

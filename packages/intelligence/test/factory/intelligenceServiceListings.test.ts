import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FloorPlanService } from "@software-factory/floorplan";
import {
  basicStandards,
  defineScorecard,
  FactoryService,
  IntelligenceService,
} from "@software-factory/intelligence";
import { Effect } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const basics = defineScorecard({
  id: "basics",
  description: "Lines owned and described.",
  severity: "warning",
  levels: [
    { name: "bronze", rules: ["line-has-owner"] },
    { name: "silver", rules: ["line-has-description"] },
  ],
});

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "intelligence-listings-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `<skills>/<name>/SKILL.md` with the given front matter and body. */
function writeSkill(skills: string, name: string, frontMatter: string): void {
  mkdirSync(join(skills, name), { recursive: true });
  writeFileSync(join(skills, name, "SKILL.md"), `---\n${frontMatter}\n---\nFind the line first.\n`);
}

describe("IntelligenceService listings", () => {
  it("lists the standards' rules, packs, kinds and instruction standards, and checks one target", async () => {
    const repo = join(dir, "repo");
    mkdirSync(join(repo, "AGENTS.md"), { recursive: true });
    writeFileSync(join(repo, "CLAUDE.md"), "# Rules\n\n## Tests\n\nEvery change has a test.\n");

    const program = Effect.gen(function* () {
      yield* (yield* FloorPlanService).applyPlan({
        operators: [{ id: "ana" }],
        lines: [{ id: "checkout", owner: "ana" }],
      });
      const { standards, scorecards } = yield* IntelligenceService;
      const line = (yield* FloorPlanService).floorPlan.line("checkout");
      return {
        rules: (yield* standards.rules).map((rule) => rule.id),
        rule: (yield* standards.rule("line-has-owner"))?.severity,
        unknownRule: yield* standards.rule("no-such-rule"),
        packs: (yield* standards.packs).map((pack) => pack.id),
        kinds: yield* standards.kinds,
        instructions: (yield* standards.instructions()).map((standard) => standard.source?.format),
        instructionsForPaths: yield* standards.instructions(["src/cart.ts"]),
        skipped: (yield* standards.skipped).map((issue) => issue.file),
        findings: (yield* standards.checkTarget("line", line)).map((finding) => finding.rule),
        linesOf: yield* standards.linesOf({ kind: "line", id: "checkout" }),
        scorecards: (yield* scorecards).map((scorecard) => scorecard.id),
      };
    });

    const listed = await Effect.runPromise(
      Effect.provide(
        program,
        FactoryService.layer({ dir, rules: [basicStandards], scorecards: [basics], instructionsFrom: repo }),
      ),
    );

    expect(listed.rules).toEqual(basicStandards.rules.map((rule) => rule.id));
    expect(listed).toMatchObject({
      rule: "error",
      unknownRule: undefined,
      packs: ["factory-basics"],
      skipped: [join(repo, "AGENTS.md")],
      findings: ["line-has-description", "line-has-paths"],
      linesOf: ["checkout"],
      scorecards: ["basics"],
    });
    expect(listed.kinds).toEqual(["line", "workItem", "artifact", "signal", "document", "floorplan"]);
    expect(listed.instructions).toEqual(["claude-md"]);
    expect(listed.instructionsForPaths).toHaveLength(1);
  });

  it("lists skills and their problems, reads instructions, reloads the folder, and reports automations' positions", async () => {
    const skills = join(dir, "skills");
    writeSkill(skills, "triage", "name: triage\ndescription: Triages a signal");
    writeSkill(skills, "broken", "name: broken");

    const program = Effect.gen(function* () {
      const intelligence = yield* IntelligenceService;
      const { factory } = intelligence;
      const listed = (yield* intelligence.skills.list).map((skill) => skill.name);
      const promiseListed = factory.skills.list().map((skill) => skill.name);
      const problems = (yield* intelligence.skills.problems).map((problem) => problem.name);
      const triage = yield* intelligence.skills.instructions("triage");
      const skillMd = yield* intelligence.skills.skillMd("triage");
      const broken = yield* Effect.flip(intelligence.skills.instructions("broken"));
      const brokenMd = yield* Effect.flip(intelligence.skills.skillMd("broken"));
      writeSkill(skills, "broken", "name: broken\ndescription: Fixed now");
      const reloaded = yield* intelligence.skills.reloadInstructions(skills);
      return {
        listed,
        promiseListed,
        problems,
        triage: triage?.description,
        skillMd,
        broken: [broken._tag, brokenMd._tag],
        reloaded: reloaded.skills.map((skill) => skill.name).sort(),
        problemsAfter: yield* intelligence.skills.problems,
        positions: Object.keys(yield* intelligence.automations.positions),
      };
    });

    const seen = await Effect.runPromise(
      Effect.provide(program, FactoryService.layer({ dir, rules: [basicStandards], scorecards: [basics] })),
    );

    expect(seen.listed).toContain("triage");
    expect(seen.listed).not.toContain("broken");
    expect(seen.listed).toEqual(seen.promiseListed);
    expect(seen).toMatchObject({
      problems: ["broken"],
      triage: "Triages a signal",
      broken: ["ValidationError", "ValidationError"],
      reloaded: ["broken", "triage"],
      problemsAfter: [],
    });
    expect(seen.skillMd).toContain("name: triage");
    expect(seen.positions).toHaveLength(1);
  });
});

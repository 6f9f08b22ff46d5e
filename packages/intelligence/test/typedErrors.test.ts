import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createMemoryEventStore,
  defineEvent,
  type EventLog,
  NotFoundError,
  openEventLog,
  ValidationError,
} from "@software-factory/core";
import {
  createOpenAiCompatibleProvider,
  defineAutomation,
  defineRule,
  defineRulePack,
  defineScorecard,
  exportSkill,
  type Factory,
  importJUnitReport,
  loadSkillFolder,
  openFactory,
  readSkillFile,
  ruleGate,
  Scorecards,
  Standards,
  startAutomations,
} from "@software-factory/intelligence";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const NoteAdded = defineEvent("note.added", z.object({ text: z.string() }));

const dirs: string[] = [];
const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const resource of closing.splice(0)) await resource.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "intelligence-typed-errors-"));
  dirs.push(dir);
  return dir;
}

async function memoryLog(): Promise<EventLog> {
  const log = await openEventLog({ store: createMemoryEventStore(), events: [NoteAdded] });
  closing.push(log);
  return log;
}

/** What a call threw, so a test can look at its fields. */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

const ownerRule = defineRule<{ id: string }>({
  id: "line-has-owner",
  description: "Every line has an owner.",
  severity: "error",
  appliesTo: "line",
  check: () => [],
});

describe("automations", () => {
  /** An automation on notes that does nothing. */
  const count = defineAutomation({
    name: "count-notes",
    description: "x",
    on: [NoteAdded.type],
    run: () => {},
  });

  it("defineAutomation names every malformed field of a definition in a ValidationError", () => {
    const error = thrown(() =>
      defineAutomation({ name: "Route Signals", description: "x", on: [], run: () => {} }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: "E_VALIDATION",
      issues: [
        {
          path: "name",
          message: 'automation name "Route Signals" must be kebab-case, as in route-new-signals',
        },
        { path: "on", message: 'automation "Route Signals" must react to at least one event type' },
      ],
    });
  });

  it("startAutomations refuses two automations of one name, naming the second", async () => {
    const log = await memoryLog();
    const starting = startAutomations({ log, automations: [count, { ...count }], services: {} });
    await expect(starting).rejects.toBeInstanceOf(ValidationError);
    await expect(starting).rejects.toMatchObject({
      issues: [{ path: "automations[1].name", message: 'two automations are named "count-notes"' }],
    });
  });

  it("retry of an event handled well is a ValidationError naming the event", async () => {
    const log = await memoryLog();
    const runner = await startAutomations({ log, automations: [count], services: {} });
    closing.push(runner);
    const [note] = await log.append({ type: NoteAdded.type, subject: "n1", data: { text: "hi" } });
    await runner.idle();
    const retrying = runner.retry("count-notes", note?.id ?? "");
    await expect(retrying).rejects.toBeInstanceOf(ValidationError);
    await expect(retrying).rejects.toMatchObject({
      issues: [
        {
          path: "event",
          message: `automation "count-notes" handled event "${note?.id}" well: nothing to retry`,
        },
      ],
    });
  });
});

describe("standards, gates and scorecards", () => {
  it("Standards.add refuses a taken rule id with a ValidationError naming its place", () => {
    const standards = new Standards({});
    standards.addSource({
      kind: "line",
      all: async () => [],
      get: async () => undefined,
      idOf: () => "",
      lineOf: () => "",
    });
    const twin = { ...ownerRule };
    expect(thrown(() => standards.add(ownerRule, twin))).toMatchObject({
      _tag: "ValidationError",
      issues: [{ path: "[1].id", message: 'rule id "line-has-owner" is already taken' }],
    });
    standards.add(ownerRule);
    const pack = defineRulePack({ id: "basics", description: "Basics.", rules: [twin] });
    expect(thrown(() => standards.add(pack))).toMatchObject({
      _tag: "ValidationError",
      issues: [{ path: "[0].rules[0].id" }],
    });
  });

  it("ruleGate refuses an unknown scorecard level with a NotFoundError", () => {
    const card = defineScorecard({
      id: "card",
      description: "A card.",
      levels: [{ name: "bronze", rules: [] }],
    });
    const error = thrown(() =>
      ruleGate(new Standards({}), { stage: "release", rules: { scorecard: card, level: "gold" } }),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      entity: "scorecard level",
      id: "gold",
      field: "rules.level",
      message: 'scorecard "card" has no level "gold"; its levels: bronze',
    });
  });

  it("names an unknown option and the options taken, of ruleGate, the model provider and the JUnit import", async () => {
    expect(thrown(() => ruleGate(new Standards({}), { stages: ["release"] } as never))).toMatchObject({
      _tag: "ValidationError",
      message: expect.stringContaining(
        '(root): unknown key "stages"; the keys are stage, rules, severity, name, onAdvice',
      ),
    });
    expect(
      thrown(() =>
        createOpenAiCompatibleProvider({ baseUrl: "http://127.0.0.1:9", model: "m", timeout: 5 } as never),
      ),
    ).toMatchObject({
      _tag: "ValidationError",
      message:
        'model provider options is invalid: (root): unknown key "timeout"; the keys are baseUrl, apiKey, model, timeoutMs, maxRetries, retryDelayMs',
    });
    await expect(
      importJUnitReport({} as never, { file: "report.xml", runid: "ci-1" } as never),
    ).rejects.toMatchObject({
      _tag: "ValidationError",
      message:
        'JUnit import options is invalid: (root): unknown key "runid"; the keys are file, runId, workItem, line',
    });
  });

  it("Scorecards.automation without a rule to react to is a ValidationError naming scorecards", async () => {
    const log = await memoryLog();
    const scorecards = await Scorecards.open({
      log,
      standards: new Standards({}),
      scorecards: [],
      lines: () => [],
    });
    closing.push(scorecards);
    expect(thrown(() => scorecards.automation())).toMatchObject({
      _tag: "ValidationError",
      issues: [{ path: "scorecards" }],
    });
  });
});

describe("skills", () => {
  function skillFolder(): string {
    const dir = join(tempDir(), "release-notes");
    mkdirSync(join(dir, "references"), { recursive: true });
    writeFileSync(
      join(dir, "SKILL.md"),
      "---\nname: release-notes\ndescription: Writes release notes.\n---\n\nWrite them.\n",
    );
    writeFileSync(join(dir, "references", "format.md"), "# Format\n");
    return dir;
  }

  it("readSkillFile of a file the skill has not is a NotFoundError listing the files it has", () => {
    const skill = loadSkillFolder(skillFolder());
    const error = thrown(() => readSkillFile(skill, "references/missing.md"));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      entity: "skill file",
      id: "references/missing.md",
      field: "path",
      message: 'skill "release-notes" has no file "references/missing.md"; it has: references/format.md',
    });
  });

  it("exportSkill refuses a file outside the skill's folder (ValidationError) and a missing one (NotFoundError)", () => {
    const skill = loadSkillFolder(skillFolder());
    const out = tempDir();
    expect(thrown(() => exportSkill({ ...skill, files: [...skill.files, "../secret"] }, out))).toMatchObject({
      _tag: "ValidationError",
      issues: [{ path: "files[1]" }],
    });
    const missing = thrown(() =>
      exportSkill({ ...skill, files: [...skill.files, "references/gone.md"] }, out),
    );
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ entity: "skill file", id: "references/gone.md", field: "files[1]" });
  });

  it("classify-signal in a factory without lines fails with a NotFoundError, before asking the model", async () => {
    const factory: Factory = await openFactory({
      dir: tempDir(),
      actor: "ana",
      model: createOpenAiCompatibleProvider({ baseUrl: "http://127.0.0.1:9", model: "none" }),
    });
    closing.push(factory);
    const running = factory.skills.run("classify-signal", { text: "Refunds fail" });
    await expect(running).rejects.toBeInstanceOf(NotFoundError);
    await expect(running).rejects.toMatchObject({
      entity: "line",
      message: "the factory has no lines to classify into; declare lines in the floor plan first",
    });
  });
});

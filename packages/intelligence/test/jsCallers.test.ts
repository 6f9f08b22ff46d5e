/**
 * The Promise API as plain JavaScript calls it: every public function and
 * method of the intelligence package (but the router's and the context
 * packs'), given an argument of the wrong type, throws a `ValidationError`
 * naming that argument (or the option, for an option of the wrong type),
 * never a `TypeError` from deep inside, and writes nothing. The methods are enumerated at runtime, so one added later without
 * an entry here fails the sweep.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as intelligence from "@software-factory/intelligence";
import {
  defineRule,
  defineScorecard,
  defineSkill,
  type Factory,
  openFactory,
  parseAgentsMd,
} from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { methodsOf, outcome, refusalProblem } from "../../core/test/fixtures/jsCallerSweep.js";

/** How an argument is typed, which decides the wrong values it is given. */
type Kind =
  | "string"
  | "string?"
  | "strings"
  | "strings?"
  | "object"
  | "object?"
  | "options"
  | "options?"
  | "record?"
  | "items"
  | "any";

/** How an option is typed, which decides the wrong values it is given. */
type FieldKind = "string?" | "strings?" | "number?" | "boolean?" | "function?" | "object?";

/**
 * One argument of a function: its name (which the error must name), its kind,
 * a valid value and, for an options object, the kinds of its fields.
 */
interface Param {
  readonly name: string;
  readonly kind: Kind;
  readonly valid: () => unknown;
  readonly fields?: Readonly<Record<string, FieldKind>>;
}

/** Wrong values for an argument of each kind: a number, null, undefined, a string for an object... */
const WRONG: Record<Exclude<Kind, "items" | "any">, readonly unknown[]> = {
  string: [42, null, undefined, {}, ["a"]],
  "string?": [42, null, {}],
  strings: [42, "a", null, undefined, [42], {}],
  "strings?": [42, "a", null, [42]],
  object: [42, "a", null, undefined],
  "object?": [42, "a", null],
  options: [42, "a", null, undefined, { zzUnknownKey: 1 }],
  "options?": [42, "a", null, { zzUnknownKey: 1 }],
  "record?": [42, "a", null],
};

/** Wrong values for an option of each kind. */
const WRONG_FIELD: Record<FieldKind, readonly unknown[]> = {
  "string?": [42, null, {}],
  "strings?": [42, "a", null, [42]],
  "number?": ["5", null, {}],
  "boolean?": ["yes", 1, null],
  "function?": [42, "a", null],
  "object?": [42, "a", null],
};

let root: string;
let out: string;
let factory: Factory;

const rule = () =>
  defineRule({
    id: "line-described",
    description: "Every line says what it is for.",
    severity: "warning",
    appliesTo: "line",
    triggers: ["floorplan.line.declared"],
    check: () => [],
  });
const scorecard = () =>
  defineScorecard({
    id: "readiness",
    description: "Lines ready for production.",
    levels: [{ name: "bronze", rules: ["line-described"] }],
  });
const skill = () =>
  defineSkill({
    name: "echo",
    description: "Echoes a text.",
    input: z.object({ text: z.string() }),
    output: z.object({ text: z.string() }),
    run: async ({ text }) => ({ text }),
  });
const instruction = () => parseAgentsMd("# Guide\n\n## Tests\n\nWrite tests.\n", "AGENTS.md")[0];
const instructionSkill = () => factory.skills.instructions("demo");

const p = (name: string, kind: Kind, valid: () => unknown = () => undefined): Param => ({
  name,
  kind,
  valid,
});
const str = (name: string, value = "x") => p(name, "string", () => value);
const optStr = (name: string) => p(name, "string?");
const strs = (name: string, value: readonly string[] = ["x"]) => p(name, "strings", () => value);
const opts = (fields: Readonly<Record<string, FieldKind>> = {}, name = "options"): Param => ({
  name,
  kind: "options?",
  valid: () => ({}),
  fields,
});
const dirParam = (name = "dir") => p(name, "string", () => join(out, "none"));

/** Exported functions and constructors (`new`) and static methods (`Class.method`), by export name. */
const FUNCTIONS: Record<string, readonly Param[]> = {
  makeBuiltinAutomations: [opts({ autoRoute: "object?" })],
  defineAutomation: [p("automation", "object")],
  makeWebhookDelivery: [
    {
      name: "options",
      kind: "options",
      valid: () => ({ url: "http://127.0.0.1:9/hook" }),
      fields: {
        format: "string?",
        secret: "string?",
        to: "strings?",
        headers: "object?",
        timeoutMs: "number?",
        name: "string?",
        retry: "object?",
        maxAgeMs: "number?",
      },
    },
  ],
  startAutomations: [p("options", "object")],
  readAutomationFailures: [
    p("log", "object", () => factory.log),
    optStr("automation"),
    opts({ limit: "number?", skip: "number?" }, "page"),
  ],
  automationNames: [p("recorded", "strings", () => [])],
  "Inbox.open": [p("log", "object", () => factory.log), opts({ operators: "object?" })],
  openFactory: [opts({ dir: "string?", actor: "string?", skillsDir: "string?", readOnly: "boolean?" })],
  embedderFromEnv: [p("env", "record?", () => ({}))],
  modelFromEnv: [p("env", "record?", () => ({}))],
  createOpenAiCompatibleProvider: [p("options", "object")],
  exportAgentsMd: [
    p("standards", "items", () => [instruction()]),
    p("file", "string", () => join(out, "AGENTS.md")),
    opts({ title: "string?" }),
  ],
  formatAgentsMd: [p("standards", "items", () => [instruction()]), opts({ title: "string?", to: "string?" })],
  standardsForExport: [p("standards", "items", () => [instruction()]), opts({ to: "string?" })],
  loadAgentsMd: [
    p("file", "string", () => join(out, "AGENTS.md")),
    opts({ root: "string?", onWarning: "function?" }),
  ],
  parseAgentsMd: [
    str("text", "# Guide\n"),
    str("file", "AGENTS.md"),
    opts({ folder: "string?", format: "string?" }),
  ],
  installBuiltinStandards: [p("factory", "object", () => factory), p("pack", "object?")],
  makeBuiltinStandards: [opts({ signalSlaHours: "object?", now: "function?" })],
  exportCursorRules: [p("standards", "items", () => [instruction()]), dirParam()],
  formatCursorRule: [p("standard", "object")],
  loadCursorRules: [dirParam(), opts({ folder: "string?", onWarning: "function?" })],
  parseCursorRule: [str("text", "---\n---\nx\n"), str("file", "a.mdc"), opts({ onWarning: "function?" })],
  instructionId: [str("text")],
  standardAppliesTo: [p("standard", "object", instruction), str("path", "a.ts")],
  defineRule: [p("rule", "object")],
  defineRulePack: [p("pack", "object")],
  defineScorecard: [p("scorecard", "object")],
  installBasicStandards: [p("factory", "object")],
  scoreLines: [
    p("standards", "object", () => factory.standards),
    p("scorecard", "object", scorecard),
    strs("lines"),
  ],
  suspectCause: [p("link", "object")],
  loadInstructionStandards: [dirParam("root"), opts({ onWarning: "function?" })],
  ruleGate: [
    p("standards", "object", () => factory.standards),
    p("options", "object", () => ({ stage: "release" })),
  ],
  "new Standards": [p("context", "any", () => ({})), opts({ checkTimeoutMs: "number?" })],
  "Scorecards.open": [p("options", "object")],
  defineFactorySkill: [p("skill", "object")],
  defineSkill: [p("skill", "object")],
  exportSkill: [p("skill", "object", instructionSkill), dirParam()],
  formatSkillMd: [p("skill", "object")],
  loadSkillFolder: [dirParam(), opts({ onWarning: "function?" })],
  loadSkillsDir: [dirParam(), opts({ onWarning: "function?" })],
  makeFolders: [dirParam()],
  parseSkillMd: [
    str("text", "---\nname: x\ndescription: An x.\n---\nDo x.\n"),
    str("file", "SKILL.md"),
    optStr("folder"),
  ],
  planCodebasePages: [
    p("knowledge", "object", () => factory.knowledge),
    dirParam("folder"),
    strs("files", []),
    strs("systems", []),
  ],
  readSkillBytes: [p("skill", "object", instructionSkill), str("path", "SKILL.md")],
  readSkillFile: [p("skill", "object", instructionSkill), str("path", "SKILL.md")],
  safeLoadSkillsDir: [dirParam(), opts({ onWarning: "function?" })],
  "new SkillRegistry": [
    p("log", "object", () => factory.log),
    p("services", "any"),
    opts({ model: "object?", instructionsDir: "string?", claimLeaseMs: "number?" }),
  ],
};

/** Exports that take no argument, or whose wrong arguments are another package's or helper's. */
const FUNCTIONS_LEFT_OUT = new Set([
  // Private constructors: Inbox.open and Scorecards.open make them.
  "new Inbox",
  "new Scorecards",
  // Errors and Effect services are not called with user input here.
  "new SkillFailedError",
  "new WebhookDeliveryError",
  "new PermanentFailureError",
  "new ClaimRenewalError",
  "new FactoryService",
  "new IntelligenceService",
  "FactoryService.fromFactory",
  "FactoryService.layer",
  "makeIntelligenceShape",
  // The router, the context packs, the codebase import and the connectors are others' work.
  "new Router",
  "Router.train",
  "contextPackMarkdown",
  "loadTokenCounter",
  "gitChangedPaths",
  "applyImportPlan",
  "importCodebase",
  "planImport",
  "gitTopLevel",
  "pathInRepository",
  "listRepoFiles",
  "scanCodebase",
  "importGitCommits",
  "importIssues",
  "severityOfLabels",
  "workItemKindOfLabels",
  "importJsonl",
  "importJUnitReport",
  "findFactoryFolder",
]);

/** Methods of the factory's parts, by `part.method`. */
const METHODS: Record<string, readonly Param[]> = {
  "standards.addSource": [p("source", "object")],
  "standards.add": [p("rules", "items", () => [])],
  "standards.addInstructions": [p("standards", "items", () => [])],
  "standards.addSkipped": [p("skipped", "items", () => [])],
  "standards.instructions": [p("paths", "strings?")],
  "standards.rule": [str("id")],
  "standards.check": [opts({ kind: "string?", id: "string?", line: "string?", rules: "strings?" }, "scope")],
  "standards.checkTarget": [str("kind", "line"), p("target", "any"), p("rules", "strings?", () => [])],
  "standards.linesOf": [p("ref", "object")],
  "scorecards.levelOf": [str("scorecard", "readiness"), str("line", "checkout")],
  "scorecards.evaluate": [str("scorecard", "readiness"), p("lines", "strings?")],
  "inbox.list": [
    str("operator", "ada"),
    opts({ unreadOnly: "boolean?", limit: "number?", after: "number?" }),
  ],
  "inbox.unreadCount": [str("operator", "ada")],
  "inbox.notify": [p("notification", "object"), opts({ actor: "string?" })],
  "inbox.markRead": [str("operator", "ada"), strs("ids", [])],
  "automations.failures": [optStr("automation")],
  "automations.retry": [str("automation", "rescore-lines"), str("event", "none")],
  "skills.add": [p("skills", "items", () => [])],
  "skills.addInstructions": [p("skills", "items", () => [])],
  "skills.addProblems": [p("problems", "items", () => [])],
  "skills.reloadInstructions": [dirParam()],
  "skills.instructions": [str("name", "demo")],
  "skills.skillMd": [str("name", "demo")],
  "skills.usage": [p("options", "object", () => ({ from: "2026-01-01", to: "2026-02-01" }))],
  "factory.encodedUsage": [p("options", "object", () => ({ from: "2026-01-01", to: "2026-02-01" }))],
  "skills.run": [
    str("name", "echo"),
    p("input", "any", () => ({ text: "x" })),
    opts({ actor: "string?", idempotencyKey: "string?", signal: "object?" }),
  ],
};

/** Methods that take no argument (or only a value of any type), and those of others' parts. */
const METHODS_LEFT_OUT = new Set([
  "factory.close",
  "factory.route",
  "factory.context",
  "standards.rules",
  "standards.skipped",
  "standards.packs",
  "standards.kinds",
  "standards.close",
  "scorecards.list",
  "scorecards.triggers",
  "scorecards.automation",
  "scorecards.close",
  "inbox.close",
  "automations.positions",
  "automations.idle",
  "automations.close",
  "skills.problems",
  "skills.list",
  "skills.close",
]);

const PARTS = ["standards", "scorecards", "inbox", "automations", "skills"] as const;

/** Every exported function as the sweep names it: `f`, `new Class`, `Class.static`. */
function exportedFunctions(): string[] {
  const names: string[] = [];
  for (const [name, value] of Object.entries(intelligence)) {
    if (typeof value !== "function") continue;
    if (!/^class\b/.test(Function.prototype.toString.call(value))) {
      names.push(name);
      continue;
    }
    names.push(`new ${name}`);
    for (const key of Object.getOwnPropertyNames(value))
      if (typeof (value as unknown as Record<string, unknown>)[key] === "function")
        names.push(`${name}.${key}`);
  }
  return names.sort();
}

/** The callable behind a sweep name. */
function callable(name: string): (...args: unknown[]) => unknown {
  const exports = intelligence as unknown as Record<string, unknown>;
  if (name.startsWith("new ")) {
    const Class = exports[name.slice(4)] as new (...args: unknown[]) => unknown;
    return (...args) => new Class(...args);
  }
  const [owner, method] = name.split(".");
  if (method === undefined) return exports[name] as (...args: unknown[]) => unknown;
  const target =
    owner === "factory"
      ? (factory as unknown as Record<string, unknown>)
      : owner !== undefined && PARTS.includes(owner as (typeof PARTS)[number])
        ? (factory as unknown as Record<string, Record<string, unknown>>)[owner]
        : (exports[owner ?? ""] as Record<string, unknown>);
  const fn = target?.[method] as (...args: unknown[]) => unknown;
  return (...args) => fn.apply(target, args);
}

/** Each wrong call of a function: the arguments and the argument it gets wrong. */
function wrongCalls(params: readonly Param[]): { args: unknown[]; wrong: string; shown: string }[] {
  const calls: { args: unknown[]; wrong: string; shown: string }[] = [];
  params.forEach((param, index) => {
    const valid = params.map((each) => each.valid());
    if (param.kind === "any") return;
    const values =
      param.kind === "items"
        ? [[42], [null], ["a"]].map((items) => ({ items }))
        : WRONG[param.kind].map((value) => ({ value }));
    for (const bad of values) {
      const args =
        "items" in bad
          ? params.length === 1
            ? bad.items
            : valid.map((value, at) => (at === index ? bad.items : value))
          : valid.map((value, at) => (at === index ? bad.value : value));
      const shown =
        "items" in bad
          ? `[${bad.items.map((item) => JSON.stringify(item)).join(", ")}]`
          : String(JSON.stringify(bad.value));
      calls.push({ args, wrong: param.name, shown });
    }
    for (const [field, kind] of Object.entries(param.fields ?? {})) {
      for (const value of WRONG_FIELD[kind]) {
        const args = valid.map((each, at) => (at === index ? { [field]: value } : each));
        calls.push({ args, wrong: field, shown: `{ ${field}: ${JSON.stringify(value)} }` });
      }
    }
  });
  return calls;
}

/** What a refused call must not change: the log, the parts' lists and the files written. */
async function state(): Promise<unknown> {
  return {
    head: await factory.log.head(),
    rules: factory.standards.rules().map((each) => each.id),
    packs: factory.standards.packs().map((each) => each.id),
    kinds: factory.standards.kinds(),
    instructions: factory.standards.instructions().map((each) => each.id),
    skipped: factory.standards.skipped().length,
    skills: factory.skills.list().map((each) => each.name),
    problems: factory.skills.problems().map((each) => each.name),
    files: readdirSync(out, { recursive: true }),
  };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "intelligence-js-callers-"));
  out = join(root, "out");
  mkdirSync(out);
  const dir = join(root, ".factory");
  mkdirSync(join(dir, "skills", "demo"), { recursive: true });
  writeFileSync(
    join(dir, "skills", "demo", "SKILL.md"),
    "---\nname: demo\ndescription: A demo skill.\n---\nDo the demo.\n",
  );
  factory = await openFactory({ dir, rules: [rule()], scorecards: [scorecard()], skills: [skill()] });
});

afterAll(async () => {
  await factory?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("called from JavaScript with wrong-typed arguments", () => {
  it("has an entry for every exported function and every method of the factory's parts", () => {
    const methods = [
      ...methodsOf(factory).map((name) => `factory.${name}`),
      ...PARTS.flatMap((part) => methodsOf(factory[part] ?? {}).map((name) => `${part}.${name}`)),
    ];
    expect(methods.filter((name) => !(name in METHODS) && !METHODS_LEFT_OUT.has(name))).toEqual([]);
    expect(
      exportedFunctions().filter((name) => !(name in FUNCTIONS) && !FUNCTIONS_LEFT_OUT.has(name)),
    ).toEqual([]);
  });

  const sweep = { ...FUNCTIONS, ...METHODS };
  for (const [name, params] of Object.entries(sweep)) {
    it(`${name} refuses each wrong argument with a ValidationError naming it, and writes nothing`, async () => {
      const failures: string[] = [];
      for (const { args, wrong, shown } of wrongCalls(params)) {
        const before = await state();
        const error = await outcome(() => callable(name)(...args));
        const after = await state();
        const what = `${name} with ${wrong} = ${shown}`;
        const problem = refusalProblem(error, wrong);
        if (problem !== undefined) failures.push(`${what}: ${problem}`);
        if (JSON.stringify(after) !== JSON.stringify(before)) failures.push(`${what}: something was written`);
      }
      expect(failures).toEqual([]);
    });
  }
});

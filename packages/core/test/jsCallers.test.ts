/**
 * The core's Promise API as plain JavaScript calls it: every method of the
 * event log, the event registry and the assembly line, and the core's
 * functions and constructors (`defineEvent`, `new EventRegistry`,
 * `startProjection`, `migrateLog`, the stores' `open*`), given an argument of the wrong type,
 * throws a `ValidationError` naming that argument (or the option, for an
 * option of the wrong type), never a `TypeError`, a `NotFoundError` for an id
 * such as `null`, or a silent empty answer, and writes nothing. The methods
 * and the main entry's functions are enumerated at runtime, so one added
 * later without an entry here (or a reason to leave it out) fails the sweep.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as core from "@software-factory/core";
import {
  type AssemblyLine,
  createMemoryEventStore,
  defineEvent,
  type EventLog,
  EventRegistry,
  migrateLog,
  openAssemblyLine,
  openEventLog,
  startProjection,
  ValidationError,
} from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { functionsOf, methodsOf, outcome } from "./fixtures/jsCallerSweep.js";

/** How an argument is typed, which decides the wrong values it is given. */
type Kind = "string" | "string?" | "position" | "object" | "object?" | "items" | "function";

/** How an option is typed, which decides the wrong values it is given. */
type FieldKind = "string?" | "number?" | "object?" | "boolean?" | "list?";

/** One argument: its name (which the error must name), its kind, a valid value and, for options, its fields' kinds. */
interface Param {
  readonly name: string;
  readonly kind: Kind;
  readonly valid: () => unknown;
  readonly fields?: Readonly<Record<string, FieldKind>>;
}

/** Wrong values for an argument of each kind. */
const WRONG: Record<Exclude<Kind, "items">, readonly unknown[]> = {
  string: [42, null, undefined, {}, ["a"]],
  "string?": [42, null, {}, ["a"]],
  position: ["1", null, undefined, {}, -1, 1.5],
  object: [42, "a", null, undefined, ["a"]],
  "object?": [42, "a", null, ["a"]],
  function: [42, "a", null, undefined, {}],
};

/** Wrong values for an option of each kind. */
const WRONG_FIELD: Record<FieldKind, readonly unknown[]> = {
  "string?": [42, null, {}],
  "number?": ["5", null, {}],
  "object?": [42, "a", null],
  "boolean?": ["yes", 1, null],
  "list?": [42, "a", null, {}],
};

let root: string;
let log: EventLog;
let line: AssemblyLine;
const ids = { item: "", signal: "", link: "", deployment: "", incident: "" };

const p = (name: string, kind: Kind, valid: () => unknown = () => undefined): Param => ({
  name,
  kind,
  valid,
});
const id = (name: string, of: keyof typeof ids) => p(name, "string", () => ids[of]);
const opts = (fields: Readonly<Record<string, FieldKind>>, name = "options"): Param => ({
  name,
  kind: "object?",
  valid: () => ({}),
  fields,
});
const move = opts({
  actor: "string?",
  idempotencyKey: "string?",
  expectedVersion: "number?",
  overrideWip: "object?",
});
const fact = opts({ idempotencyKey: "string?" });
const reason = p("input", "object", () => ({ reason: "r" }));

/** Methods of the event log, by name. */
const LOG_METHODS: Record<string, readonly Param[]> = {
  append: [
    p("events", "object", () => []),
    opts({ idempotencyKey: "string?", expectedHead: "number?", actor: "string?" }),
  ],
  read: [opts({ after: "number?", until: "number?", limit: "number?" }, "query")],
  readAll: [opts({ after: "number?", until: "number?", pageSize: "number?" }, "query")],
  eventIdAt: [p("position", "position", () => 1)],
  subscribe: [p("handler", "function", () => () => {}), opts({ after: "number?", batchSize: "number?" })],
  watch: [p("listener", "function", () => () => {})],
};

/** Methods of the event log that take no argument, and `closedError`, which only words an error for the parts over the log. */
const LOG_LEFT_OUT = new Set(["head", "close", "closedError"]);

/** Methods of the event registry, by name. */
const REGISTRY_METHODS: Record<string, readonly Param[]> = {
  register: [p("definitions", "items", () => [])],
  has: [p("type", "string", () => "note.added")],
  get: [p("type", "string", () => "note.added")],
  validate: [p("type", "string", () => "note.added")],
  upcast: [p("event", "object")],
};

/** Methods of the event registry that take no argument. */
const REGISTRY_LEFT_OUT = new Set(["types"]);

/** Methods of the assembly line, by name. */
const LINE_METHODS: Record<string, readonly Param[]> = {
  registerGate: [p("gate", "object")],
  createWorkItem: [p("input", "object", () => ({ line: "checkout", title: "Another" })), move],
  advance: [id("id", "item"), move],
  sendBack: [id("id", "item"), p("input", "object", () => ({ reason: "r", cause: "defect" })), move],
  block: [id("id", "item"), reason, move],
  unblock: [id("id", "item"), opts({ reason: "string?" }, "input"), move],
  drop: [id("id", "item"), reason, move],
  complete: [id("id", "item"), move],
  assign: [id("id", "item"), p("input", "object", () => ({})), move],
  wipLimitOf: [p("line", "string", () => "checkout")],
  recordArtifact: [p("input", "object")],
  recordArtifacts: [p("inputs", "items", () => [])],
  link: [p("input", "object")],
  linkAll: [p("inputs", "items", () => [])],
  reviewLink: [id("linkId", "link"), p("input", "object", () => ({ verdict: "keep" })), fact],
  captureSignal: [
    p("input", "object", () => ({ text: "Slow", source: "sales" })),
    opts({ idempotencyKey: "string?" }),
  ],
  routeSignal: [id("id", "signal"), p("line", "string", () => "checkout"), opts({ actor: "string?" })],
  recordDeployment: [
    {
      ...opts({ environment: "string?", line: "string?", version: "string?" }, "input"),
      valid: () => ({ version: "v1" }),
    },
    fact,
  ],
  openIncident: [p("input", "object", () => ({ title: "Slow" })), fact],
  resolveIncident: [id("id", "incident"), opts({ actor: "string?" }, "input")],
  get: [id("id", "item")],
  list: [opts({ line: "string?", stage: "string?", owner: "string?" }, "filter")],
  wipOf: [p("line", "string", () => "checkout")],
  artifact: [p("id", "string", () => "REQ-1")],
  artifactsOf: [id("itemId", "item")],
  traceLink: [id("id", "link")],
  linksOf: [p("ref", "string", () => "REQ-1")],
  suspectLinks: [opts({ item: "string?", line: "string?" }, "scope")],
  walk: [p("ref", "string", () => "REQ-1"), p("direction", "string?", () => "both")],
  trace: [id("itemId", "item")],
  signal: [id("id", "signal")],
  signals: [opts({ line: "string?" }, "filter")],
  deployment: [id("id", "deployment")],
  deployments: [opts({ environment: "string?", line: "string?" }, "filter")],
  incident: [id("id", "incident")],
  incidents: [opts({ line: "string?" }, "filter")],
  measures: [p("options", "object", () => ({ from: "2026-01-01", to: "2027-01-01" }))],
};

/** Methods of the assembly line that take no argument. */
const LINE_LEFT_OUT = new Set(["refresh", "artifacts", "close"]);

/** Each wrong call: the arguments, the argument (or option) it gets wrong, and how it is shown. */
function wrongCalls(params: readonly Param[]): { args: unknown[]; wrong: string; shown: string }[] {
  const calls: { args: unknown[]; wrong: string; shown: string }[] = [];
  params.forEach((param, index) => {
    const valid = params.map((each) => each.valid());
    const values: unknown[] = param.kind === "items" ? [42, "a", null, [42], [null]] : [...WRONG[param.kind]];
    for (const value of values)
      calls.push({
        args: valid.map((each, at) => (at === index ? value : each)),
        wrong: param.name,
        shown: String(JSON.stringify(value)),
      });
    for (const [field, kind] of Object.entries(param.fields ?? {}))
      for (const value of WRONG_FIELD[kind])
        calls.push({
          args: valid.map((each, at) => (at === index ? { [field]: value } : each)),
          wrong: field,
          shown: `{ ${field}: ${JSON.stringify(value)} }`,
        });
  });
  return calls;
}

/** Whether a ValidationError names `name` as (the start of) an issue's path. */
function names(error: unknown, name: string): boolean {
  if (!(error instanceof ValidationError)) return false;
  return error.issues.some((issue) => new RegExp(`(^|[.\\]])${name}($|[.[])`).test(issue.path));
}

/** A sweep of one object's methods against its table. */
function sweep(
  what: string,
  target: () => object,
  table: Record<string, readonly Param[]>,
  leftOut: Set<string>,
) {
  describe(what, () => {
    it("has an entry for every method", () => {
      const missing = methodsOf(target()).filter((name) => !(name in table) && !leftOut.has(name));
      expect(missing).toEqual([]);
    });

    for (const [method, params] of Object.entries(table)) {
      it(`${method} refuses each wrong argument with a ValidationError naming it, writing nothing`, async () => {
        const head = await log.head();
        const object = target() as Record<string, (...args: unknown[]) => unknown>;
        expect(await wrongOutcomes(method, (...args) => object[method]?.(...args), params)).toEqual([]);
        expect(await log.head()).toBe(head);
      });
    }
  });
}

/** Each wrong call of `call` that does not fail with a ValidationError naming what it gets wrong, as a line. */
async function wrongOutcomes(
  name: string,
  call: (...args: unknown[]) => unknown,
  params: readonly Param[],
): Promise<string[]> {
  const wrong: string[] = [];
  for (const each of wrongCalls(params)) {
    const error = await outcome(() => call(...each.args));
    if (!names(error, each.wrong))
      wrong.push(
        `${name}(${each.wrong} = ${each.shown}): ${error === undefined ? "no error" : `${(error as Error).name}: ${(error as Error).message}`}`,
      );
  }
  return wrong;
}

/** The core's functions and constructors, by name, with how to call each and its arguments. */
const FUNCTIONS: Record<
  string,
  { readonly call: (...args: never[]) => unknown; readonly params: readonly Param[] }
> = {
  defineEvent: {
    call: defineEvent,
    params: [
      p("type", "string", () => "note.added"),
      p("schema", "object", () => z.object({})),
      opts({ version: "number?", upcast: "object?" }),
    ],
  },
  findUnsafeLineCharacter: { call: core.findUnsafeLineCharacter, params: [p("text", "string", () => "Pay")] },
  toSafeLine: { call: core.toSafeLine, params: [p("text", "string", () => "Pay")] },
  redactStore: { call: core.redactStore, params: [p("value", "string", () => "postgres://u:pw@db/f")] },
  isPostgresUrl: { call: core.isPostgresUrl, params: [p("value", "string", () => "POSTGRES://db/f")] },
  mistypedStoreUrl: {
    call: core.mistypedStoreUrl,
    params: [p("value", "string", () => "postgres//u:pw@db/f")],
  },
  countAppended: { call: core.countAppended, params: [p("work", "function", () => async () => 1)] },
  firstSafeLine: { call: core.firstSafeLine, params: [p("candidates", "string?", () => "Pay")] },
  cutText: {
    call: core.cutText,
    params: [
      p("text", "string", () => "Pay"),
      p("limit", "position", () => 3),
      p("ellipsis", "string?", () => ""),
    ],
  },
  EventRegistry: {
    call: (...args: ConstructorParameters<typeof EventRegistry>) => new EventRegistry(...args),
    params: [p("definitions", "items", () => [])],
  },
  startProjection: {
    call: startProjection,
    params: [
      p("log", "object", () => log),
      {
        ...p("options", "object", () => ({ apply: () => undefined, live: false })),
        fields: { types: "list?", after: "number?", pageSize: "number?", live: "boolean?" },
      },
    ],
  },
  migrateLog: {
    call: migrateLog,
    params: [
      p("from", "object", createMemoryEventStore),
      p("to", "object", createMemoryEventStore),
      opts({ verify: "boolean?", pageSize: "number?" }),
    ],
  },
  openSqliteEventStore: {
    call: openSqliteEventStore,
    params: [
      {
        ...p("options", "object", () => ({ path: join(root, "other.db") })),
        fields: {
          path: "string?",
          durability: "string?",
          busyTimeoutMs: "number?",
          pollIntervalMs: "number?",
          readOnly: "boolean?",
        },
      },
    ],
  },
  openPostgresEventStore: {
    call: openPostgresEventStore,
    params: [
      {
        ...p("options", "object", () => ({ url: "postgres://factory@localhost:1/factory" })),
        fields: {
          url: "string?",
          schema: "string?",
          readOnly: "boolean?",
          pool: "object?",
          callTimeoutMs: "number?",
        },
      },
    ],
  },
};

/** Functions of the main entry not swept here, with the reason. */
const FUNCTIONS_LEFT_OUT = new Set([
  // Swept above (openAssemblyLine), or the assembly line's helpers and decodeText (not swept here), or take no argument.
  "openAssemblyLine",
  "createMemoryEventStore",
  "fingerprintArtifact",
  "normaliseText",
  "createHistoryFolder",
  "foldAssemblyHistory",
  "makeAssemblyLineShape",
  "measureAssembly",
  "parsePipeline",
  "safeParsePipeline",
  "decodeText",
  // Parse what they are given with their own schema, or take anything by design (guards, hashing, checks).
  "openEventLog",
  "makeEventLogShape",
  "manualClock",
  "canonicalJson",
  "hashJson",
  "checkArguments",
  // Signal plumbing the packages share: a promise and a signal, or two signals, taken as given.
  "abortable",
  "eitherSignal",
  "anObject",
  "withMethods",
  "strictInput",
  "attempt",
  "attemptSync",
  "isKernelError",
  "formatIssues",
  "isFactoryError",
  "validationErrorFromZod",
  "inPlainWords",
  "idTimestamp",
  "isId",
  "newId",
  "unstorableTextIssues",
  "prototypeKeyIssues",
  "parseChatRequest",
  "parseStructuredReply",
  "makeFolders",
  "nearNames",
  "instantOf",
  "replaceFile",
  "replaceFileSync",
  "retryOnConflict",
  // Builds a git call from a folder and git's arguments, taken as given, and runs only `git config`.
  "untrustedGit",
]);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "core-js-callers-"));
  log = await openEventLog({ path: join(root, "factory.db") });
  line = await openAssemblyLine({ log });
  ids.item = (await line.createWorkItem({ line: "checkout", title: "Pay by link" })).id;
  ids.signal = (await line.captureSignal({ text: "Card fails", source: "support" })).id;
  await line.recordArtifact({ id: "REQ-1", kind: "requirement", title: "Pay", fields: { body: "b" } });
  ids.link = (await line.link({ from: ids.item, to: "REQ-1", type: "implements" })).id;
  ids.deployment = await line.recordDeployment({ environment: "production", version: "v1" });
  ids.incident = await line.openIncident({ title: "Down", deployment: ids.deployment });
});

afterAll(async () => {
  await line.close();
  await log.close();
  rmSync(root, { recursive: true, force: true });
});

sweep("the event log", () => log, LOG_METHODS, LOG_LEFT_OUT);
sweep("the event registry", () => log.registry, REGISTRY_METHODS, REGISTRY_LEFT_OUT);

describe("the core's functions and constructors", () => {
  it("has an entry for every function of the main entry", () => {
    const functions = functionsOf(core).concat("EventRegistry");
    expect(functions.filter((name) => !(name in FUNCTIONS) && !FUNCTIONS_LEFT_OUT.has(name))).toEqual([]);
  });

  for (const [name, { call, params }] of Object.entries(FUNCTIONS)) {
    it(`${name} refuses each wrong argument with a ValidationError naming it, writing nothing`, async () => {
      const head = await log.head();
      expect(await wrongOutcomes(name, call as (...args: unknown[]) => unknown, params)).toEqual([]);
      expect(await log.head()).toBe(head);
    });
  }
});
sweep("the assembly line", () => line, LINE_METHODS, LINE_LEFT_OUT);

describe("openAssemblyLine", () => {
  it("refuses options of the wrong type with a ValidationError naming the field, rather than failing or opening", async () => {
    const cases: [unknown, string][] = [
      [null, "(root)"],
      [undefined, "(root)"],
      [{ log: 42 }, "log"],
      [{ log: {} }, "log"],
      [{ log: () => log, gates: 42 }, "gates"],
      [{ log: () => log, actor: 42 }, "actor"],
      [{ log: () => log, lines: 42 }, "lines"],
      [{ log: () => log, pipeline: null }, "pipeline"],
      [{ log: () => log, zzUnknownKey: 1 }, "(root)"],
    ];
    const wrong: string[] = [];
    for (const [options, field] of cases) {
      const given =
        typeof options === "object" &&
        options !== null &&
        "log" in options &&
        typeof options.log === "function"
          ? { ...options, log: options.log() }
          : options;
      const error = await outcome(() => openAssemblyLine(given as never));
      const named =
        error instanceof ValidationError && error.issues.some((issue) => (issue.path || "(root)") === field);
      if (!named) wrong.push(`${field}: ${error === undefined ? "opened" : String(error)}`);
    }
    expect(wrong).toEqual([]);
  });
});

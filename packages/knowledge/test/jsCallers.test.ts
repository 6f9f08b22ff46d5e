/**
 * The knowledge base's Promise API as plain JavaScript calls it: every method
 * of a `KnowledgeBase`, given an argument of the wrong type (a number or null
 * for a document id, a string for a document), throws a `ValidationError`
 * naming that argument (or the option, for an option of the wrong type),
 * never a `TypeError` from deep inside, a `NotFoundError` for document `42`
 * or an empty answer, and writes nothing. The methods are enumerated at
 * runtime, so one added later without an entry here fails the sweep.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, openEventLog } from "@software-factory/core";
import { type CaptureInput, type KnowledgeBase, openKnowledgeBase } from "@software-factory/knowledge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { methodsOf, outcome, refusalProblem } from "../../core/test/fixtures/jsCallerSweep.js";

/** How an argument is typed, which decides the wrong values it is given. */
type Kind = "string" | "object" | "options?";

/** Wrong values for an argument of each kind. */
const WRONG: Record<Kind, readonly unknown[]> = {
  string: [42, null, undefined, {}, ["a"]],
  object: [42, "a", null, undefined, ["a"]],
  "options?": [42, "a", null, ["a"]],
};

/** Wrong values for an option (all the options swept are strings). */
const WRONG_OPTION: readonly unknown[] = [42, null, {}];

/**
 * One argument of a method: its name (which the error must name), its kind,
 * a valid value and, for an options object, its string fields.
 */
interface Param {
  readonly name: string;
  readonly kind: Kind;
  readonly valid: () => unknown;
  readonly fields?: readonly string[];
}

let root: string;
let log: EventLog;
let kb: KnowledgeBase;
/** Ids of the documents the valid arguments name. */
const ids = { first: "", second: "", third: "" };

const note = (title: string, uri?: string): CaptureInput => ({
  kind: "note",
  title,
  body: `${title}: we retry payments twice.`,
  source: { system: "notes", ...(uri === undefined ? {} : { uri }) },
});

const str = (name: string, valid: () => unknown): Param => ({ name, kind: "string", valid });
const obj = (name: string, valid: () => unknown): Param => ({ name, kind: "object", valid });
const opts = (...fields: readonly string[]): Param => ({
  name: "options",
  kind: "options?",
  valid: () => ({}),
  fields,
});
const writeOptions = () => opts("idempotencyKey", "actor");

/** Methods of the knowledge base, by name, in an order whose valid calls all succeed one after another. */
const METHODS: Record<string, readonly Param[]> = {
  capture: [obj("document", () => note("Capture")), writeOptions()],
  captureOrRevise: [obj("document", () => note("Import", "import.md")), opts("actor", "reason")],
  recordDecision: [
    obj("decision", () => ({
      title: "Retry",
      context: "Calls fail.",
      decision: "Retry.",
      source: { system: "adr" },
    })),
    writeOptions(),
  ],
  revise: [str("id", () => ids.first), obj("revision", () => ({ title: "Revised" })), writeOptions()],
  supersede: [str("id", () => ids.first), obj("replacement", () => note("Replacement")), writeOptions()],
  link: [
    str("id", () => ids.second),
    obj("link", () => ({ type: "relatesTo", target: ids.first })),
    writeOptions(),
  ],
  unlink: [
    str("id", () => ids.second),
    obj("link", () => ({ type: "relatesTo", target: ids.first })),
    writeOptions(),
  ],
  move: [
    str("id", () => ids.second),
    str("uri", () => "moved.md"),
    opts("idempotencyKey", "actor", "reason"),
  ],
  retract: [str("id", () => ids.third), str("reason", () => "wrong"), writeOptions()],
  get: [str("id", () => ids.first), opts("asOf")],
  bySource: [str("system", () => "notes"), str("uri", () => "second.md")],
  fromSystem: [str("system", () => "notes")],
  linksTo: [str("target", () => ids.first)],
  list: [opts("asOf", "from", "to")],
  search: [str("query", () => "retry"), opts("asOf", "from", "to")],
};

/** Methods that take no argument, or are not for callers (`start`, which `openKnowledgeBase` calls). */
const LEFT_OUT = new Set(["sync", "close", "start"]);

/** Each wrong call of a method: the arguments, the argument (or option) it gets wrong and that value as shown. */
function wrongCalls(params: readonly Param[]): { args: unknown[]; wrong: string; shown: string }[] {
  const calls: { args: unknown[]; wrong: string; shown: string }[] = [];
  params.forEach((param, index) => {
    const valid = params.map((each) => each.valid());
    for (const value of WRONG[param.kind])
      calls.push({
        args: valid.map((each, at) => (at === index ? value : each)),
        wrong: param.name,
        shown: String(JSON.stringify(value)),
      });
    for (const field of param.fields ?? [])
      for (const value of WRONG_OPTION)
        calls.push({
          args: valid.map((each, at) => (at === index ? { [field]: value } : each)),
          wrong: field,
          shown: `{ ${field}: ${JSON.stringify(value)} }`,
        });
  });
  return calls;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "knowledge-js-callers-"));
  log = await openEventLog({ path: join(root, "factory.db") });
  kb = await openKnowledgeBase({ log, dir: join(root, "knowledge") });
  ids.first = (await kb.capture(note("First", "first.md"))).id;
  ids.second = (await kb.capture(note("Second", "second.md"))).id;
  ids.third = (await kb.capture(note("Third", "third.md"))).id;
});

afterAll(async () => {
  await kb?.close();
  await log?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("the knowledge base called from JavaScript with wrong-typed arguments", () => {
  it("has an entry for every method of the knowledge base", () => {
    expect(methodsOf(kb).filter((name) => !(name in METHODS) && !LEFT_OUT.has(name))).toEqual([]);
  });

  for (const [name, params] of Object.entries(METHODS)) {
    it(`${name} refuses each wrong argument with a ValidationError naming it, and writes nothing`, async () => {
      const failures: string[] = [];
      for (const { args, wrong, shown } of wrongCalls(params)) {
        const before = await log.head();
        const self = kb as unknown as Record<string, (...args: unknown[]) => unknown>;
        const error = await outcome(() => self[name]?.(...args));
        const what = `${name} with ${wrong} = ${shown}`;
        const problem = refusalProblem(error, wrong);
        if (problem !== undefined) failures.push(`${what}: ${problem}`);
        if ((await log.head()) !== before) failures.push(`${what}: something was written`);
      }
      expect(failures).toEqual([]);
    });
  }

  it("makes each call given the valid values the sweep starts from", async () => {
    for (const [name, params] of Object.entries(METHODS)) {
      const self = kb as unknown as Record<string, (...args: unknown[]) => unknown>;
      await self[name]?.(...params.map((param) => param.valid()));
    }
  });
});

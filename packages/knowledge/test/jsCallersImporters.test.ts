/**
 * The importers of the knowledge base as plain JavaScript calls them: given
 * an argument of the wrong type (a number or null for the knowledge base, the
 * folder, the file, the options), each throws a `ValidationError` naming that
 * argument, never a `TypeError` from Node or from deep inside, and writes
 * nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, openEventLog } from "@software-factory/core";
import {
  importMarkdownFolder,
  importRecords,
  type KnowledgeBase,
  markdownFiles,
  moveRenamedFiles,
  openKnowledgeBase,
} from "@software-factory/knowledge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outcome, refusalProblem } from "../../core/test/fixtures/jsCallerSweep.js";

let root: string;
let log: EventLog;
let kb: KnowledgeBase;

/** Wrong values for each kind of argument. */
const WRONG = {
  knowledge: [42, "kb", null, undefined, {}],
  string: [42, null, undefined, {}, ["a"]],
  options: [42, "a", null, ["a"]],
  map: [42, null, undefined, {}, [["a.md", () => undefined]]],
} as const;

/** One argument of an importer: its name, the wrong values it is given and a valid value. */
interface Param {
  readonly name: string;
  readonly wrong: readonly unknown[];
  readonly valid: () => unknown;
}

const IMPORTERS: Record<string, { call: (...args: unknown[]) => unknown; params: readonly Param[] }> = {
  importMarkdownFolder: {
    call: importMarkdownFolder as (...args: unknown[]) => unknown,
    params: [
      { name: "knowledge", wrong: WRONG.knowledge, valid: () => kb },
      { name: "folder", wrong: WRONG.string, valid: () => join(root, "notes") },
      { name: "options", wrong: WRONG.options, valid: () => ({}) },
    ],
  },
  importRecords: {
    call: importRecords as (...args: unknown[]) => unknown,
    params: [
      { name: "knowledge", wrong: WRONG.knowledge, valid: () => kb },
      { name: "file", wrong: WRONG.string, valid: () => join(root, "records.json") },
      {
        name: "options",
        wrong: [...WRONG.options, undefined],
        valid: () => ({ mapping: { id: "id", title: "title", body: "body" }, system: "records" }),
      },
    ],
  },
  moveRenamedFiles: {
    call: moveRenamedFiles as (...args: unknown[]) => unknown,
    params: [
      { name: "knowledge", wrong: WRONG.knowledge, valid: () => kb },
      { name: "system", wrong: WRONG.string, valid: () => "notes" },
      { name: "files", wrong: WRONG.map, valid: () => new Map() },
      { name: "options", wrong: WRONG.options, valid: () => ({}) },
    ],
  },
  markdownFiles: {
    call: markdownFiles as (...args: unknown[]) => unknown,
    params: [{ name: "root", wrong: WRONG.string, valid: () => join(root, "notes") }],
  },
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "knowledge-js-importers-"));
  mkdirSync(join(root, "notes"));
  writeFileSync(join(root, "notes", "retries.md"), "# Retries\n\nWe retry payments twice.\n");
  writeFileSync(
    join(root, "records.json"),
    JSON.stringify([{ id: "r1", title: "One", body: "First record." }]),
  );
  log = await openEventLog({ path: join(root, "factory.db") });
  kb = await openKnowledgeBase({ log, dir: join(root, "knowledge") });
});

afterAll(async () => {
  await kb?.close();
  await log?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("the knowledge importers called from JavaScript with wrong-typed arguments", () => {
  for (const [name, { call, params }] of Object.entries(IMPORTERS)) {
    it(`${name} refuses each wrong argument with a ValidationError naming it, and writes nothing`, async () => {
      const failures: string[] = [];
      for (const [index, param] of params.entries())
        for (const value of param.wrong) {
          const args = params.map((each, at) => (at === index ? value : each.valid()));
          const before = await log.head();
          const error = await outcome(() => call(...args));
          const what = `${name} with ${param.name} = ${String(JSON.stringify(value)).slice(0, 30)}`;
          const problem = refusalProblem(error, param.name);
          if (problem !== undefined) failures.push(`${what}: ${problem}`);
          if ((await log.head()) !== before) failures.push(`${what}: something was written`);
        }
      expect(failures).toEqual([]);
    });
  }

  it("imports given the valid values the sweep starts from", async () => {
    for (const { call, params } of Object.values(IMPORTERS))
      await call(...params.map((param) => param.valid()));
    expect((await kb.list()).map((document) => document.title).sort()).toEqual(["One", "Retries"]);
  });
});

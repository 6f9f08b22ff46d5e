import {
  type AssemblyLine,
  ConcurrencyConflictError,
  type EventLog,
  openAssemblyLine,
  openEventLog,
  WorkAdvanced,
  WorkAssigned,
  type WorkItem,
} from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../contract/eventStoreContract.js";
import { steppedLog } from "../fixtures/steppedLog.js";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
const opened: { line: AssemblyLine; log: EventLog }[] = [];
afterEach(async () => {
  for (const { line, log } of opened.splice(0)) {
    await line.close();
    await log.close();
  }
  await factory?.close();
});

/**
 * A test factory (the first process) and a second process on its file, whose
 * log can run a step before its calls; an item the first created and the second has seen.
 */
async function oneItemInTwoProcesses() {
  factory = await openTestFactory();
  const first = factory.line;
  const other = steppedLog(await openEventLog({ path: factory.path, clock: factory.clock }));
  const second = { log: other.log, line: await openAssemblyLine({ log: other.log }) };
  opened.push(second);
  const item = await first.createWorkItem({ line: "checkout", title: "Pay by link" });
  await waitFor(() => second.line.get(item.id) !== undefined);
  return { first, other, second: second.line, item };
}

describe("one item advanced from two processes", () => {
  it("refuses the advance of a process when the other's advance lands after the call began, before it read the log", async () => {
    const { first, other, second, item } = await oneItemInTwoProcesses();

    let moved: WorkItem | undefined;
    other.before("head", async () => {
      moved = await first.advance(item.id);
    });
    const refused = await second.advance(item.id).catch((error: unknown) => error);

    expect(moved).toMatchObject({ stage: "requirements", version: item.version + 1 });
    expect(refused).toBeInstanceOf(ConcurrencyConflictError);
    expect(refused).toMatchObject({ expected: item.version, actual: item.version + 1 });
    const advances = (await factory.log.read({ types: [WorkAdvanced.type] })).filter(WorkAdvanced.is);
    expect(advances.map((event) => event.data.to)).toEqual(["requirements"]);
  });
});

describe("one item assigned from two processes", () => {
  it("writes one assignment when both assign the owner it has, the second after the first landed unseen", async () => {
    const { first, other, second, item } = await oneItemInTwoProcesses();
    const assignments = async () => (await factory.log.read({ types: [WorkAssigned.type] })).length;

    other.before("head", () => first.assign(item.id, { owner: "ben", contributors: ["sam"] }));
    const repeated = await second.assign(item.id, { owner: "ben", contributors: ["sam"] });

    expect(repeated).toMatchObject({ owner: "ben", contributors: ["sam"], version: item.version + 1 });
    expect(await first.assign(item.id, { owner: "ben" })).toMatchObject({ version: item.version + 1 });
    expect(await assignments()).toBe(1);
    expect(await second.assign(item.id, { contributors: ["sam", "kim"] })).toMatchObject({
      contributors: ["sam", "kim"],
      version: item.version + 2,
    });
    expect(await assignments()).toBe(2);
  });
});

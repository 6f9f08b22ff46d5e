import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, refusedWrite, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

/** The message of a write refused with a `ValidationError` that left the log as it was. */
const refused = async (write: () => Promise<unknown>) => (await refusedWrite(factory, write)).message;

describe("lists of ids", () => {
  it("refuses an id listed twice, naming the entry, and writes nothing", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const signal = await line.captureSignal({ text: "Cards declined", source: "support" });
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link" });
    const deployment = await line.recordDeployment({ workItems: [item.id] });
    const incident = await line.openIncident({ title: "Checkout down", deployment });
    expect(
      await refused(() =>
        line.createWorkItem({ line: "checkout", title: "Again", signals: [signal.id, signal.id] }),
      ),
    ).toMatch(`signals[1]: "${signal.id}" is listed twice`);
    expect(await refused(() => line.recordDeployment({ workItems: [item.id, item.id] }))).toMatch(
      `workItems[1]: "${item.id}" is listed twice`,
    );
    expect(await refused(() => line.recordDeployment({ remediates: [incident, incident] }))).toMatch(
      `remediates[1]: "${incident}" is listed twice`,
    );
    expect(await refused(() => line.assign(item.id, { contributors: ["ann", "ben", "ann"] }))).toMatch(
      'contributors[2]: "ann" is listed twice',
    );
    expect(line.signal(signal.id)?.workItems).toEqual([]);
  });
});

import {
  createHistoryFolder,
  foldAssemblyHistory,
  type MeasureOptions,
  measureAssembly,
} from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { changeSet, openTestFactory, type TestFactory, testRun } from "./fixtures/factory.js";
import { assemblyEvents, countWalks } from "./fixtures/historyWalks.js";

const H0 = Date.parse("2026-03-02T09:00:00Z");
const HOUR = 3_600_000;
const week = { from: new Date(H0), to: new Date(H0 + 7 * 24 * HOUR) };

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("measures of a line or an operator in a live history", () => {
  it("read only their share after an append, without walking every item, signal, deployment and incident", async () => {
    factory = await openTestFactory();
    const { line, clock } = factory;
    const at = (hour: number) => clock.set(H0 + hour * HOUR);
    const signal = await line.captureSignal({
      text: "slow",
      source: "support",
      actor: "fay",
      line: "search",
    });
    const p = await line.createWorkItem({ line: "checkout", title: "P", flow: "tiny", owner: "ann" });
    const r = await line.createWorkItem({
      line: "search",
      title: "R",
      flow: "tiny",
      owner: "ben",
      signals: [signal.id],
    });
    at(1);
    for (const item of [p, r]) {
      await line.recordArtifact({ kind: "changeSet", title: "change", fields: changeSet, workItem: item.id });
      await line.recordArtifact({
        kind: "testEvidence",
        title: "tests",
        fields: testRun(),
        workItem: item.id,
      });
      for (let move = 0; move < 3; move++) await line.advance(item.id);
    }
    at(2);
    await line.recordDeployment({ workItems: [p.id], line: "checkout" });
    const folded = (await assemblyEvents(factory.log)).length;
    // Written after the live history measured: a new owner, a re-route, a deployment, an incident, an item.
    at(3);
    await line.assign(p.id, { owner: "ben" });
    await line.routeSignal(signal.id, "checkout");
    const r3 = await line.recordDeployment({ workItems: [r.id] });
    at(4);
    await line.openIncident({ title: "search down", deployment: r3 });
    await line.createWorkItem({ line: "search", title: "S", flow: "tiny", owner: "ann" });
    const all = await assemblyEvents(factory.log);

    const folder = createHistoryFolder();
    for (const event of all.slice(0, folded)) folder.apply(event);
    const scopes: MeasureOptions[] = [
      { ...week, line: "checkout" },
      { ...week, line: "search" },
      { ...week, operator: "ann" },
      { ...week, operator: "ben" },
      { ...week, operator: "fay" },
      { ...week, line: "search", operator: "ben" },
    ];
    for (const options of scopes) measureAssembly(folder.history, options);
    const { items, signals, deployments, incidents } = folder.history;
    const counter = countWalks([items, signals, deployments, incidents]);
    for (const event of all.slice(folded)) folder.apply(event);
    const live = scopes.map((options) => measureAssembly(folder.history, options));
    expect(counter.walks).toBe(0);

    const fresh = foldAssemblyHistory(all);
    expect(live).toEqual(scopes.map((options) => measureAssembly(fresh, options)));
    // ben owns P and R at the window's end; the signal is checkout's now; R's deployment caused an incident.
    expect(live[3]?.throughput).toMatchObject({ delivered: 2 });
    expect(live[0]?.signals).toMatchObject({ captured: 1, turnedIntoWork: 1 });
    expect(live[1]?.dora).toMatchObject({ deployments: 1, changeFailRate: 1 });
  });
});

/**
 * All measures (and the DORA ones, and yield, throughput and signals alone)
 * over a 90-day window of the synthetic history: the fold, the first calls that
 * build the indexes, a live tail of appends, and each line and owner in turn.
 */
import { createHistoryFolder, measureAssembly } from "@software-factory/core";
import { measureDora } from "../../packages/core/src/assembly/doraMeasures.js";
import { scopeIndexOf } from "../../packages/core/src/assembly/internal/HistoryIndexes.js";
import { measureSignals } from "../../packages/core/src/assembly/signalMeasures.js";
import { measureThroughput } from "../../packages/core/src/assembly/throughputMeasures.js";
import { measureYield } from "../../packages/core/src/assembly/yieldMeasures.js";
import { clock } from "./clock.js";
import { directory, LINES, lineIds } from "./setup.js";
import { DAY, syntheticHistory } from "./syntheticHistory.js";

/** The last events of the history, applied one at a time to a live history that measures a line after each. */
export const TAIL = 200;

/** Generates the history, folds it, and times each way of measuring it. */
export async function measuresRun() {
  const events = syntheticHistory();
  const last = Date.parse(events[events.length - 1]?.at ?? "2026-07-01T00:00:00Z");
  const window = { from: new Date(last - 90 * DAY), to: new Date(last) };
  const folder = createHistoryFolder();
  const history = folder.history;
  const fold = await clock(() => {
    for (const event of events.slice(0, -TAIL)) folder.apply(event);
  });
  let factory: ReturnType<typeof measureAssembly> | undefined;
  // The first measure after the fold also indexes the deployments and incidents for the DORA measures,
  // and the first of a line also the work items and signals by line and operator.
  const first = await clock(() => {
    factory = measureAssembly(history, window);
  });
  const firstLine = await clock(() => measureAssembly(history, { ...window, line: lineIds[0] as string }));
  // A live factory: each event appended (items moving, deployments, incidents) is followed by one line's measures.
  const tailTypes = new Set(events.slice(-TAIL).map((event) => event.type));
  const afterAppend = await clock(() => {
    events.slice(-TAIL).forEach((event, index) => {
      folder.apply(event);
      measureAssembly(history, { ...window, line: lineIds[index % LINES] as string });
    });
  });
  const measured = await clock(() => {
    factory = measureAssembly(history, window);
  });
  const perLine = await clock(() => {
    for (const line of lineIds) measureAssembly(history, { ...window, line });
  });
  const perOwner = await clock(() => {
    for (const line of lineIds) measureAssembly(history, { ...window, operator: directory.ownerOf(line) });
  });
  // measureDora is what measureAssembly calls for its dora field, with the same scope and items in scope.
  const [from, to] = [window.from.getTime(), window.to.getTime()];
  const none = { line: undefined, operator: undefined };
  const doraFactory = await clock(() =>
    measureDora(history, from, to, "production", none, (id) => history.items.has(id), [
      ...history.items.values(),
    ]),
  );
  const itemsOf = (line: string) => scopeIndexOf(history).itemsByLine.get(line) ?? [];
  const doraPerLine = await clock(() => {
    for (const line of lineIds) {
      measureDora(
        history,
        from,
        to,
        "production",
        { line, operator: undefined },
        (id) => history.items.get(id)?.line === line,
        itemsOf(line),
      );
    }
  });
  // The other three measures of a line, as measureAssembly computes them: the line's items, then its signals.
  const counts = { gateFailures: true, sendBacks: true, adaptedLinks: true };
  const restPerLine = await clock(() => {
    for (const line of lineIds) {
      const items = itemsOf(line).filter((item) => item.createdAt < to);
      const delivered = items.filter(
        (item) => item.deliveredAt !== undefined && item.deliveredAt >= from && item.deliveredAt < to,
      );
      measureYield(delivered, to, counts);
      measureThroughput(items, delivered, from, to, history.wipStages);
      measureSignals(history, from, to, line, undefined);
    }
  });
  const production = events.filter((event) => /^(deployment|incident)\./.test(event.type)).length;
  return {
    events: events.length,
    production,
    deployments: history.deployments.size,
    incidents: history.incidents.size,
    items: history.items.size,
    fold,
    first,
    firstLine,
    afterAppend,
    tailTypes,
    measured,
    perLine,
    perOwner,
    doraFactory,
    doraPerLine,
    restPerLine,
    factory: factory as ReturnType<typeof measureAssembly>,
  };
}

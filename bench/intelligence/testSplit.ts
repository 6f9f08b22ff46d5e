/**
 * The test split: each way of routing ranks the test items in order, and the
 * table gives its top-1 and top-3 and its wall and CPU time per item.
 */
import { ms, percentile } from "../lib/report.js";
import { throughFactory } from "./factoryRouting.js";
import { confirmedRouter, nearest, ownRoutingRouter, profiles, router } from "./routingMethods.js";
import { type RoutingSet, type TrainedRouter, textOf } from "./routingSet.js";

/** One row per method: name, top-1, top-3, p50 and p99 wall ms, p50 and p99 CPU ms. */
export async function testSplit(
  set: RoutingSet,
  trainedRouter: TrainedRouter,
): Promise<(string | number)[][]> {
  const { history, test } = set;
  const rows: (string | number)[][] = [];
  const viaFactory = await throughFactory(set, false);
  const viaAutomations = await throughFactory(set, true);
  const methods = [
    profiles(set.lines),
    nearest(history),
    router(history, trainedRouter),
    viaFactory,
    ownRoutingRouter(history, trainedRouter),
    viaAutomations,
    confirmedRouter(
      history,
      trainedRouter,
      0,
      "Router, learning each test item after routing it (operator confirms)",
    ),
    confirmedRouter(history, trainedRouter, 1, "Router, each test item confirmed a day after it arrived"),
    confirmedRouter(history, trainedRouter, 7, "Router, each test item confirmed a week after it arrived"),
  ];
  for (const method of methods) {
    let top1 = 0;
    let top3 = 0;
    const latencies: number[] = [];
    const cpuTimes: number[] = [];
    for (const [index, item] of test.entries()) {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      const ranked = await method.rank(textOf(item), item.at);
      latencies.push(performance.now() - start);
      const cpu = process.cpuUsage(cpuStart);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
      if (ranked[0] === item.line) top1 += 1;
      if (ranked.slice(0, 3).includes(item.line)) top3 += 1;
      method.learn?.(index, textOf(item), item.line, item.at);
    }
    rows.push([
      method.name,
      (top1 / test.length).toFixed(3),
      (top3 / test.length).toFixed(3),
      ms(percentile(latencies, 50)),
      ms(percentile(latencies, 99)),
      ms(percentile(cpuTimes, 50)),
      ms(percentile(cpuTimes, 99)),
    ]);
    console.log(rows.at(-1)?.join(" | "));
  }
  await viaFactory.close();
  await viaAutomations.close();
  return rows;
}

import {
  buildFloorGraph,
  emptyPlan,
  PlanSchema,
  planChanges,
  planToYaml,
  validatePlan,
} from "@software-factory/floorplan";
import { LineCounter, parseDocument } from "yaml";

const N = 2000,
  E = 10000;
const lines: any[] = [];
for (let i = 0; i < N; i++)
  lines.push({
    id: `line-${i}`,
    owner: `op-${i % 400}`,
    domain: `d-${Math.floor(i / 50)}`,
    paths: [`/services/d/line-${i}/`],
    dependsOn: [] as any[],
  });
let added = 0;
const seen = new Set();
while (added < E) {
  const f = 1 + Math.floor(Math.random() * (N - 1));
  const t = Math.floor(Math.random() * f);
  if (seen.has(`${f} ${t}`)) continue;
  seen.add(`${f} ${t}`);
  lines[f].dependsOn.push({ line: `line-${t}`, kind: "data", criticality: "high" });
  added++;
}
const plan = PlanSchema.parse({
  operators: Array.from({ length: 400 }, (_, i) => ({ id: `op-${i}` })),
  domains: Array.from({ length: 40 }, (_, i) => ({ id: `d-${i}` })),
  lines,
});
const t = (label: string, f: () => unknown) => {
  const s = performance.now();
  const r = f();
  console.log(label, (performance.now() - s).toFixed(0), "ms");
  return r;
};
const yaml = t("toYaml", () => planToYaml(plan)) as string;
const doc = t("parseDocument", () =>
  parseDocument(yaml, { lineCounter: new LineCounter(), uniqueKeys: true, prettyErrors: false }),
) as any;
const js = t("toJS", () => doc.toJS());
const parsed = t("zod", () => PlanSchema.parse(js)) as any;
t("validatePlan", () => validatePlan(parsed));
const events = t("planChanges", () => planChanges(emptyPlan(), parsed)) as any[];
console.log(events.length);
const floor = t("build", () => buildFloorGraph(parsed)) as any;
t("lineForPath first", () => floor.lineForPath("x"));
t("toPlan", () => floor.graph && floor);

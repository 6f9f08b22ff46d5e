/**
 * The generated floor plan of the floor plan benchmark: 10,000 lines in 200
 * domains, 50,000 acyclic dependencies, 2,000 operators, and 100,000 paths to
 * look up, from a seeded generator so every run (and every process) measures
 * the same plan.
 */
import type { Plan } from "@software-factory/floorplan";

/** Lines of the generated plan. */
export const LINES = 10_000;
/** Dependencies between lines. */
export const DEPENDENCIES = 50_000;
/** Operators. */
export const OPERATORS = 2_000;
/** Domains. */
export const DOMAINS = 200;
/** Paths looked up. */
export const PATHS = 100_000;

// mulberry32: a small seeded generator, so every run measures the same plan.
let seed = 7;
/** The next number of the seeded generator, in [0, 1). */
export const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
/** A seeded whole number below `below`. */
export const int = (below: number) => Math.floor(random() * below);
const kinds = ["api", "data", "event", "ui", "library", "infra"] as const;
const criticalities = ["high", "medium", "low"] as const;

/** The plan: line 0 owns everything (`*`), every other line a folder, some `*.proto`-style and nested patterns. */
export function generatePlan(): Plan {
  const perDomain = LINES / DOMAINS;
  const lines: Plan["lines"] = [];
  lines.push({
    id: "line-0",
    owner: "op-0",
    domain: "d-0",
    contributors: [],
    paths: ["*"],
    tags: [],
    knowledge: [],
    dependsOn: [],
  });
  for (let i = 1; i < LINES; i++) {
    const domain = Math.floor(i / perDomain);
    const paths = [`/services/d-${domain}/line-${i}/`];
    if (i % 500 === 0) paths.push(`*.${["proto", "sql", "graphql"][i % 3]}`);
    if (i % 97 === 0) paths.push(`/services/d-${domain}/line-${i - 1}/generated/`);
    lines.push({
      id: `line-${i}`,
      owner: `op-${i % OPERATORS}`,
      domain: `d-${domain}`,
      contributors: [],
      paths,
      tags: [],
      knowledge: [],
      wipLimit: 1 + (i % 5),
      dependsOn: [],
    });
  }
  // Acyclic: a line depends only on lines with a lower index, mostly in its own domain.
  let added = 0;
  const seen = new Set<string>();
  while (added < DEPENDENCIES) {
    const from = 1 + int(LINES - 1);
    const domainStart = Math.floor(from / perDomain) * perDomain;
    const to = random() < 0.7 && from > domainStart ? domainStart + int(from - domainStart) : int(from);
    const key = `${from} ${to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    lines[from]?.dependsOn.push({
      line: `line-${to}`,
      kind: kinds[int(kinds.length)] ?? "api",
      criticality: criticalities[int(3)] ?? "medium",
    });
    added++;
  }
  return {
    version: 1,
    product: { id: "bigco", name: "BigCo" },
    settings: { cycles: "warning" },
    operators: Array.from({ length: OPERATORS }, (_, i) => ({
      id: `op-${i}`,
      roles: ["line" as const],
      handles: {},
    })),
    domains: Array.from({ length: DOMAINS }, (_, i) => ({ id: `d-${i}` })),
    lines,
    relations: [],
  };
}

/** Paths to look up: mostly source files of random lines, some protos, generated files and docs. */
export function generatePaths(): string[] {
  const paths: string[] = [];
  const perDomain = LINES / DOMAINS;
  for (let i = 0; i < PATHS; i++) {
    const roll = random();
    const line = 1 + int(LINES - 1);
    const domain = Math.floor(line / perDomain);
    if (roll < 0.85) paths.push(`services/d-${domain}/line-${line}/src/module${int(50)}/file${int(100)}.ts`);
    else if (roll < 0.9) paths.push(`services/d-${domain}/line-${line}/api/schema${int(10)}.proto`);
    else if (roll < 0.95) paths.push(`services/d-${domain}/line-${line}/generated/types.ts`);
    else paths.push(`docs/guide${int(100)}/page${int(20)}.md`);
  }
  return paths;
}

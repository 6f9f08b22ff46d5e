/**
 * The `standards` group of tools: checking the factory's rules over lines and
 * work items.
 *
 * @module
 */
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import { given, Record } from "./shared.js";

/** `check_standards`: runs the factory's rules and returns the findings, errors first. */
export const checkStandards = defineTool({
  name: "check_standards",
  title: "Check the standards",
  description:
    "Run the factory's rules over lines and work items (or one of them) and return the findings, errors first.",
  group: "standards",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    kind: z.string().min(1).optional().describe("line or workItem"),
    id: z.string().min(1).optional(),
    line: z.string().min(1).optional(),
    limit: z.number().int().min(1).max(500).default(100),
  }),
  output: z.object({ findings: z.array(Record), total: z.number(), rules: z.number() }),
  run: async (factory, { limit, ...scope }) => {
    await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
    const order = { error: 0, warning: 1, info: 2 } as const;
    const findings = (await factory.standards.check(given(scope))).sort(
      (a, b) =>
        (order[a.severity as keyof typeof order] ?? 3) - (order[b.severity as keyof typeof order] ?? 3),
    );
    return {
      findings: findings.slice(0, limit),
      total: findings.length,
      rules: factory.standards.rules().length,
    };
  },
});

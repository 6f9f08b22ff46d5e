/**
 * The `standards` group of tools: checking the factory's rules over lines and
 * work items.
 *
 * @module
 */
import { NotFoundError } from "@software-factory/core";
import type { Factory, Finding } from "@software-factory/intelligence";
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import { filteredOnLine, requireLine } from "./knownValues.js";
import { given, ID_MAX } from "./shared.js";
import { FindingOutput } from "./standardsOutputs.js";

/** The kinds of target a factory's rules check (those `openFactory` and the basic standards register). */
const TARGET_KINDS = ["floorplan", "line", "workItem", "artifact", "signal", "document"] as const;

/** Whether the factory holds a target of that kind with that id (the sources of the standards, looked up by id). */
async function targetExists(
  factory: Factory,
  kind: (typeof TARGET_KINDS)[number],
  id: string,
): Promise<boolean> {
  switch (kind) {
    case "floorplan":
      return id === "floorplan";
    case "line":
      return factory.floorplan.hasLine(id);
    case "workItem":
      return factory.work.get(id) !== undefined;
    case "artifact":
      return factory.work.artifact(id) !== undefined;
    case "signal":
      return factory.work.signal(id) !== undefined;
    case "document":
      return (await factory.knowledge.get(id)) !== undefined;
  }
}

/**
 * A finding with its hint in MCP terms: a rule's fix that is a call is told
 * as the tool call that makes it (`fill decision.consequences:
 * revise_knowledge {...}`), where its hint names the command and the SDK call.
 */
function inMcpTerms({ fix, ...finding }: Finding): Omit<Finding, "fix"> {
  return fix === undefined ? finding : { ...finding, hint: `${fix.action}: ${fix.mcp}` };
}

/** `check_standards`: runs the factory's rules and returns the findings, errors first. */
export const checkStandards = defineTool({
  name: "check_standards",
  title: "Check the standards",
  description:
    "Run the factory's rules (as `factory check` does) over the floor plan, lines, work items, artifacts, signals and documents, or one kind, target or line; the findings come errors first.",
  group: "standards",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z
    .object({
      kind: z.enum(TARGET_KINDS).optional().describe("Only targets of this kind"),
      id: z
        .string()
        .min(1)
        .max(ID_MAX)
        .optional()
        .describe(
          "Only this target (needs kind): a line id (factory://floorplan), work item id (list_work), document id (list_knowledge)...",
        ),
      line: z
        .string()
        .min(1)
        .max(ID_MAX)
        .optional()
        .describe("Only targets of this line (factory://floorplan lists them)"),
      rules: z
        .array(z.string().min(1).max(ID_MAX))
        .min(1)
        .optional()
        .describe("Only these rules, by id (factory://standards lists them)"),
      limit: z
        .number()
        .int()
        .min(1)
        .max(500)
        // 100 findings quoting 480-character titles made a default answer of 74,967 characters.
        .default(20)
        .describe("Findings to return, errors first; total counts them all"),
    })
    .refine((input) => input.id === undefined || input.kind !== undefined, {
      message: "checking one target needs its kind",
      path: ["kind"],
    }),
  output: z.object({
    findings: z.array(FindingOutput).describe("The first limit findings, errors first"),
    total: z.number().describe("Findings in all, those past limit included"),
    rules: z.number().describe("Rules the factory has"),
  }),
  run: async (factory, { limit, ...scope }) => {
    await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
    if (scope.kind === "line" && scope.id !== undefined) await requireLine(factory, scope.id, "id");
    const known = factory.standards.rules().map((rule) => rule.id);
    for (const [index, rule] of (scope.rules ?? []).entries()) {
      if (known.includes(rule)) continue;
      throw new NotFoundError({
        message: `rules[${index}]: no rule "${rule}"; the rules are ${known.join(", ")}`,
        entity: "rule",
        id: rule,
        field: `rules[${index}]`,
      });
    }
    if (scope.kind !== undefined && scope.id !== undefined) {
      if (!(await targetExists(factory, scope.kind, scope.id))) {
        throw new NotFoundError({
          message: `id: no ${scope.kind} "${scope.id}" to check`,
          entity: scope.kind,
          id: scope.id,
          field: "id",
        });
      }
    }
    const order = { error: 0, warning: 1, info: 2 } as const;
    // The SDK refuses a line it does not know (a retired one answers its history), told in this server's words.
    const checked = await filteredOnLine(factory, scope.line, "line", () =>
      factory.standards.check(given(scope)),
    );
    const findings = checked.sort(
      (a, b) =>
        (order[a.severity as keyof typeof order] ?? 3) - (order[b.severity as keyof typeof order] ?? 3),
    );
    return {
      findings: findings.slice(0, limit).map(inMcpTerms),
      total: findings.length,
      rules: factory.standards.rules().length,
    };
  },
});

/**
 * `factory floorplan [--format text|mermaid|dot|json]`.
 *
 * @module
 */
import { toDot, toGraphologyJson, toMermaid } from "@software-factory/floorplan";
import type { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../exitCodes.js";
import { parseFlag } from "../flags.js";
import { counted } from "../plural.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";

const FormatFlag = z.enum(["text", "mermaid", "dot", "json"]);

/** Registers `factory floorplan`. */
export function registerFloorplan(program: Command, context: CliContext): void {
  program
    .command("floorplan")
    .description("show the floor plan: lines, owners and dependencies, as text or a diagram")
    .option("--format <format>", "text, mermaid, dot or json", "text")
    .action(
      action(context, async ({ options, output }, flags) => {
        const given = parseFlag(FormatFlag, (flags as { format: string }).format, "--format");
        // A diagram is not JSON: taking either silently would print what the caller did not ask for.
        if (options.json && (given === "mermaid" || given === "dot"))
          throw new UsageError(
            `--format ${given} prints a diagram, not JSON: give --json or --format ${given}, not both`,
          );
        const format = options.json ? "json" : given;
        await withFactory(options, async (factory) => {
          const floorplan = factory.floorplan;
          if (format === "mermaid") return output.line(toMermaid(floorplan.graph));
          if (format === "dot") return output.line(toDot(floorplan.graph));
          const empty = floorplan.lines().length === 0;
          if (format === "json") {
            return output.json({
              plan: floorplan.toPlan(),
              // health() of an empty floor plan throws in the floor plan package.
              health: empty ? null : floorplan.health(),
              graph: toGraphologyJson(floorplan.graph),
            });
          }
          if (empty) return output.line("the floor plan is empty: run factory plan apply factory.yaml");
          const plan = floorplan.toPlan();
          const health = floorplan.health();
          output.line(
            output.style(
              "bold",
              `${plan.product?.name ?? plan.product?.id ?? "factory"}: ${counted(plan.lines.length, "line")}, ${counted(plan.operators.length, "operator")}`,
            ),
          );
          const domains = new Map<string, typeof plan.lines>();
          for (const line of plan.lines) {
            const key = line.domain ?? "(no domain)";
            domains.set(key, [...(domains.get(key) ?? []), line]);
          }
          // The id and owner columns fit the longest id and owner, so the paths stay aligned.
          const idWidth = Math.max(22, ...plan.lines.map((line) => line.id.length));
          const ownerWidth = Math.max(10, ...plan.lines.map((line) => (line.owner ?? "none").length));
          for (const [domain, lines] of domains) {
            output.line();
            output.line(output.style("cyan", domain));
            for (const line of lines) {
              const deps = line.dependsOn
                .map((dep) => `${dep.line} (${dep.kind}, ${dep.criticality})`)
                .join(", ");
              output.line(
                `  ${line.id.padEnd(idWidth)} owner ${(line.owner ?? output.style("red", "none")).padEnd(ownerWidth)} ${line.paths.join(" ")}`,
              );
              if (deps !== "") output.line(output.style("dim", `  ${"".padEnd(idWidth)} depends on ${deps}`));
            }
          }
          const problems = [
            ...health.unownedLines.map((line) => `unowned line ${line}`),
            ...health.cycles.map((cycle) => `cycle ${cycle.join(" -> ")}`),
            ...health.overloadedOperators.map((operator) => `operator ${operator.operator} over capacity`),
          ];
          output.line();
          output.line(
            problems.length === 0
              ? output.style("green", "health: ok")
              : output.style("yellow", `health: ${problems.join("; ")}`),
          );
        });
      }),
    );
}

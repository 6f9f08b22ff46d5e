import { checkArguments } from "@software-factory/core";
import type { FloorGraph } from "../FloorGraph.js";
import type { LineInfo } from "../graphTypes.js";
import { aFloorGraph } from "../internal/arguments.js";
import { DotOptionsSchema, MermaidOptionsSchema, parsed } from "../internal/floorPlanInputs.js";

/** A Mermaid-safe id: every character outside [A-Za-z0-9] is escaped, so distinct ids stay distinct. */
const mermaidId = (id: string, prefix = "l") =>
  `${prefix}_${id.replace(/[^A-Za-z0-9]/g, (char) => `_${char.charCodeAt(0).toString(16)}`)}`;
const mermaidText = (text: string) => text.replace(/"/g, "#quot;");
const dotString = (text: string) => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

function byDomain(floor: FloorGraph): Map<string | undefined, LineInfo[]> {
  const groups = new Map<string | undefined, LineInfo[]>();
  for (const line of floor.lines()) groups.set(line.domain, [...(groups.get(line.domain) ?? []), line]);
  return groups;
}

const label = (line: LineInfo) =>
  `${line.name ?? line.id}${line.owner === undefined ? " (unowned)" : ` @${line.owner}`}`;

/**
 * Renders the lines and their dependencies as a Mermaid flowchart, one subgraph per domain; high-criticality dependencies are thick arrows, low ones dotted.
 *
 * @throws ValidationError when an option is malformed or unknown, naming it and the options.
 *
 * @example
 * ```ts
 * writeFileSync("floorplan.mmd", toMermaid(plan.graph));
 * ```
 */
export function toMermaid(floor: FloorGraph, options: { readonly direction?: "LR" | "TB" } = {}): string {
  checkArguments("toMermaid", { floor: [aFloorGraph, floor] });
  parsed(MermaidOptionsSchema, options, "toMermaid options");
  const out = [`flowchart ${options.direction ?? "LR"}`];
  const names = new Map(floor.domains().map((domain) => [domain.id, domain.name ?? domain.id]));
  for (const [domain, lines] of byDomain(floor)) {
    const indent = domain === undefined ? "  " : "    ";
    if (domain !== undefined)
      out.push(`  subgraph ${mermaidId(domain, "d")}["${mermaidText(names.get(domain) ?? domain)}"]`);
    for (const line of lines) out.push(`${indent}${mermaidId(line.id)}["${mermaidText(label(line))}"]`);
    if (domain !== undefined) out.push("  end");
  }
  for (const dependency of floor.dependencyList()) {
    const arrow =
      dependency.criticality === "high" ? "==>" : dependency.criticality === "low" ? "-.->" : "-->";
    out.push(`  ${mermaidId(dependency.from)} ${arrow}|${dependency.kind}| ${mermaidId(dependency.to)}`);
  }
  return `${out.join("\n")}\n`;
}

/**
 * Renders the lines and their dependencies as Graphviz DOT, one cluster per domain; edge width shows criticality, edge labels the kind.
 *
 * @throws ValidationError when an option is malformed or unknown, naming it and the options.
 *
 * @example
 * ```ts
 * writeFileSync("floorplan.dot", toDot(plan.graph)); // dot -Tsvg floorplan.dot > floorplan.svg
 * ```
 */
export function toDot(floor: FloorGraph, options: { readonly name?: string } = {}): string {
  checkArguments("toDot", { floor: [aFloorGraph, floor] });
  parsed(DotOptionsSchema, options, "toDot options");
  const out = [
    `digraph ${dotString(options.name ?? floor.product()?.name ?? "floorplan")} {`,
    "  rankdir=LR;",
    '  node [shape=box, style="rounded"];',
  ];
  const names = new Map(floor.domains().map((domain) => [domain.id, domain.name ?? domain.id]));
  for (const [domain, lines] of byDomain(floor)) {
    const indent = domain === undefined ? "  " : "    ";
    if (domain !== undefined)
      out.push(
        `  subgraph ${dotString(`cluster_${domain}`)} {`,
        `    label=${dotString(names.get(domain) ?? domain)};`,
      );
    for (const line of lines)
      out.push(
        `${indent}${dotString(line.id)} [label=${dotString(label(line))}${line.owner === undefined ? ", color=red" : ""}];`,
      );
    if (domain !== undefined) out.push("  }");
  }
  for (const dependency of floor.dependencyList()) {
    const width = dependency.criticality === "high" ? 3 : dependency.criticality === "medium" ? 1.5 : 1;
    const style = dependency.criticality === "low" ? ", style=dashed" : "";
    out.push(
      `  ${dotString(dependency.from)} -> ${dotString(dependency.to)} [label=${dotString(dependency.kind)}, penwidth=${width}${style}];`,
    );
  }
  out.push("}");
  return `${out.join("\n")}\n`;
}

/** The graph in graphology's serialization format (nodes, edges and their attributes), for `Graph.from()` or other tools. */
export function toGraphologyJson(floor: FloorGraph): ReturnType<FloorGraph["graph"]["export"]> {
  checkArguments("toGraphologyJson", { floor: [aFloorGraph, floor] });
  return floor.graph.export();
}

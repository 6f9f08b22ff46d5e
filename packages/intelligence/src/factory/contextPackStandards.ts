/**
 * The standards of a context pack: the checked rules over what belongs to its
 * lines, and the instructions of imported rule files for its paths and lines.
 *
 * @module
 */
import type { LineInfo } from "@software-factory/floorplan";
import { type InstructionStandard, standardAppliesTo } from "../rules/InstructionStandard.js";
import type { ContextPack } from "./contextPack.js";
import type { Factory } from "./openFactory.js";

/** The literal folder a glob or a CODEOWNERS pattern starts with (`packages/web/` of `packages/web/**\/*.ts`). */
function literalPrefix(pattern: string): string {
  const trimmed = pattern.replace(/^\/+/, "");
  const wild = trimmed.search(/[*?[{]/);
  return wild === -1 ? trimmed : trimmed.slice(0, wild);
}

/** Whether an instruction standard may apply to files of a line: their folders overlap, or it always applies. */
function appliesToLine(standard: InstructionStandard, line: LineInfo): boolean {
  if (standard.alwaysApply) return true;
  return standard.globs.some((glob) => {
    const own = literalPrefix(glob);
    return line.paths.some((path) => {
      const folder = literalPrefix(path);
      return own.startsWith(folder) || folder.startsWith(own);
    });
  });
}

/**
 * The standards that apply to a pack about `paths` and `lines`, before its
 * budget: instructions that apply to a path or may apply to a line's files
 * (those that always apply when the pack has neither), and every checked rule
 * but the floor plan's, by id, when the pack has a line.
 */
export function packStandards(
  factory: Factory,
  paths: readonly string[],
  lines: ContextPack["lines"],
): ContextPack["standards"] {
  const instructions = factory.standards
    .instructions()
    .filter(
      (standard) =>
        paths.some((path) => standardAppliesTo(standard, path)) ||
        lines.some(({ line }) => appliesToLine(standard, line)) ||
        (paths.length === 0 && lines.length === 0 && standard.alwaysApply),
    );
  // Only the rules over what belongs to the pack's lines: none for a question or paths no line claims.
  const rules = factory.standards
    .rules()
    .filter((rule) => lines.length > 0 && rule.appliesTo !== "floorplan")
    .map((rule) => ({
      id: rule.id,
      description: rule.description,
      severity: rule.severity,
      appliesTo: rule.appliesTo,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
  return { rules, instructions };
}

/**
 * The standards of a context pack: the checked rules over what belongs to its
 * lines, and the instructions of imported rule files for its paths and lines.
 *
 * @module
 */
import type { LineInfo } from "@software-factory/floorplan";
import { type InstructionStandard, standardAppliesTo } from "../rules/InstructionStandard.js";
import type { ContextPack, PackRule } from "./contextPack.js";
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
 * Kinds of target whose rules check what a pack is about: its lines; with a
 * work item, also what its stage gates check (the item, its artifacts, its line).
 */
const SUBJECT_KINDS = new Set(["line"]);
const WORK_ITEM_SUBJECT_KINDS = new Set(["line", "artifact", "workItem"]);

/**
 * Whether a checked rule of a pack checks what the pack is about (see
 * {@link SUBJECT_KINDS}; `hasWorkItem` when the pack has a work item): the
 * pack lists it in full. The others (over artifacts and work items in a pack
 * without a work item, over signals, over recorded decisions) concern the
 * process around the work: the pack names them by id, and only when nothing
 * else was left out to fit its budget.
 */
export function checksSubject(rule: Pick<PackRule, "appliesTo">, hasWorkItem: boolean): boolean {
  return (hasWorkItem ? WORK_ITEM_SUBJECT_KINDS : SUBJECT_KINDS).has(rule.appliesTo);
}

/**
 * The standards that apply to a pack about `paths` and `lines` (and a work
 * item, when `hasWorkItem`), before its budget: instructions that apply to a
 * path or may apply to a line's files (those that always apply when the pack
 * has neither), and every checked rule but the floor plan's when the pack has
 * a line: those that check its subject ({@link checksSubject}) first, then
 * those on the process around the work, each group by id.
 */
export function packStandards(
  factory: Factory,
  paths: readonly string[],
  lines: ContextPack["lines"],
  hasWorkItem: boolean,
): ContextPack["standards"] {
  const instructions = factory.standards
    .instructions()
    .filter(
      (standard) =>
        paths.some((path) => standardAppliesTo(standard, path)) ||
        lines.some(({ line }) => appliesToLine(standard, line)) ||
        (paths.length === 0 && lines.length === 0 && standard.alwaysApply),
    );
  const processLast = (rule: PackRule) => (checksSubject(rule, hasWorkItem) ? 0 : 1);
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
    .sort((a, b) => processLast(a) - processLast(b) || a.id.localeCompare(b.id));
  return { rules, instructions };
}

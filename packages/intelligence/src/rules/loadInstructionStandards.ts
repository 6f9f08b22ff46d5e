/**
 * Every instruction file of a repository, read at once: Cursor rules,
 * `AGENTS.md` and `CLAUDE.md` files.
 *
 * @module
 */
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { formatIssues, ValidationError, type ValidationIssue } from "@software-factory/core";
import { loadAgentsMd } from "./agentsMd.js";
import { loadCursorRules } from "./cursorRules.js";
import type { InstructionStandard } from "./InstructionStandard.js";

/** Folders never searched for instruction files. */
const SKIPPED = new Set(["node_modules", "dist", "build", "out", "target", "vendor", "coverage"]);

const INSTRUCTION_FILES = ["AGENTS.md", "CLAUDE.md"];

/**
 * Reads a repository's instruction standards: the Cursor rules of
 * `.cursor/rules` at the root, then from the root down every `AGENTS.md` and
 * `CLAUDE.md` and every nested folder's `.cursor/rules` (skipping
 * hidden folders, `node_modules`, `dist`, `build`, `out`, `target`, `vendor`,
 * `coverage`), a nested file's sections and a nested folder's rules applying
 * under that folder. An id
 * taken by an earlier standard gets `-2`, `-3`, so none is lost. The problems
 * of every file are reported together.
 *
 * @throws ValidationError listing each bad file with file:line:column.
 */
export function loadInstructionStandards(root: string): InstructionStandard[] {
  const standards: InstructionStandard[] = [];
  const issues: ValidationIssue[] = [];
  const collect = (load: () => InstructionStandard[]) => {
    try {
      standards.push(...load());
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues);
    }
  };
  collect(() => loadCursorRules(join(root, ".cursor", "rules")));
  const visit = (dir: string) => {
    if (dir !== root) {
      const folder = relative(root, dir);
      collect(() => loadCursorRules(join(dir, ".cursor", "rules"), { folder }));
    }
    for (const name of INSTRUCTION_FILES) {
      const file = join(dir, name);
      if (existsSync(file)) collect(() => loadAgentsMd(file, { root }));
    }
    const folders = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && !SKIPPED.has(entry.name))
      .map((entry) => entry.name)
      .sort();
    for (const folder of folders) visit(join(dir, folder));
  };
  visit(root);
  if (issues.length > 0) {
    throw new ValidationError({ message: formatIssues("instruction files", issues), issues });
  }
  const taken = new Set<string>();
  return standards.map((standard) => {
    let id = standard.id;
    for (let n = 2; taken.has(id); n++) id = `${standard.id}-${n}`;
    taken.add(id);
    return id === standard.id ? standard : { ...standard, id };
  });
}

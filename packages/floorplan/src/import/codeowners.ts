import { existsSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { checkArguments, firstSafeLine } from "@software-factory/core";
import { List, Text } from "../internal/arguments.js";
import { CodeownersImportOptionsSchema, parsed } from "../internal/floorPlanInputs.js";
import { quoted, unsupportedPatternReason } from "../internal/pattern.js";
import { slugify } from "../model.js";
import type { LineDecl, OperatorDecl, Plan } from "../Plan.js";
import { PLAN_LIMITS } from "../planLimits.js";
import { readSourceText } from "../readSourceText.js";
import type { PlanProblem } from "../validatePlan.js";
import { OperatorMapper } from "./operators.js";

/** One rule of a CODEOWNERS file. */
export interface CodeownersRule {
  /** The path pattern as written (CODEOWNERS syntax). */
  readonly pattern: string;
  /**
   * Owners as written (`@alice`, `@acme/payments`, `bob@acme.com`), or those of
   * its GitLab section when it names none; empty leaves matching paths unowned.
   */
  readonly owners: readonly string[];
  /** 1-based line in the file. */
  readonly line: number;
}

/** A parsed CODEOWNERS file: its usable rules and the lines it had to skip. */
export interface ParsedCodeowners {
  /** The usable rules, in file order (later ones win). */
  readonly rules: readonly CodeownersRule[];
  /**
   * Lines skipped (unsupported syntax), each with its position; `path` is
   * `rules[i]`, `i` counting every rule of the file from 0, the skipped ones
   * included, so each finding names its own rule.
   */
  readonly problems: readonly PlanProblem[];
}

/** A `@user`, an `@org/team` (a GitLab `@group/subgroup/...`), or an email address of printable characters. */
function isOwnerToken(owner: string): boolean {
  if (owner.length > PLAN_LIMITS.handle) return false;
  return /^@[\w.-]+(\/[\w.-]+)*$/.test(owner) || /^[^@\s\p{Cc}]+@[^@\s\p{Cc}]+$/u.test(owner);
}

/** A GitLab section header: `[Name]`, `^[Optional]`, `[Name][2]`, with the section's default owners after it. */
const SECTION = /^\^?\[[^\]]+\](?:\[\d+\])?(?=\s|$)/;

/**
 * The words of a line (its comment removed) and their columns: whitespace
 * separates them unless escaped (`My\ Documents/`). A backslash escapes any
 * character after it, so in `a\\ @ana` the pattern is `a\\` (an escaped
 * backslash) and the space after it separates the owner.
 */
function wordsOf(line: string): { word: string; column: number }[] {
  return [...line.matchAll(/(?:\\[\s\S]|\S)+/g)].map((match) => ({
    word: match[0],
    column: (match.index ?? 0) + 1,
  }));
}

/**
 * Parses a CODEOWNERS file: one pattern per line followed by owners, `#`
 * comments, blank lines ignored; a space in a pattern is escaped (`My\ Documents/`).
 * GitLab's sections are read: a `[Section]` header line (`^[Optional]`,
 * `[Section][2]`) names default owners for the rules under it that give none.
 * Patterns CODEOWNERS does not support (`!negation`, `[ranges]`) are skipped
 * and reported with their position.
 *
 * @throws ValidationError naming `text` or `file` when one is not a string.
 */
export function parseCodeowners(text: string, file = "CODEOWNERS"): ParsedCodeowners {
  checkArguments("parseCodeowners", { text: [Text, text], file: [Text, file] });
  const rules: CodeownersRule[] = [];
  const problems: PlanProblem[] = [];
  let ruleIndex = -1;
  let sectionOwners: readonly string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const uncommented = raw.replace(/(^|\s)#.*$/, "");
    const line = uncommented.trim();
    if (line === "") return;
    const header = SECTION.exec(line)?.[0];
    const ownersFrom = header === undefined ? 1 : 0;
    const words =
      header === undefined
        ? wordsOf(uncommented)
        : wordsOf(uncommented).filter(({ column }) => column > uncommented.indexOf(header) + header.length);
    const badOwner = words.slice(ownersFrom).find(({ word }) => !isOwnerToken(word));
    if (header !== undefined) {
      if (badOwner !== undefined)
        problems.push({
          code: "bad-owner",
          severity: "warning",
          path: `sections[${quoted(header)}]`,
          message: `${quoted(badOwner.word)} is not a @user, @org/team or email; section ${quoted(header)} has no default owners`,
          file,
          line: index + 1,
          column: badOwner.column,
        });
      sectionOwners = badOwner === undefined ? words.map(({ word }) => word) : [];
      return;
    }
    ruleIndex += 1;
    const [first = { word: "", column: 1 }, ...rest] = words;
    const pattern = first.word.replace(/\\(\s)/g, "$1");
    const reason = unsupportedPatternReason(pattern);
    if (reason !== undefined) {
      problems.push({
        code: "unsupported-pattern",
        severity: "warning",
        path: `rules[${ruleIndex}]`,
        message: `${reason}; rule ${quoted(pattern)} skipped`,
        hint: "list the paths explicitly",
        file,
        line: index + 1,
        column: first.column,
      });
      return;
    }
    if (badOwner !== undefined) {
      problems.push({
        code: "bad-owner",
        severity: "warning",
        path: `rules[${ruleIndex}]`,
        message: `${quoted(badOwner.word)} is not a @user, @org/team or email; rule ${quoted(pattern)} skipped`,
        file,
        line: index + 1,
        column: badOwner.column,
      });
      return;
    }
    const owners = rest.map(({ word }) => word);
    rules.push({ pattern, owners: owners.length === 0 ? sectionOwners : owners, line: index + 1 });
  });
  return { rules, problems };
}

/**
 * Where a repository's CODEOWNERS is looked for, first found wins: GitHub's
 * places in GitHub's order (`.github/`, the root, `docs/`), then the one more
 * GitLab reads (GitLab looks in the root, `docs/`, then `.gitlab/`).
 */
const CODEOWNERS_PLACES = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"];

/**
 * Finds a repository's CODEOWNERS where GitHub and GitLab look: `.github/`,
 * the root, `docs/`, then `.gitlab/`; the first that exists wins.
 *
 * @returns the file's path (`repoRoot` joined with its place), or undefined when there is none.
 */
export function findCodeowners(repoRoot: string): string | undefined {
  checkArguments("findCodeowners", { repoRoot: [Text, repoRoot] });
  return CODEOWNERS_PLACES.map((path) => join(repoRoot, path)).find((path) => existsSync(path));
}

/** Options of {@link codeownersToPlan} and {@link importCodeowners}; a key it does not list is refused. */
export interface CodeownersImportOptions {
  /** Operators already known, matched by their `github` handle or email. */
  readonly operators?: readonly OperatorDecl[];
}

function lineIdOf(pattern: string): string {
  const literal = pattern
    .replace(/^\/+|\/+$/g, "")
    .split("/")
    .filter((segment) => segment !== "" && !/[*?]/.test(segment));
  const base = literal.slice(-2).join("-") || pattern.replace(/[^a-zA-Z0-9]+/g, " ").trim() || "all";
  return slugify(base === "" ? "all" : base);
}

/** `base`, or `base-2`, `base-3`, ... for the first one not yet used (a pattern may slug to another's suffixed id). */
function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let count = 2; used.has(id); count++) {
    const suffix = `-${count}`;
    id = `${base.slice(0, 64 - suffix.length)}${suffix}`;
  }
  used.add(id);
  return id;
}

/**
 * Proposes lines from CODEOWNERS rules: one line per rule, in rule order (so
 * the last matching rule still wins), owned by the rule's first owner, with
 * the other owners as `codeowner` contributors. A rule with no owners gives an
 * unowned line, which keeps its paths unowned.
 *
 * @throws ValidationError when an option is malformed or unknown, naming it and the options,
 *   or naming `rules` when it is not an array.
 */
export function codeownersToPlan(
  rules: readonly CodeownersRule[],
  options: CodeownersImportOptions = {},
): Plan {
  checkArguments("codeownersToPlan", { rules: [List, rules] });
  parsed(CodeownersImportOptionsSchema, options, "codeowners options");
  const mapper = new OperatorMapper("github", options.operators);
  const used = new Set<string>();
  const lines: LineDecl[] = rules.map((rule) => {
    const id = uniqueId(lineIdOf(rule.pattern), used);
    const [owner, ...others] = rule.owners.map((handle) => mapper.idOf(handle));
    return {
      id,
      // A name is one line: a bidi override of the pattern is dropped there, kept in the path.
      name: firstSafeLine(rule.pattern, id),
      ...(owner === undefined ? {} : { owner }),
      contributors: [...new Set(others)]
        .filter((other) => other !== owner)
        .map((operator) => ({ operator, role: "codeowner" })),
      paths: [rule.pattern],
      tags: ["codeowners"],
      knowledge: [],
      dependsOn: [],
    };
  });
  return {
    version: 1,
    settings: { cycles: "warning" },
    operators: mapper.created(),
    domains: [],
    lines,
    relations: [],
  };
}

/**
 * Reads a repository's CODEOWNERS (the first of `.github/`, the root, `docs/`
 * and `.gitlab/`, as {@link findCodeowners}) and proposes a plan.
 * A binary file, or one that is not UTF-8, is refused whole.
 *
 * `refs` tells, for each proposed line and owner, the rule it came from
 * (`.github/CODEOWNERS:12`, relative to the repository root), keyed as the
 * `refs` option of `applyPlan` expects, so the facts record their place.
 *
 * @returns undefined when the repository has no CODEOWNERS file.
 * @throws ValidationError naming the file when it is binary or not UTF-8 text, or an option that is malformed or unknown.
 * @example
 * ```ts
 * const found = await importCodeowners(repoRoot, { operators: floorplan.toPlan().operators });
 * if (found) await floorplan.applyPlan(found.plan, { mode: "merge", source: "codeowners", refs: found.refs });
 * ```
 */
export async function importCodeowners(
  repoRoot: string,
  options: CodeownersImportOptions = {},
): Promise<
  | {
      /** One line per rule, owned by its first owner, the others `codeowner` contributors; operators created as needed. */
      readonly plan: Plan;
      /** Rules skipped (an unsupported pattern, a bad owner), as warnings with file, line and column. */
      readonly problems: readonly PlanProblem[];
      /** Path of the CODEOWNERS file read: `repoRoot` joined with `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` or `.gitlab/CODEOWNERS`. */
      readonly file: string;
      /** Rule of each line and owner (`.github/CODEOWNERS:12`), keyed as `applyPlan`'s `refs` option expects. */
      readonly refs: ReadonlyMap<string, string>;
    }
  | undefined
> {
  checkArguments("importCodeowners", { repoRoot: [Text, repoRoot] });
  parsed(CodeownersImportOptionsSchema, options, "codeowners options");
  const file = findCodeowners(repoRoot);
  if (file === undefined) return undefined;
  const codeowners = parseCodeowners(await readSourceText(file), file);
  const plan = codeownersToPlan(codeowners.rules, options);
  const where = relative(repoRoot, file).split(sep).join("/");
  const refs = new Map<string, string>();
  plan.lines.forEach((line, index) => {
    const ref = `${where}:${codeowners.rules[index]?.line ?? 0}`;
    refs.set(`line:${line.id}`, ref);
    if (line.owner !== undefined) refs.set(`owner:${line.id}`, ref);
  });
  return { plan, problems: codeowners.problems, file, refs };
}

import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import {
  checkArguments,
  firstSafeLine,
  inPlainWords,
  NotFoundError,
  ValidationError,
} from "@software-factory/core";
import picomatch from "picomatch";
import { parseDocument } from "yaml";
import { z } from "zod";
import { Text } from "../internal/arguments.js";
import { parsed, WorkspacesImportOptionsSchema } from "../internal/floorPlanInputs.js";
import type { Criticality } from "../model.js";
import { slugify } from "../model.js";
import type { DependencyDecl, DomainDecl, LineDecl, Plan } from "../Plan.js";
import { readSourceText } from "../readSourceText.js";

const PackageJsonSchema = z.looseObject({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  workspaces: z
    .union([z.array(z.string()), z.looseObject({ packages: z.array(z.string()).default([]) })])
    .optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  devDependencies: z.record(z.string(), z.string()).optional(),
  peerDependencies: z.record(z.string(), z.string()).optional(),
  optionalDependencies: z.record(z.string(), z.string()).optional(),
  keywords: z.array(z.string()).optional(),
});
type PackageJson = z.infer<typeof PackageJsonSchema>;

const PnpmWorkspaceSchema = z.looseObject({ packages: z.array(z.string()).default([]) });

/** Options of {@link importWorkspaces}; a key it does not list is refused. */
export interface WorkspacesImportOptions {
  /** Criticality of a runtime dependency (default `high`); dev dependencies are `low`, peer and optional ones `medium`. */
  readonly runtimeCriticality?: Criticality;
  /** Put each package in a domain named after its parent folder (`packages`, `apps`), default true. */
  readonly domainsFromFolders?: boolean;
}

/** The 1-based line and column of a character offset in a text. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

/**
 * Reads a package.json as npm and Node do: UTF-8 text, a leading byte order
 * mark dropped (an editor's on Windows); JSON that does not parse is refused
 * at its line and column, a missing file as JSON that cannot be read.
 */
async function readJson(path: string): Promise<PackageJson> {
  let data: unknown;
  let text = "";
  try {
    text = await readSourceText(path);
    data = JSON.parse(text);
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    if (error instanceof NotFoundError)
      throw new ValidationError({
        message: `${path} is not valid JSON: ${error.message}`,
        issues: [{ path: "", message: error.message, file: path }],
      });
    const detail = error instanceof Error ? error.message : String(error);
    const offset = /at position (\d+)/.exec(detail)?.[1];
    const at = offset === undefined ? undefined : positionOf(text, Number(offset));
    throw new ValidationError({
      message: `${path} is not valid JSON${at === undefined ? "" : ` (line ${at.line}, column ${at.column})`}: ${detail}`,
      issues: [{ path: "", message: `not valid JSON: ${detail}`, file: path, ...at }],
    });
  }
  const parsed = PackageJsonSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.join("."),
      message: inPlainWords(issue),
      file: path,
    }));
    throw new ValidationError({
      message: `${path} is invalid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`,
      issues,
    });
  }
  return parsed.data;
}

/** The `packages` globs of a pnpm-workspace.yaml; a file with no `packages` (only comments, only a catalog) has none. */
async function pnpmGlobs(path: string): Promise<string[]> {
  const document = parseDocument(await readSourceText(path));
  const [error] = document.errors;
  if (error !== undefined) {
    const position = error.linePos?.[0];
    const message = `not valid YAML: ${error.message.split("\n")[0]}`;
    throw new ValidationError({
      message: `${path}${position === undefined ? "" : `:${position.line}:${position.col}`} is ${message}`,
      issues: [
        {
          path: "",
          message,
          file: path,
          ...(position === undefined ? {} : { line: position.line, column: position.col }),
        },
      ],
    });
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias bomb: more alias expansions than a workspace file needs.
    const message = `YAML could not be read: ${error instanceof Error ? error.message : String(error)}`;
    throw new ValidationError({
      message: `${path} is invalid: ${message}`,
      issues: [{ path: "", message, file: path }],
    });
  }
  const parsed = PnpmWorkspaceSchema.safeParse(data ?? {});
  if (!parsed.success)
    throw new ValidationError({
      message: `${path}: packages must be a list of globs`,
      issues: [{ path: "packages", message: "expected a list of globs", file: path }],
    });
  return parsed.data.packages;
}

/** The workspace globs of a repository: `workspaces` of package.json (npm, yarn) or `packages` of pnpm-workspace.yaml. */
async function workspaceGlobs(root: string): Promise<string[]> {
  const pnpm = join(root, "pnpm-workspace.yaml");
  if (existsSync(pnpm)) return pnpmGlobs(pnpm);
  const manifest = await readJson(join(root, "package.json"));
  const workspaces = manifest.workspaces;
  if (workspaces === undefined) return [];
  return Array.isArray(workspaces) ? workspaces : workspaces.packages;
}

async function directories(root: string, relative: string, depth: number, out: string[]): Promise<void> {
  if (depth === 0) return;
  for (const entry of await readdir(join(root, relative), { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
    out.push(path);
    await directories(root, path, depth - 1, out);
  }
}

/**
 * Proposes a plan from an npm, yarn or pnpm workspaces monorepo: each
 * package a line (its folder as its path), its dependencies on other
 * packages of the workspace as `library` dependencies. Lines come unowned:
 * merge the plan into one that names owners.
 *
 * @throws ValidationError when a manifest is not valid JSON or has the wrong shape, or pnpm-workspace.yaml is not valid YAML, or an option is malformed or unknown.
 */
export async function importWorkspaces(root: string, options: WorkspacesImportOptions = {}): Promise<Plan> {
  checkArguments("importWorkspaces", { root: [Text, root] });
  parsed(WorkspacesImportOptionsSchema, options, "importWorkspaces options");
  const globs = await workspaceGlobs(root);
  const include = globs.filter((glob) => !glob.startsWith("!"));
  const exclude = globs.filter((glob) => glob.startsWith("!")).map((glob) => glob.slice(1));
  const isIncluded = picomatch(include.map((glob) => glob.replace(/^\.\//, "").replace(/\/$/, "")));
  const isExcluded =
    exclude.length === 0
      ? () => false
      : picomatch(exclude.map((glob) => glob.replace(/^\.\//, "").replace(/\/$/, "")));
  const depth = Math.max(1, ...include.map((glob) => (glob.includes("**") ? 4 : glob.split("/").length)));
  const candidates: string[] = [];
  await directories(root, "", depth, candidates);
  const packages: { dir: string; manifest: PackageJson }[] = [];
  for (const dir of candidates.sort()) {
    if (!isIncluded(dir) || isExcluded(dir) || !existsSync(join(root, dir, "package.json"))) continue;
    packages.push({ dir, manifest: await readJson(join(root, dir, "package.json")) });
  }
  const idOfName = new Map<string, string>();
  for (const { dir, manifest } of packages) idOfName.set(manifest.name ?? dir, slugify(manifest.name ?? dir));
  const runtime = options.runtimeCriticality ?? "high";
  const domains = new Map<string, DomainDecl>();
  const lines: LineDecl[] = packages.map(({ dir, manifest }) => {
    const self = idOfName.get(manifest.name ?? dir);
    const dependsOn = new Map<string, DependencyDecl>();
    const add = (deps: Record<string, string> | undefined, criticality: Criticality) => {
      for (const name of Object.keys(deps ?? {})) {
        const line = idOfName.get(name);
        // A package naming itself among its dependencies is no dependency between lines.
        if (line !== undefined && line !== self && !dependsOn.has(line))
          dependsOn.set(line, { line, kind: "library", criticality });
      }
    };
    add(manifest.dependencies, runtime);
    add(manifest.peerDependencies, "medium");
    add(manifest.optionalDependencies, "medium");
    add(manifest.devDependencies, "low");
    const folder = dir.includes("/") ? dir.slice(0, dir.lastIndexOf("/")) : undefined;
    const domain = options.domainsFromFolders === false || folder === undefined ? undefined : slugify(folder);
    if (domain !== undefined && !domains.has(domain))
      domains.set(domain, { id: domain, name: firstSafeLine(folder, domain) });
    const id = idOfName.get(manifest.name ?? dir) ?? slugify(dir);
    return {
      id,
      // A name is one line (a folder may be named with a tab); the package name stays in package.json.
      name: firstSafeLine(manifest.name ?? dir, id),
      ...(domain === undefined ? {} : { domain }),
      ...(manifest.description === undefined || manifest.description === ""
        ? {}
        : { description: manifest.description }),
      contributors: [],
      paths: [`/${dir}/`],
      tags: ["workspace", ...(manifest.keywords ?? []).map(slugify)].slice(0, 10),
      knowledge: [],
      dependsOn: [...dependsOn.values()],
    };
  });
  return {
    version: 1,
    settings: { cycles: "warning" },
    operators: [],
    domains: [...domains.values()],
    lines,
    relations: [],
  };
}

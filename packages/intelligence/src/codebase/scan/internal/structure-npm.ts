/**
 * npm, yarn and pnpm workspaces: each member package a unit, its
 * dependencies on other members from its package.json.
 *
 * @module
 */
import { z } from "zod";
import { memberMatcher } from "./structure-glob.js";
import { folderOf, inFolder } from "./structure-io.js";
import { readManifest } from "./structure-parse.js";
import type {
  EcosystemScan,
  FoundDependency,
  FoundUnit,
  ManifestProblem,
  ScanContext,
} from "./structure-types.js";
import { EMPTY_SCAN, manifestsNamed } from "./structure-types.js";

const Dependencies = z.record(z.string(), z.unknown()).optional();

/** The fields of a package.json the scanners read. */
const PackageJsonSchema = z.looseObject({
  name: z.string().optional(),
  description: z.string().optional(),
  private: z.unknown().optional(),
  workspaces: z
    .union([z.array(z.string()), z.looseObject({ packages: z.array(z.string()).optional() })])
    .optional(),
  dependencies: Dependencies,
  devDependencies: Dependencies,
  peerDependencies: Dependencies,
  optionalDependencies: Dependencies,
});

const PnpmWorkspaceSchema = z.looseObject({ packages: z.array(z.string()).optional() });

const SECTIONS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] as const;

/** The npm package name without its scope (`@acme/core` -> `core`). */
export function unscoped(name: string): string {
  return name.startsWith("@") && name.includes("/") ? name.slice(name.indexOf("/") + 1) : name;
}

/** The package name of a bare specifier (`@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`). */
export function packageNameOf(specifier: string): string {
  const segments = specifier.split("/");
  return specifier.startsWith("@") ? segments.slice(0, 2).join("/") : (segments[0] ?? specifier);
}

/** Finds npm/yarn workspaces (package.json `workspaces`) and pnpm workspaces (pnpm-workspace.yaml). */
export async function scanNpm(context: ScanContext): Promise<EcosystemScan> {
  const hasRoot = context.fileSet.has("package.json");
  const hasPnpm = context.fileSet.has("pnpm-workspace.yaml");
  if (!hasRoot && !hasPnpm) return EMPTY_SCAN;
  const problems: ManifestProblem[] = [];
  let globs: readonly string[] = [];
  let method = "npm-workspaces";
  let rootManifest: z.output<typeof PackageJsonSchema> | undefined;
  if (hasRoot) {
    const parsed = await readManifest(context, "package.json", "json", PackageJsonSchema);
    if ("problem" in parsed) problems.push(parsed.problem);
    else {
      rootManifest = parsed.value;
      const workspaces = parsed.value.workspaces;
      globs = Array.isArray(workspaces) ? workspaces : (workspaces?.packages ?? []);
    }
  }
  if (hasPnpm) {
    const parsed = await readManifest(context, "pnpm-workspace.yaml", "yaml", PnpmWorkspaceSchema);
    if ("problem" in parsed) problems.push(parsed.problem);
    else if ((parsed.value.packages ?? []).length > 0) {
      globs = parsed.value.packages ?? [];
      method = "pnpm-workspace";
    }
  }
  const candidates: { root: string; manifest: z.output<typeof PackageJsonSchema> }[] = [];
  if (globs.length > 0) {
    const isMember = memberMatcher(globs);
    for (const file of manifestsNamed(context, "package.json")) {
      const root = folderOf(file);
      if (root === "." || !isMember(root)) continue;
      const parsed = await readManifest(context, file, "json", PackageJsonSchema);
      if ("problem" in parsed) problems.push(parsed.problem);
      else candidates.push({ root, manifest: parsed.value });
    }
  } else if (rootManifest?.name !== undefined) {
    method = "npm-package";
    candidates.push({ root: ".", manifest: rootManifest });
  }
  const units: FoundUnit[] = [];
  const dependencies: FoundDependency[] = [];
  for (const { root, manifest } of candidates) {
    const file = inFolder(root, "package.json");
    const name = manifest.name ?? root.slice(root.lastIndexOf("/") + 1);
    units.push({
      root,
      name,
      idBase: unscoped(name),
      ...(manifest.description ? { description: manifest.description } : {}),
      ecosystem: "npm",
      manifest: file,
      method,
      ...(manifest.private === true ? { unpublished: true } : {}),
    });
    const sectionsOf = new Map<string, string[]>();
    for (const section of SECTIONS)
      for (const dependency of Object.keys(manifest[section] ?? {}))
        sectionsOf.set(dependency, [...(sectionsOf.get(dependency) ?? []), section]);
    for (const [dependency, sections] of sectionsOf)
      dependencies.push({
        from: root,
        toName: dependency,
        ecosystem: "npm",
        manifest: file,
        method: "npm-manifest",
        detail: `"${dependency}" in ${sections.join(", ")}`,
      });
  }
  return { units, dependencies, problems };
}

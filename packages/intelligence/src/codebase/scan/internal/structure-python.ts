/**
 * Python packages: every pyproject.toml naming a project (`[project]`, or
 * `[tool.poetry]`); dependencies on other packages of the repository by
 * normalized name or by `path`: `[project]` dependencies and extras, PEP 735
 * `[dependency-groups]`, Hatch metadata hooks' dynamic dependencies
 * (uv-dynamic-versioning's `pydantic-ai-slim=={{ version }}`), Poetry's tables.
 *
 * A package is never published when its pyproject.toml says so: a
 * `Private :: ...` classifier such as `Private :: Do Not Upload` (PyPI
 * refuses any upload carrying one; in `[project]` or `[tool.poetry]`), Poetry's
 * `package-mode = false` or uv's `[tool.uv] package = false` (the project is
 * not built as a package at all). Hatch and setuptools have no such setting,
 * so their packages stay lines.
 *
 * @module
 */
import { z } from "zod";
import { folderOf, joinRelative } from "./structure-io.js";
import { readManifest } from "./structure-parse.js";
import type {
  EcosystemScan,
  FoundDependency,
  FoundUnit,
  ManifestProblem,
  ScanContext,
} from "./structure-types.js";
import { manifestsNamed } from "./structure-types.js";

const PoetryDependencies = z.record(z.string(), z.unknown()).optional();

/** Trove classifiers, read leniently: another shape is none (it never fails the manifest). */
const Classifiers = z.array(z.string()).optional().catch(undefined);
/** A `true`/`false` setting, read leniently. */
const Flag = z.boolean().optional().catch(undefined);

const PyprojectSchema = z.looseObject({
  project: z
    .looseObject({
      name: z.string().optional(),
      description: z.string().optional(),
      classifiers: Classifiers,
      dependencies: z.array(z.string()).optional(),
      "optional-dependencies": z.record(z.string(), z.array(z.string())).optional(),
    })
    .optional(),
  // PEP 735 groups: requirement strings, or `{ include-group = "..." }` tables (not dependencies).
  // Read leniently where used: a group or hook the scan does not understand never fails the manifest.
  "dependency-groups": z.unknown().optional(),
  tool: z
    .looseObject({
      // Hatch metadata hooks that supply `dynamic` dependencies (uv-dynamic-versioning's `pkg=={{ version }}`).
      hatch: z
        .looseObject({
          metadata: z
            .looseObject({
              hooks: z.unknown().optional(),
            })
            .optional(),
        })
        .optional(),
      uv: z.looseObject({ package: Flag }).optional().catch(undefined),
      poetry: z
        .looseObject({
          name: z.string().optional(),
          description: z.string().optional(),
          classifiers: Classifiers,
          "package-mode": Flag,
          dependencies: PoetryDependencies,
          "dev-dependencies": PoetryDependencies,
          group: z.record(z.string(), z.looseObject({ dependencies: PoetryDependencies })).optional(),
        })
        .optional(),
    })
    .optional(),
});

/** A Python distribution name normalized as PEP 503 does (`Acme_Core` -> `acme-core`). */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** The distribution name of a PEP 508 requirement (`acme-core[extra]>=1.0; python_version<"3.12"` -> `acme-core`). */
function requirementName(requirement: string): string {
  return /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement)?.[1] ?? requirement.trim();
}

const PathSpec = z.looseObject({ path: z.string() });

/** A Hatch metadata hook's dependencies, as far as they are requirement strings. */
const HatchHooks = z.record(
  z.string(),
  z.looseObject({
    dependencies: z.array(z.string()).optional(),
    "optional-dependencies": z.record(z.string(), z.array(z.string())).optional(),
  }),
);

/** PEP 735 dependency groups: requirement strings and `{ include-group = "..." }` tables. */
const DependencyGroups = z.record(z.string(), z.array(z.unknown()));

/** Finds the Python packages of a repository: every pyproject.toml that names a project. */
export async function scanPython(context: ScanContext): Promise<EcosystemScan> {
  const problems: ManifestProblem[] = [];
  const units: FoundUnit[] = [];
  const dependencies: FoundDependency[] = [];
  for (const file of manifestsNamed(context, "pyproject.toml")) {
    const parsed = await readManifest(context, file, "toml", PyprojectSchema);
    if ("problem" in parsed) {
      problems.push(parsed.problem);
      continue;
    }
    const { project, tool } = parsed.value;
    const poetry = tool?.poetry;
    const name = project?.name ?? poetry?.name;
    if (name === undefined) continue;
    const root = folderOf(file);
    const description = project?.description ?? poetry?.description;
    const classifiers = [...(project?.classifiers ?? []), ...(poetry?.classifiers ?? [])];
    const unpublished =
      classifiers.some((classifier) => /^Private\s*::/.test(classifier.trim())) ||
      poetry?.["package-mode"] === false ||
      tool?.uv?.package === false;
    units.push({
      root,
      name,
      idBase: name,
      ...(description ? { description } : {}),
      ecosystem: "python",
      manifest: file,
      method: project?.name === undefined ? "poetry" : "pyproject",
      ...(unpublished ? { unpublished: true } : {}),
    });
    const add = (toName: string | undefined, toRoot: string | undefined, detail: string) =>
      dependencies.push({
        from: root,
        ...(toRoot === undefined ? { toName: normalizePythonName(toName ?? "") } : { toRoot }),
        ecosystem: "python",
        manifest: file,
        method: "python-manifest",
        detail,
      });
    for (const requirement of project?.dependencies ?? [])
      add(requirementName(requirement), undefined, `"${requirement}" in [project] dependencies`);
    for (const [extra, requirements] of Object.entries(project?.["optional-dependencies"] ?? {}))
      for (const requirement of requirements)
        add(
          requirementName(requirement),
          undefined,
          `"${requirement}" in [project.optional-dependencies] ${extra}`,
        );
    const hooks = HatchHooks.safeParse(tool?.hatch?.metadata?.hooks);
    for (const [hook, table] of Object.entries(hooks.success ? hooks.data : {})) {
      for (const requirement of table.dependencies ?? [])
        add(
          requirementName(requirement),
          undefined,
          `"${requirement}" in [tool.hatch.metadata.hooks.${hook}] dependencies`,
        );
      for (const [extra, requirements] of Object.entries(table["optional-dependencies"] ?? {}))
        for (const requirement of requirements)
          add(
            requirementName(requirement),
            undefined,
            `"${requirement}" in [tool.hatch.metadata.hooks.${hook}.optional-dependencies] ${extra}`,
          );
    }
    const groups = DependencyGroups.safeParse(parsed.value["dependency-groups"]);
    for (const [group, requirements] of Object.entries(groups.success ? groups.data : {}))
      for (const requirement of requirements)
        if (typeof requirement === "string")
          add(requirementName(requirement), undefined, `"${requirement}" in [dependency-groups] ${group}`);
    const poetryTables: [string, Record<string, unknown> | undefined][] = [
      ["tool.poetry.dependencies", poetry?.dependencies],
      ["tool.poetry.dev-dependencies", poetry?.["dev-dependencies"]],
      ...Object.entries(poetry?.group ?? {}).map(
        ([group, table]): [string, Record<string, unknown> | undefined] => [
          `tool.poetry.group.${group}.dependencies`,
          table.dependencies,
        ],
      ),
    ];
    for (const [section, table] of poetryTables)
      for (const [key, value] of Object.entries(table ?? {})) {
        if (key === "python") continue;
        const spec = PathSpec.safeParse(value);
        add(key, spec.success ? joinRelative(root, spec.data.path) : undefined, `"${key}" in [${section}]`);
      }
  }
  return { units, dependencies, problems };
}

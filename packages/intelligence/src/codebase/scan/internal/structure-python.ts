/**
 * Python packages: every pyproject.toml naming a project (`[project]`, or
 * `[tool.poetry]`); dependencies on other packages of the repository by
 * normalized name or by `path`.
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

const PyprojectSchema = z.looseObject({
  project: z
    .looseObject({
      name: z.string().optional(),
      description: z.string().optional(),
      dependencies: z.array(z.string()).optional(),
      "optional-dependencies": z.record(z.string(), z.array(z.string())).optional(),
    })
    .optional(),
  tool: z
    .looseObject({
      poetry: z
        .looseObject({
          name: z.string().optional(),
          description: z.string().optional(),
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
    units.push({
      root,
      name,
      idBase: name,
      ...(description ? { description } : {}),
      ecosystem: "python",
      manifest: file,
      method: project?.name === undefined ? "poetry" : "pyproject",
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

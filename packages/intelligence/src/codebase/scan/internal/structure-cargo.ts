/**
 * Cargo workspaces: each member crate a unit, its `path =` or same-name
 * dependencies on other members from its Cargo.toml.
 *
 * @module
 */
import { z } from "zod";
import { memberMatcher } from "./structure-glob.js";
import { folderOf, joinRelative } from "./structure-io.js";
import { readManifest } from "./structure-parse.js";
import type {
  EcosystemScan,
  FoundDependency,
  FoundUnit,
  ManifestProblem,
  ScanContext,
} from "./structure-types.js";
import { EMPTY_SCAN, manifestsNamed } from "./structure-types.js";

const DependencyTable = z.record(z.string(), z.unknown()).optional();

const CargoSchema = z.looseObject({
  package: z
    .looseObject({
      name: z.string().optional(),
      description: z.unknown().optional(),
      publish: z.unknown().optional(),
    })
    .optional(),
  workspace: z
    .looseObject({ members: z.array(z.string()).optional(), exclude: z.array(z.string()).optional() })
    .optional(),
  dependencies: DependencyTable,
  "dev-dependencies": DependencyTable,
  "build-dependencies": DependencyTable,
  target: z
    .record(z.string(), z.looseObject({ dependencies: DependencyTable, "dev-dependencies": DependencyTable }))
    .optional(),
});
type Cargo = z.output<typeof CargoSchema>;

const SpecSchema = z.looseObject({ path: z.string().optional(), package: z.string().optional() });

function dependenciesOf(root: string, file: string, cargo: Cargo): FoundDependency[] {
  const tables: [string, Record<string, unknown> | undefined][] = [
    ["dependencies", cargo.dependencies],
    ["dev-dependencies", cargo["dev-dependencies"]],
    ["build-dependencies", cargo["build-dependencies"]],
    ...Object.entries(cargo.target ?? {}).flatMap(
      ([target, table]): [string, Record<string, unknown> | undefined][] => [
        [`target.${target}.dependencies`, table.dependencies],
        [`target.${target}.dev-dependencies`, table["dev-dependencies"]],
      ],
    ),
  ];
  const out: FoundDependency[] = [];
  for (const [section, table] of tables)
    for (const [key, value] of Object.entries(table ?? {})) {
      const spec = SpecSchema.safeParse(value);
      const path = spec.success ? spec.data.path : undefined;
      const toRoot = path === undefined ? undefined : joinRelative(root, path);
      out.push({
        from: root,
        ...(toRoot === undefined ? { toName: spec.success ? (spec.data.package ?? key) : key } : { toRoot }),
        ecosystem: "cargo",
        manifest: file,
        method: "cargo-manifest",
        detail: `"${key}" in [${section}]`,
      });
    }
  return out;
}

/** Finds a Cargo workspace's member crates (and the root crate, when the root Cargo.toml has a `[package]`). */
export async function scanCargo(context: ScanContext): Promise<EcosystemScan> {
  if (!context.fileSet.has("Cargo.toml")) return EMPTY_SCAN;
  const problems: ManifestProblem[] = [];
  const rootParsed = await readManifest(context, "Cargo.toml", "toml", CargoSchema);
  if ("problem" in rootParsed) return { units: [], dependencies: [], problems: [rootParsed.problem] };
  const crates: { root: string; file: string; cargo: Cargo; method: string }[] = [];
  const workspace = rootParsed.value.workspace;
  if (rootParsed.value.package?.name !== undefined)
    crates.push({
      root: ".",
      file: "Cargo.toml",
      cargo: rootParsed.value,
      method: workspace ? "cargo-workspace" : "cargo-package",
    });
  if (workspace?.members !== undefined && workspace.members.length > 0) {
    const isMember = memberMatcher([
      ...workspace.members,
      ...(workspace.exclude ?? []).map((glob) => `!${glob}`),
    ]);
    for (const file of manifestsNamed(context, "Cargo.toml")) {
      const root = folderOf(file);
      if (root === "." || !isMember(root)) continue;
      const parsed = await readManifest(context, file, "toml", CargoSchema);
      if ("problem" in parsed) problems.push(parsed.problem);
      else if (parsed.value.package?.name === undefined)
        problems.push({ file, message: `${file} has no [package] name; crate skipped` });
      else crates.push({ root, file, cargo: parsed.value, method: "cargo-workspace" });
    }
  }
  const units: FoundUnit[] = crates.map(({ root, file, cargo, method }) => {
    const name = cargo.package?.name ?? root;
    const description = cargo.package?.description;
    // `publish = false`, or `publish = []`: no registry may have it.
    const publish = cargo.package?.publish;
    return {
      root,
      name,
      idBase: name,
      ...(typeof description === "string" && description !== "" ? { description } : {}),
      ecosystem: "cargo",
      manifest: file,
      method,
      ...(publish === false || (Array.isArray(publish) && publish.length === 0) ? { unpublished: true } : {}),
    };
  });
  const dependencies = crates.flatMap(({ root, file, cargo }) => dependenciesOf(root, file, cargo));
  return { units, dependencies, problems };
}

/**
 * What a blueprint reads from a line's manifests: entry points (npm `bin`
 * and `main`, Cargo binaries, Python scripts), the TS/JS entry files of its
 * public surface, and the names of the packages it depends on.
 *
 * @module
 */
import { z } from "zod";
import type { ProposedLine } from "../../proposal.js";
import { inFolder, joinRelative, readRepoText } from "./structure-io.js";
import { unscoped } from "./structure-npm.js";
import { readManifest } from "./structure-parse.js";
import { sourceCandidates } from "./structure-surface.js";
import type { ScanContext } from "./structure-types.js";
import { delimitedBodies } from "./text-delimited.js";

/** An entry point of a line and the file that declares it. */
export interface EntryPoint {
  /** What it is (`bin factory -> dist/cli.js`, `binary acme (src/main.rs)`). */
  readonly value: string;
  readonly file: string;
}

/** What the manifests of a line say. */
export interface ManifestFacts {
  readonly entryPoints: readonly EntryPoint[];
  /** Source files that are the TS/JS public entry points (`exports`, `types`, `main` mapped back to sources). */
  readonly entryFiles: readonly string[];
  /** Names of the packages the line depends on, with the manifest that says so. */
  readonly dependencies: readonly { readonly name: string; readonly file: string }[];
  /** Manifests read. */
  readonly files: readonly string[];
}

const Names = z.record(z.string(), z.unknown()).optional();

const PackageJsonSchema = z.looseObject({
  name: z.string().optional(),
  bin: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  main: z.string().optional(),
  module: z.string().optional(),
  types: z.string().optional(),
  typings: z.string().optional(),
  exports: z.unknown().optional(),
  dependencies: Names,
  devDependencies: Names,
  peerDependencies: Names,
  optionalDependencies: Names,
});

const CargoSchema = z.looseObject({
  package: z.looseObject({ name: z.string().optional() }).optional(),
  bin: z.array(z.looseObject({ name: z.string().optional(), path: z.string().optional() })).optional(),
  dependencies: Names,
  "dev-dependencies": Names,
});

const PyprojectSchema = z.looseObject({
  project: z
    .looseObject({
      dependencies: z.array(z.string()).optional(),
      scripts: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  tool: z
    .looseObject({
      poetry: z
        .looseObject({ dependencies: Names, scripts: z.record(z.string(), z.unknown()).optional() })
        .optional(),
    })
    .optional(),
});

/** String leaves of an `exports` value, in order, per subpath (`.` first); `./package.json` and patterns skipped. */
function exportTargets(exports: unknown): string[] {
  const leaves = (value: unknown): string[] =>
    typeof value === "string"
      ? [value]
      : value !== null && typeof value === "object"
        ? Object.values(value as Record<string, unknown>).flatMap(leaves)
        : [];
  if (typeof exports === "string" || Array.isArray(exports)) return leaves(exports);
  if (exports === null || typeof exports !== "object") return [];
  const entries = Object.entries(exports as Record<string, unknown>);
  if (!entries.every(([key]) => key.startsWith("."))) return leaves(exports);
  return entries
    .filter(([key]) => key !== "./package.json" && !key.includes("*"))
    .sort(([a], [b]) => (a === "." ? -1 : b === "." ? 1 : a < b ? -1 : 1))
    .flatMap(([, value]) => leaves(value));
}

/** The source file a package target stands for: itself, or its `src/` twin when it points into dist, lib, build or out. */
function sourceOf(context: ScanContext, root: string, target: string): string | undefined {
  const path = joinRelative(root, target);
  if (path === undefined) return undefined;
  const inside = root === "." ? path : path.slice(root.length + 1);
  const twin = inside.replace(/^(dist|lib|build|out)\//, "src/");
  const candidates = [
    ...sourceCandidates(inFolder(root, twin)),
    ...sourceCandidates(path).filter((file) => !/\.d\.[cm]?ts$/.test(file)),
  ];
  return candidates.find((file) => context.fileSet.has(file));
}

const DEFAULT_ENTRIES = [
  "src/index.ts",
  "src/index.tsx",
  "src/index.js",
  "src/index.mjs",
  "index.ts",
  "index.js",
  "index.mjs",
];

async function npmFacts(
  context: ScanContext,
  line: ProposedLine,
  file: string,
): Promise<Omit<ManifestFacts, "files">> {
  const parsed = await readManifest(context, file, "json", PackageJsonSchema);
  if ("problem" in parsed) return { entryPoints: [], entryFiles: [], dependencies: [] };
  const manifest = parsed.value;
  const entryPoints: EntryPoint[] = [];
  const bins =
    typeof manifest.bin === "string"
      ? { [unscoped(manifest.name ?? line.id)]: manifest.bin }
      : (manifest.bin ?? {});
  for (const [name, target] of Object.entries(bins).sort(([a], [b]) => (a < b ? -1 : 1)))
    entryPoints.push({ value: `bin \`${name}\` -> ${target}`, file });
  if (manifest.main !== undefined) entryPoints.push({ value: `main ${manifest.main}`, file });
  const targets = [
    ...exportTargets(manifest.exports),
    ...[manifest.types, manifest.typings, manifest.module, manifest.main].filter(
      (target) => target !== undefined,
    ),
  ];
  let entryFiles = [
    ...new Set(
      targets.map((target) => sourceOf(context, line.root, target)).filter((entry) => entry !== undefined),
    ),
  ];
  if (entryFiles.length === 0)
    entryFiles = DEFAULT_ENTRIES.map((entry) => inFolder(line.root, entry))
      .filter((entry) => context.fileSet.has(entry))
      .slice(0, 1);
  const dependencies = [
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
  ].map((name) => ({ name, file }));
  return { entryPoints, entryFiles, dependencies };
}

async function cargoFacts(
  context: ScanContext,
  line: ProposedLine,
  file: string,
): Promise<Omit<ManifestFacts, "files" | "entryFiles">> {
  const parsed = await readManifest(context, file, "toml", CargoSchema);
  if ("problem" in parsed) return { entryPoints: [], dependencies: [] };
  const cargo = parsed.value;
  const entryPoints: EntryPoint[] = (cargo.bin ?? []).map((bin) => ({
    value: `binary \`${bin.name ?? cargo.package?.name ?? line.id}\`${bin.path ? ` (${bin.path})` : ""}`,
    file,
  }));
  const main = inFolder(line.root, "src/main.rs");
  if (entryPoints.length === 0 && context.fileSet.has(main))
    entryPoints.push({ value: `binary \`${cargo.package?.name ?? line.id}\` (src/main.rs)`, file: main });
  const binFolder = `${inFolder(line.root, "src/bin")}/`;
  for (const bin of context.files.filter((path) => path.startsWith(binFolder) && path.endsWith(".rs")))
    entryPoints.push({
      value: `binary \`${bin.slice(binFolder.length).replace(/(\/main)?\.rs$/, "")}\``,
      file: bin,
    });
  const dependencies = Object.keys(cargo.dependencies ?? {}).map((name) => ({ name, file }));
  return { entryPoints, dependencies };
}

async function pythonFacts(
  context: ScanContext,
  file: string,
): Promise<Omit<ManifestFacts, "files" | "entryFiles">> {
  const parsed = await readManifest(context, file, "toml", PyprojectSchema);
  if ("problem" in parsed) return { entryPoints: [], dependencies: [] };
  const { project, tool } = parsed.value;
  const scripts = { ...(tool?.poetry?.scripts ?? {}), ...(project?.scripts ?? {}) };
  const entryPoints = Object.entries(scripts)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, target]) => ({
      value: `script \`${name}\` -> ${typeof target === "string" ? target : JSON.stringify(target)}`,
      file,
    }));
  const dependencies = [
    ...(project?.dependencies ?? []).map(
      (requirement) => /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement)?.[1] ?? requirement,
    ),
    ...Object.keys(tool?.poetry?.dependencies ?? {}).filter((name) => name !== "python"),
  ].map((name) => ({ name, file }));
  return { entryPoints, dependencies };
}

async function goFacts(
  context: ScanContext,
  file: string,
): Promise<Omit<ManifestFacts, "files" | "entryFiles" | "entryPoints">> {
  const text = (await readRepoText(context.root, file)) ?? "";
  const requires = [
    ...[...text.matchAll(/^require\s+([^\s(]+)/gm)].map((match) => match[1] ?? ""),
    ...delimitedBodies(text, /^require\s*\(/gm, /^\)/gm).flatMap((block) =>
      block
        .split(/\r?\n/)
        .map(
          (entry) =>
            entry
              .replace(/\/\/.*$/, "")
              .trim()
              .split(/\s+/)[0] ?? "",
        )
        .filter((entry) => entry !== ""),
    ),
  ];
  return { dependencies: requires.map((name) => ({ name, file })) };
}

async function mavenFacts(
  context: ScanContext,
  file: string,
): Promise<Omit<ManifestFacts, "files" | "entryFiles" | "entryPoints">> {
  const text = (await readRepoText(context.root, file)) ?? "";
  // Each `<dependency>` up to its first `</dependency>`, found once: a lazy expression over both
  // backtracked cubically on many dependencies missing their closing tag.
  const names = delimitedBodies(text, /<dependency>/g, /<\/dependency>/g).flatMap((block) => {
    const name = /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(block)?.[1];
    return name === undefined ? [] : [name];
  });
  return { dependencies: names.map((name) => ({ name, file })) };
}

/** Reads the manifests in a line's root: package.json, Cargo.toml, pyproject.toml, go.mod, pom.xml. */
export async function manifestFacts(context: ScanContext, line: ProposedLine): Promise<ManifestFacts> {
  const entryPoints: EntryPoint[] = [];
  const entryFiles: string[] = [];
  const dependencies: { name: string; file: string }[] = [];
  const files: string[] = [];
  const present = (name: string) => {
    const file = inFolder(line.root, name);
    if (!context.fileSet.has(file)) return undefined;
    files.push(file);
    return file;
  };
  const packageJson = present("package.json");
  if (packageJson !== undefined) {
    const facts = await npmFacts(context, line, packageJson);
    entryPoints.push(...facts.entryPoints);
    entryFiles.push(...facts.entryFiles);
    dependencies.push(...facts.dependencies);
  }
  const cargo = present("Cargo.toml");
  if (cargo !== undefined) {
    const facts = await cargoFacts(context, line, cargo);
    entryPoints.push(...facts.entryPoints);
    dependencies.push(...facts.dependencies);
  }
  const pyproject = present("pyproject.toml");
  if (pyproject !== undefined) {
    const facts = await pythonFacts(context, pyproject);
    entryPoints.push(...facts.entryPoints);
    dependencies.push(...facts.dependencies);
  }
  const goMod = present("go.mod");
  if (goMod !== undefined) dependencies.push(...(await goFacts(context, goMod)).dependencies);
  const pom = present("pom.xml");
  if (pom !== undefined) dependencies.push(...(await mavenFacts(context, pom)).dependencies);
  return { entryPoints, entryFiles, dependencies, files };
}

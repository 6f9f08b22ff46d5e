/**
 * Which Gradle projects are never published. A project publishes when its
 * build script applies a publishing plugin (`maven-publish`, `ivy-publish`,
 * `com.vanniktech.maven.publish(.base)`, `com.gradle.plugin-publish`) by id,
 * by a version-catalog alias (`alias(libs.plugins.maven.publish)`), through a
 * precompiled convention plugin of an included build or `buildSrc` that does
 * (okhttp's `okhttp.publish-conventions`), or configures `publishing { }`.
 *
 * A project is never published only on that evidence: its build script
 * applies none of those while another project of the build does. Nothing is
 * concluded when the root script configures its subprojects (`subprojects`,
 * `allprojects`, `configure(...)`: it may apply a publishing plugin to them),
 * nor for a project that applies a plugin an included build registers in code
 * (`gradlePlugin { }`), which cannot be read.
 *
 * @module
 */
import { z } from "zod";
import { readRepoText } from "./structure-io.js";
import { readManifest } from "./structure-parse.js";
import type { ScanContext } from "./structure-types.js";

/** Plugins that publish a project's artifacts. */
const PUBLISHING = new Set([
  "maven-publish",
  "ivy-publish",
  "com.vanniktech.maven.publish",
  "com.vanniktech.maven.publish.base",
  "com.gradle.plugin-publish",
]);

/** Plugin ids a script applies, each pattern linear: one blank run before each quote. */
const PLUGIN_IDS = [
  /\bid(?:\s*\(\s*|\s+)["']([\w.-]+)["']/g,
  /`([\w.-]+)`/g,
  /\bapply(?:\s*\(\s*|\s+)plugin\s*[:=]\s*["']([\w.-]+)["']/g,
];
const CATALOG_ALIAS = /\balias\s*\(\s*libs\.plugins((?:\.\w+)+)\s*\)/g;
const PUBLISHING_BLOCK = /\bpublishing\s*\{/;
/** A root script that configures other projects. */
const CONFIGURES_OTHERS = /\b(?:subprojects|allprojects)\b|\bconfigure\s*\(/;

const Catalog = z.looseObject({
  plugins: z
    .record(z.string(), z.union([z.string(), z.looseObject({ id: z.string().optional() })]))
    .optional()
    .catch(undefined),
});

/** The plugin ids of the version catalog's `[plugins]`, by their accessor after `libs.plugins.` (`maven.publish`). */
async function catalogPlugins(context: ScanContext): Promise<Map<string, string>> {
  const file = "gradle/libs.versions.toml";
  if (!context.fileSet.has(file)) return new Map();
  const parsed = await readManifest(context, file, "toml", Catalog);
  if ("problem" in parsed) return new Map();
  return new Map(
    Object.entries(parsed.value.plugins ?? {}).map(([key, value]) => [
      key.replace(/[-_]/g, "."),
      typeof value === "string" ? (value.split(":")[0] ?? value) : (value.id ?? ""),
    ]),
  );
}

/** The plugin ids a build script applies, catalog aliases resolved. */
function pluginsOf(script: string, catalog: ReadonlyMap<string, string>): Set<string> {
  const ids = new Set<string>();
  for (const pattern of PLUGIN_IDS) for (const match of script.matchAll(pattern)) ids.add(match[1] ?? "");
  for (const match of script.matchAll(CATALOG_ALIAS)) {
    const id = catalog.get((match[1] ?? "").slice(1));
    if (id !== undefined) ids.add(id);
  }
  return ids;
}

/**
 * The convention plugins of the included builds (`includeBuild("build-logic")`)
 * and `buildSrc`: precompiled scripts by id (their file name), and the ids
 * registered in code by a `gradlePlugin { }` block, which are not read.
 */
async function conventionsOf(
  context: ScanContext,
  settings: string,
): Promise<{ scripts: Map<string, string>; opaque: Set<string> }> {
  const builds = [
    "buildSrc",
    ...[...settings.matchAll(/\bincludeBuild\s*\(\s*["']([^"']+)["']/g)].map((m) => m[1]),
  ];
  const scripts = new Map<string, string>();
  const opaque = new Set<string>();
  for (const build of builds) {
    const folder = (build ?? "").replace(/^\.\//, "").replace(/\/+$/, "");
    for (const file of context.files) {
      if (!file.startsWith(`${folder}/src/main/`)) continue;
      const id = /\/([^/]+)\.gradle(?:\.kts)?$/.exec(file)?.[1];
      if (id !== undefined) scripts.set(id, (await readRepoText(context.root, file)) ?? "");
    }
    for (const name of ["build.gradle.kts", "build.gradle"]) {
      const text = context.fileSet.has(`${folder}/${name}`)
        ? ((await readRepoText(context.root, `${folder}/${name}`)) ?? "")
        : "";
      if (PUBLISHING_BLOCK.test(text) || /\bgradlePlugin\s*\{/.test(text))
        for (const match of text.matchAll(/\bid\s*=\s*["']([\w.-]+)["']/g)) opaque.add(match[1] ?? "");
    }
  }
  return { scripts, opaque };
}

/**
 * The roots of the projects that are never published, from their build
 * scripts (`scripts`, by root; a project without one is not among them).
 * `settings` is settings.gradle(.kts) without comments.
 */
export async function unpublishedGradleProjects(
  context: ScanContext,
  settings: string,
  scripts: ReadonlyMap<string, string>,
): Promise<Set<string>> {
  const rootScript = ["build.gradle.kts", "build.gradle"].find((file) => context.fileSet.has(file));
  const root = rootScript === undefined ? "" : ((await readRepoText(context.root, rootScript)) ?? "");
  if (CONFIGURES_OTHERS.test(root)) return new Set();
  const catalog = await catalogPlugins(context);
  const conventions = await conventionsOf(context, settings);
  const verdicts = new Map<string, boolean>();
  const conventionPublishes = (id: string): boolean => {
    const known = verdicts.get(id);
    if (known !== undefined) return known;
    verdicts.set(id, false);
    const verdict = publishes(conventions.scripts.get(id) ?? "");
    verdicts.set(id, verdict);
    return verdict;
  };
  const publishes = (script: string): boolean =>
    PUBLISHING_BLOCK.test(script) ||
    [...pluginsOf(script, catalog)].some(
      (id) => PUBLISHING.has(id) || (conventions.scripts.has(id) && conventionPublishes(id)),
    );
  const unknown = (script: string) =>
    [...pluginsOf(script, catalog)].some((id) => conventions.opaque.has(id));
  const published = [...scripts].filter(([, script]) => publishes(script));
  if (published.length === 0) return new Set();
  return new Set(
    [...scripts]
      .filter(([, script]) => !publishes(script) && !unknown(script))
      .map(([projectRoot]) => projectRoot),
  );
}

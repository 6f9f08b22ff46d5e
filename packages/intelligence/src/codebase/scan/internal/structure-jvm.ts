/**
 * Maven and Gradle multi-module builds: Maven `<modules>` (recursively) with
 * `<dependency>` on sibling artifactIds; Gradle `include` in settings.gradle(.kts)
 * (not `includeBuild`; renamed by `project(":x").name`) with `project(":x")` and
 * type-safe `projects.x` dependencies in each build.gradle(.kts).
 *
 * @module
 */
import { z } from "zod";
import { unpublishedGradleProjects } from "./structure-gradle-publish.js";
import { inFolder, joinRelative, readRepoText } from "./structure-io.js";
import { readManifest } from "./structure-parse.js";
import type {
  EcosystemScan,
  FoundDependency,
  FoundUnit,
  ManifestProblem,
  ScanContext,
} from "./structure-types.js";
import { EMPTY_SCAN } from "./structure-types.js";
import { withoutDelimited } from "./text-delimited.js";

const Text = z.union([z.string(), z.number()]).transform(String).optional();

/** A plugin's `<executions>`: each execution's id and phase. */
const Executions = z
  .looseObject({ execution: z.array(z.looseObject({ id: Text, phase: Text })).optional() })
  .or(z.literal(""))
  .optional();

/** A `<plugins>` list: each plugin's artifactId, its configuration's `<skip>`, if a text, and its executions. */
const Plugins = z
  .looseObject({
    plugin: z
      .array(
        z.looseObject({
          artifactId: Text,
          configuration: z.looseObject({ skip: z.unknown().optional() }).or(z.literal("")).optional(),
          executions: Executions,
        }),
      )
      .optional(),
  })
  .or(z.literal(""))
  .optional();

/** `<build>`'s plugins and managed plugins; a build of another shape is read as none (it never fails the pom). */
const Build = z
  .looseObject({
    plugins: Plugins,
    pluginManagement: z.looseObject({ plugins: Plugins }).or(z.literal("")).optional(),
  })
  .or(z.literal(""))
  .optional()
  .catch(undefined);

const PomSchema = z.looseObject({
  project: z.looseObject({
    artifactId: Text,
    groupId: Text,
    name: Text,
    description: Text,
    properties: z.looseObject({ "maven.deploy.skip": z.unknown().optional() }).or(z.literal("")).optional(),
    build: Build,
    modules: z
      .looseObject({ module: z.array(Text).optional() })
      .or(z.literal(""))
      .optional(),
    dependencies: z
      .looseObject({
        dependency: z.array(z.looseObject({ artifactId: Text, groupId: Text, scope: Text })).optional(),
      })
      .or(z.literal(""))
      .optional(),
  }),
});
type Pom = z.output<typeof PomSchema>["project"];

/** `true` or `false` from a `<skip>` or `maven.deploy.skip` text; undefined for anything else (`${skipDeploy}`). */
function flag(value: unknown): boolean | undefined {
  const text = typeof value === "string" ? value.trim() : undefined;
  return text === "true" ? true : text === "false" ? false : undefined;
}

/**
 * Whether `maven-deploy-plugin` in a `<plugins>` list skips deploying: true when its
 * `default-deploy` execution is bound to `<phase>none</phase>`, else its configuration's
 * `<skip>` if it says `true` or `false`.
 */
function deployPluginSkip(plugins: z.output<typeof Plugins>): boolean | undefined {
  const list = typeof plugins === "object" ? (plugins.plugin ?? []) : [];
  const deploy = list.find((plugin) => plugin.artifactId?.trim() === "maven-deploy-plugin");
  const executions = typeof deploy?.executions === "object" ? (deploy.executions.execution ?? []) : [];
  const unbound = executions.some(
    (execution) => execution.id?.trim() === "default-deploy" && execution.phase?.trim() === "none",
  );
  if (unbound) return true;
  return typeof deploy?.configuration === "object" ? flag(deploy.configuration.skip) : undefined;
}

/**
 * Whether a pom skips deploying: the deploy plugin's `<skip>` (or its `default-deploy`
 * execution bound to no phase) in `<build><plugins>`, else in `<build><pluginManagement>`,
 * else the `maven.deploy.skip` property;
 * undefined when it says neither (it inherits).
 */
function skipsDeploy(pom: Pom): boolean | undefined {
  const build = typeof pom.build === "object" ? pom.build : undefined;
  const managed = typeof build?.pluginManagement === "object" ? build.pluginManagement.plugins : undefined;
  const property = typeof pom.properties === "object" ? pom.properties["maven.deploy.skip"] : undefined;
  return deployPluginSkip(build?.plugins) ?? deployPluginSkip(managed) ?? flag(property);
}

function modulesOf(pom: Pom): string[] {
  const modules = typeof pom.modules === "object" ? (pom.modules.module ?? []) : [];
  return modules.filter((module): module is string => module !== undefined && module !== "");
}

/**
 * Finds the modules of a Maven build from the root pom.xml, descending through
 * aggregator modules; a module whose pom, or else the nearest aggregator's
 * above it, skips deploying (`maven.deploy.skip`, or the deploy plugin's
 * `<skip>` or its `default-deploy` execution's `<phase>none</phase>` in
 * `<build><plugins>` or `<pluginManagement>`) is unpublished.
 */
export async function scanMaven(context: ScanContext): Promise<EcosystemScan> {
  if (!context.fileSet.has("pom.xml")) return EMPTY_SCAN;
  const problems: ManifestProblem[] = [];
  const units: FoundUnit[] = [];
  const dependencies: FoundDependency[] = [];
  const visited = new Set<string>();
  const visit = async (root: string, isRoot: boolean, aboveSkips: boolean): Promise<void> => {
    if (visited.has(root)) return;
    visited.add(root);
    const file = inFolder(root, "pom.xml");
    const parsed = await readManifest(context, file, "xml", PomSchema);
    if ("problem" in parsed) {
      problems.push(parsed.problem);
      return;
    }
    const pom = parsed.value.project;
    const modules = modulesOf(pom);
    const unpublished = skipsDeploy(pom) ?? aboveSkips;
    for (const module of modules) {
      const child = joinRelative(root, module.replace(/\/?pom\.xml$/, ""));
      if (child !== undefined) await visit(child, false, unpublished);
    }
    if (modules.length > 0 || pom.artifactId === undefined) return;
    units.push({
      root,
      name: pom.artifactId,
      idBase: pom.artifactId,
      ...(pom.description ? { description: pom.description.trim().replace(/\s+/g, " ") } : {}),
      ecosystem: "maven",
      manifest: file,
      method: isRoot ? "maven-project" : "maven-modules",
      ...(unpublished ? { unpublished: true } : {}),
    });
    const declared = typeof pom.dependencies === "object" ? (pom.dependencies.dependency ?? []) : [];
    for (const dependency of declared)
      if (dependency.artifactId !== undefined)
        dependencies.push({
          from: root,
          toName: dependency.artifactId,
          ecosystem: "maven",
          manifest: file,
          method: "maven-manifest",
          detail: `<dependency> ${dependency.groupId ?? "?"}:${dependency.artifactId}${dependency.scope ? ` (${dependency.scope})` : ""}`,
        });
  };
  await visit(".", true, false);
  return { units, dependencies, problems };
}

function quoted(text: string): string[] {
  return [...text.matchAll(/["']([^"'\n]+)["']/g)].map((match) => match[1] ?? "");
}

/**
 * The type-safe accessor of a Gradle project path, as `projects.<accessor>`
 * names it: each segment camel-cased at `-`, `_`, `.` and spaces
 * (`:okhttp-testing-support` -> `okhttpTestingSupport`, `:samples:guide` -> `samples.guide`).
 */
function accessorOf(path: string): string {
  return path
    .slice(1)
    .split(":")
    .map((segment) =>
      segment
        .split(/[-_. ]+/)
        .filter((part) => part !== "")
        .map((part, index) => (index === 0 ? part : `${part[0]?.toUpperCase() ?? ""}${part.slice(1)}`))
        .join(""),
    )
    .join(".");
}

/** Finds the projects of a Gradle build from settings.gradle(.kts) `include` statements. */
export async function scanGradle(context: ScanContext): Promise<EcosystemScan> {
  const settings = ["settings.gradle.kts", "settings.gradle"].find((file) => context.fileSet.has(file));
  if (settings === undefined) return EMPTY_SCAN;
  const text = (await readRepoText(context.root, settings)) ?? "";
  // Line starts take blanks and tabs only: `^\s*` runs over the newlines that follow, once per line, quadratically.
  // Block comments end at the first `*/` found once, not by a lazy scan from each unclosed `/*` (quadratic).
  const code = withoutDelimited(text, "/*", "*/").replace(/^[ \t]*\/\/.*$/gm, "");
  const paths = new Set<string>();
  // `include(":a", ":b")` may span lines; Groovy's `include ':a', ':b'` ends with a line that does not end with
  // a comma (kafka's `include 'clients',` then a project a line). Each line is read once: the last `[^\n]*` always matches.
  // `includeBuild("build-logic")` is another build (conventions, plugins), not a project of this one.
  for (const match of code.matchAll(
    /^[ \t]*include(?![\w$])\s*(?:\(([^)]*)\)|((?:[^\n]*,[ \t]*\n)*[^\n]*))/gm,
  ))
    for (const path of quoted(match[1] ?? match[2] ?? ""))
      paths.add(path.startsWith(":") ? path : `:${path}`);
  const folders = new Map<string, string>();
  for (const match of code.matchAll(
    /project\(\s*["'](:?[^"']+)["']\s*\)\.projectDir\s*=\s*(?:file\(\s*)?["']([^"']+)["']/g,
  )) {
    const path = match[1] ?? "";
    const folder = joinRelative(".", match[2] ?? "");
    if (folder !== undefined) folders.set(path.startsWith(":") ? path : `:${path}`, folder);
  }
  // `project(":mockwebserver").name = "mockwebserver3"` renames the project: its path becomes `:mockwebserver3`.
  const names = new Map<string, string>();
  for (const match of code.matchAll(/project\(\s*["'](:?[^"']+)["']\s*\)\.name\s*=\s*["']([^"']+)["']/g)) {
    const path = match[1] ?? "";
    names.set(path.startsWith(":") ? path : `:${path}`, match[2] ?? "");
  }
  const renamed = (path: string) => {
    const name = names.get(path);
    return name === undefined ? path : `${path.slice(0, path.lastIndexOf(":") + 1)}${name}`;
  };
  // Type-safe project accessors (`projects.okhttpTestingSupport`, `projects.samples.guide`) name projects by path.
  const pathOfAccessor = new Map([...paths].map((path) => [accessorOf(renamed(path)), renamed(path)]));
  const units: FoundUnit[] = [];
  const dependencies: FoundDependency[] = [];
  const scripts = new Map<string, string>();
  for (const declared of [...paths].sort()) {
    const root = folders.get(declared) ?? declared.slice(1).replace(/:/g, "/");
    const path = renamed(declared);
    const build = ["build.gradle.kts", "build.gradle"]
      .map((name) => inFolder(root, name))
      .find((file) => context.fileSet.has(file));
    const script = build === undefined ? "" : ((await readRepoText(context.root, build)) ?? "");
    const description = /^[ \t]*description\s*=\s*["']([^"']+)["']/m.exec(script)?.[1];
    const name = path.slice(path.lastIndexOf(":") + 1);
    units.push({
      root,
      name: path,
      idBase: name,
      ...(description ? { description } : {}),
      ecosystem: "gradle",
      manifest: build ?? settings,
      method: "gradle-settings",
    });
    if (build === undefined) continue;
    scripts.set(root, script);
    for (const match of script.matchAll(/project\(\s*(?:path\s*[:=]\s*)?["'](:[^"']+)["']/g))
      dependencies.push({
        from: root,
        toName: match[1] ?? "",
        ecosystem: "gradle",
        manifest: build,
        method: "gradle-manifest",
        detail: `project("${match[1]}") in ${build}`,
      });
    for (const match of script.matchAll(/\bprojects((?:\.[A-Za-z_$][\w$]*)+)/g)) {
      const segments = (match[1] ?? "").slice(1).split(".");
      // The longest run of segments that is a project's accessor (`projects.okhttp.version` is `:okhttp`).
      const to = segments
        .map((_, index) => pathOfAccessor.get(segments.slice(0, segments.length - index).join(".")))
        .find((found) => found !== undefined);
      if (to !== undefined)
        dependencies.push({
          from: root,
          toName: to,
          ecosystem: "gradle",
          manifest: build,
          method: "gradle-manifest",
          detail: `projects.${accessorOf(to)} in ${build}`,
        });
    }
  }
  const rootOfPath = new Map(units.map((unit) => [unit.name, unit.root]));
  const unpublished = await unpublishedGradleProjects(context, code, scripts, rootOfPath);
  return {
    units: units.map((unit) => (unpublished.has(unit.root) ? { ...unit, unpublished: true } : unit)),
    dependencies,
    problems: [],
  };
}

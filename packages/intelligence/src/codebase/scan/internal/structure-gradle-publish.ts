/**
 * Which Gradle projects are never published. A project publishes when a
 * publishing plugin (`maven-publish`, `ivy-publish`,
 * `com.vanniktech.maven.publish(.base)`, `com.gradle.plugin-publish`) is
 * applied to it, or `publishing { }` / `mavenPublishing { }` configured, by:
 * - its build script, by id (`id("maven-publish")`, `apply plugin:`,
 *   `plugins.apply("...")`), by a version-catalog alias
 *   (`alias(libs.plugins.maven.publish)`) or by class (`apply<MavenPublishPlugin>()`);
 * - a precompiled convention plugin of `buildSrc` or an included build
 *   (`build-logic/src/main/kotlin/okhttp.publish-conventions.gradle.kts`,
 *   id `okhttp.publish-conventions`, a Kotlin script's `package` before it)
 *   that it applies and that does, directly or through another;
 * - a script it applies (`apply(from = "$rootDir/gradle/publish.gradle")`) that does;
 * - the root build script's `configure(listOf(project(":a"), ...)) { }` or
 *   `project(":a") { }` block naming it.
 * A block that only reacts to a plugin (`plugins.withId("maven-publish") { }`)
 * applies nothing.
 *
 * A project is never published only on that evidence: nothing applies a
 * publishing plugin to it while something does to another project of the
 * build. Nothing is concluded for any project when the root script's
 * `subprojects { }`, `allprojects { }` or `configure(...)` of projects it
 * cannot name applies publishing (or what cannot be read), nor when the
 * settings script applies a plugin that cannot be read or one that may
 * (wire's settings plugin applies its build plugin to every project); nor for a project
 * that applies a plugin an included build registers in code
 * (`gradlePlugin { }`) or a script that cannot be found.
 *
 * @module
 */
import { z } from "zod";
import { topLevelBlocks, withoutReactions } from "./structure-gradle-blocks.js";
import { joinRelative, readRepoText } from "./structure-io.js";
import { readManifest } from "./structure-parse.js";
import type { ScanContext } from "./structure-types.js";
import { withoutDelimited } from "./text-delimited.js";

/** Plugins that publish a project's artifacts. */
const PUBLISHING = new Set([
  "maven-publish",
  "ivy-publish",
  "com.vanniktech.maven.publish",
  "com.vanniktech.maven.publish.base",
  "com.gradle.plugin-publish",
]);

/** Plugin ids a script applies. Each pattern here is linear: no two blank runs meet without a character between. */
const PLUGIN_IDS = [
  /\bid(?:\s*\(\s*|\s+)["']([\w.-]+)["']/g,
  /`([\w.-]+)`/g,
  /\bapply(?:\s*\(\s*|\s+)plugin\s*[:=]\s*["']([\w.-]+)["']/g,
  /\.apply\s*\(\s*["']([\w.-]+)["']/g,
  /\bplugin\s*\(\s*["']([\w.-]+)["']/g,
];
const CATALOG_ALIAS = /\balias\s*\(\s*libs\.plugins((?:\.\w+)+)\s*\)/g;
/** Configuring publishing, or applying a publishing plugin by class. */
const PUBLISHING_CODE =
  /\b(?:publishing|mavenPublishing)\s*\{|\bapply(?:\s*<\s*|\s*\(\s*(?:plugin\s*[:=]\s*)?|\s+plugin\s*:\s*)(?:[\w.]+\.)?(?:Maven|Ivy)PublishPlugin\b/;
/** A plugin applied by class (`apply<PublishConventions>()`), from code the scan does not read. */
const CLASS_APPLIED =
  /\bapply(?:\s*<\s*[\w.]+\s*>|\s*\(\s*plugin\s*=\s*[\w.]+::class|\s+plugin\s*:\s*[A-Z][\w.]*\b)|\.apply\s*\(\s*[\w.]+::class/;
/** `apply(from = ...)` or `apply from: ...`, and the expression naming the script. */
const APPLY_FROM = /\bapply\s*(?:\(\s*from\s*=|from\s*:)\s*([^\n)]*)/g;
/** A script path: `"x"`, `file("x")`, `"$rootDir/x"`, `rootProject.file("x")`, `"${projectDir}/x"`. */
const SCRIPT_PATH =
  /^(rootProject\.)?(?:project\.)?(?:file\s*\(\s*)?["'](?:\$\{?(rootDir|rootProject\.projectDir|projectDir)\}?\/)?([^"'$]+)["']/;
/** Words that configure other projects than the script's own. */
const CONFIGURES_OTHERS = /\b(?:subprojects|allprojects)\b|\bconfigure\s*\(/;

type Evidence = "publishes" | "unknown" | "none";

const Catalog = z.looseObject({
  plugins: z
    .record(z.string(), z.union([z.string(), z.looseObject({ id: z.string().optional() })]))
    .optional()
    .catch(undefined),
});

/** A script without comments: block comments, then lines that are a `//` comment. */
function withoutComments(text: string): string {
  return withoutDelimited(text, "/*", "*/").replace(/^[ \t]*\/\/.*$/gm, "");
}

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
 * The convention plugins of the included builds (`includeBuild("build-logic")`,
 * their own projects too) and `buildSrc`: precompiled scripts by id (their
 * file name, after a Kotlin script's `package`), and the ids registered in
 * code by a `gradlePlugin { }` block, which are not read.
 */
async function conventionsOf(
  context: ScanContext,
  settings: string,
): Promise<{ scripts: Map<string, string>; opaque: Set<string> }> {
  const builds = [
    "buildSrc",
    ...[...settings.matchAll(/\bincludeBuild(?:\s*\(\s*|\s+)["']([^"']+)["']/g)].map((m) => m[1]),
  ];
  const scripts = new Map<string, string>();
  const opaque = new Set<string>();
  for (const build of builds) {
    const folder = (build ?? "").replace(/^\.\//, "").replace(/\/+$/, "");
    for (const file of context.files) {
      if (!file.startsWith(`${folder}/`) || !file.includes("/src/main/")) continue;
      const name = /\/([^/]+)\.gradle(\.kts)?$/.exec(file);
      if (name === null) continue;
      const text = withoutComments((await readRepoText(context.root, file)) ?? "");
      const pkg = name[2] === undefined ? undefined : /^\s*package\s+([\w.]+)/.exec(text)?.[1];
      scripts.set(pkg === undefined ? (name[1] ?? "") : `${pkg}.${name[1]}`, text);
    }
    for (const file of context.files) {
      if (!file.startsWith(`${folder}/`) || !/(^|\/)build\.gradle(\.kts)?$/.test(file)) continue;
      const text = (await readRepoText(context.root, file)) ?? "";
      if (/\bgradlePlugin\s*\{/.test(text))
        for (const match of text.matchAll(/\bid\s*=\s*["']([\w.-]+)["']/g)) opaque.add(match[1] ?? "");
    }
  }
  return { scripts, opaque };
}

/** What scripts say about publishing, each convention plugin and applied script read once, one at a time. */
class PublishingEvidence {
  private readonly known = new Map<string, Evidence>();
  /** The plugins and scripts being read: met again, they are a cycle, which says nothing. */
  private readonly reading = new Set<string>();

  constructor(
    private readonly context: ScanContext,
    private readonly catalog: ReadonlyMap<string, string>,
    private readonly conventions: { scripts: Map<string, string>; opaque: Set<string> },
  ) {}

  /**
   * Whether a script (comments removed) applies publishing, may (through a
   * plugin or script that cannot be read), or does not. `folder` is where its
   * relative `apply(from = ...)` paths start; undefined when that is not
   * known (a root block's, which Gradle resolves in each project it configures).
   */
  async of(script: string, folder: string | undefined): Promise<Evidence> {
    const code = withoutReactions(script);
    if (PUBLISHING_CODE.test(code)) return "publishes";
    let unknown = CLASS_APPLIED.test(code);
    for (const id of pluginsOf(code, this.catalog)) {
      if (PUBLISHING.has(id)) return "publishes";
      const convention = this.conventions.scripts.get(id);
      const verdict =
        convention !== undefined
          ? await this.once(`plugin ${id}`, () => this.of(convention, undefined))
          : this.conventions.opaque.has(id)
            ? "unknown"
            : "none";
      if (verdict === "publishes") return verdict;
      unknown ||= verdict === "unknown";
    }
    for (const match of code.matchAll(APPLY_FROM)) {
      const file = this.scriptPath(match[1] ?? "", folder);
      const verdict =
        file === undefined
          ? "unknown"
          : await this.once(`${folder} ${file}`, async () =>
              this.of(withoutComments((await readRepoText(this.context.root, file)) ?? ""), folder),
            );
      if (verdict === "publishes") return verdict;
      unknown ||= verdict === "unknown";
    }
    return unknown ? "unknown" : "none";
  }

  /** The repository file an `apply(from = ...)` expression names, when it is one. */
  private scriptPath(expression: string, folder: string | undefined): string | undefined {
    const match = SCRIPT_PATH.exec(expression.trim());
    if (match === null) return undefined;
    const fromRoot = match[1] !== undefined || (match[2] !== undefined && match[2] !== "projectDir");
    const base = fromRoot ? "." : folder;
    const file = base === undefined ? undefined : joinRelative(base, match[3] ?? "");
    return file !== undefined && this.context.fileSet.has(file) ? file : undefined;
  }

  /** `read`'s evidence, once per key; none for a key met again while it is read. */
  private async once(key: string, read: () => Promise<Evidence>): Promise<Evidence> {
    const known = this.known.get(key);
    if (known !== undefined) return known;
    if (this.reading.has(key)) return "none";
    this.reading.add(key);
    const evidence = await read();
    this.reading.delete(key);
    this.known.set(key, evidence);
    return evidence;
  }
}

/** A settings script without its `pluginManagement { }` block, which declares plugins (and versions) but applies none. */
function withoutPluginManagement(settings: string): string {
  const managed = topLevelBlocks(settings).blocks.find((block) => /\bpluginManagement\s*$/.test(block.head));
  return managed === undefined ? settings : settings.replace(`{${managed.body}}`, "{}");
}

/** How much a verdict says: publishing beats a doubt, which beats none. */
const WEIGHT: Record<Evidence, number> = { none: 0, unknown: 1, publishes: 2 };

/**
 * The roots of the projects that are never published. `settings` is
 * settings.gradle(.kts) without comments; `scripts` holds each project's
 * build script by root (a project without one is judged only when a root
 * block names it); `rootOfPath` each project's root by its path (`:okhttp`).
 */
export async function unpublishedGradleProjects(
  context: ScanContext,
  settings: string,
  scripts: ReadonlyMap<string, string>,
  rootOfPath: ReadonlyMap<string, string>,
): Promise<Set<string>> {
  const evidence = new PublishingEvidence(
    context,
    await catalogPlugins(context),
    await conventionsOf(context, settings),
  );
  // A settings plugin may apply plugins to every project (wire's `com.squareup.wire.settings` applies its build plugin).
  if ((await evidence.of(withoutPluginManagement(settings), ".")) !== "none") return new Set();
  const rootScript = ["build.gradle.kts", "build.gradle"].find((file) => context.fileSet.has(file));
  const { blocks, outside } = topLevelBlocks(
    withoutComments(rootScript === undefined ? "" : ((await readRepoText(context.root, rootScript)) ?? "")),
  );
  const verdicts = new Map<string, Evidence>();
  const judge = (root: string, verdict: Evidence) => {
    if (WEIGHT[verdict] >= WEIGHT[verdicts.get(root) ?? "none"]) verdicts.set(root, verdict);
  };
  for (const block of blocks) {
    const targets = block.targets;
    if (targets === undefined && !CONFIGURES_OTHERS.test(block.head.slice(-200) + block.body)) continue;
    const verdict = await evidence.of(block.body, undefined);
    if (targets?.kind === "paths")
      for (const path of targets.paths) {
        const root = rootOfPath.get(path);
        if (root !== undefined) judge(root, verdict);
      }
    else if (verdict !== "none") return new Set();
  }
  // Outside blocks the root script configures the root project, whose relative paths start at the root.
  if (CONFIGURES_OTHERS.test(outside) && (await evidence.of(outside, ".")) !== "none") return new Set();
  for (const [root, script] of scripts) judge(root, await evidence.of(withoutComments(script), root));
  if (![...verdicts.values()].includes("publishes")) return new Set();
  return new Set([...verdicts].filter(([, verdict]) => verdict === "none").map(([root]) => root));
}

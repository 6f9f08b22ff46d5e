/**
 * The structure scan of `factory import codebase`: lines from a repository's
 * packages and modules in every ecosystem found (npm/yarn/pnpm workspaces,
 * Cargo workspaces, Go modules, Python pyproject packages, Maven and Gradle
 * modules), else from its top-level source folders; and the dependencies
 * their manifests declare on each other.
 *
 * @module
 */
import { cutText, firstSafeLine } from "@software-factory/core";
import { PLAN_LIMITS, slugify } from "@software-factory/floorplan";
import type { Ecosystem, Evidence, ProposedDependency, ProposedLine } from "../proposal.js";
import type { RepoFiles } from "./files.js";
import { scanCargo } from "./internal/structure-cargo.js";
import { scanFolders } from "./internal/structure-folders.js";
import { scanGo } from "./internal/structure-go.js";
import { inFolder, readmeParagraph, readRepoText } from "./internal/structure-io.js";
import { scanGradle, scanMaven } from "./internal/structure-jvm.js";
import { isNoLine } from "./internal/structure-nonlines.js";
import { scanNpm } from "./internal/structure-npm.js";
import { normalizePythonName, scanPython } from "./internal/structure-python.js";
import type { FoundDependency, FoundUnit, ManifestProblem, ScanContext } from "./internal/structure-types.js";

export type { ManifestProblem } from "./internal/structure-types.js";

/** What {@link detectLines} found: lines, the dependencies their manifests declare, and the manifests it skipped. */
export interface DetectedLines {
  /** Lines sorted by root. */
  readonly lines: readonly ProposedLine[];
  /** Manifest dependencies between lines (kind `library`), sorted by `from` then `to`. */
  readonly dependencies: readonly ProposedDependency[];
  /** Manifests that could not be read or parsed (bad JSON, TOML or XML); each was skipped. */
  readonly problems: readonly ManifestProblem[];
}

const README_NAMES = ["README.md", "readme.md", "Readme.md", "README.markdown", "README"];

/** The key a dependency name is matched with in an ecosystem (Python names are normalized). */
function nameKey(ecosystem: Ecosystem, name: string): string {
  return `${ecosystem}:${ecosystem === "python" ? normalizePythonName(name) : name}`;
}

/** Line ids: the slug of the readable base, then of its fallback (a Go module's folder), then of the full name, then with a numeric suffix, in root order. */
function assignIds(units: readonly FoundUnit[]): string[] {
  const taken = new Set<string>();
  return units.map((unit) => {
    const candidates = [
      slugify(unit.idBase),
      ...(unit.idFallback === undefined ? [] : [slugify(unit.idFallback)]),
      slugify(unit.name),
    ];
    let id = candidates.find((candidate) => !taken.has(candidate));
    for (let suffix = 2; id === undefined; suffix++) {
      const candidate = `${candidates[0]}-${suffix}`;
      if (!taken.has(candidate)) id = candidate;
    }
    taken.add(id);
    return id;
  });
}

/** A line's description and the file it came from: the manifest's, else the first paragraph of its README. */
async function descriptionOf(
  context: ScanContext,
  unit: FoundUnit,
): Promise<{ text: string; file: string } | undefined> {
  if (unit.description !== undefined) return { text: unit.description, file: unit.manifest };
  const file = README_NAMES.map((name) => inFolder(unit.root, name)).find((path) =>
    context.fileSet.has(path),
  );
  if (file === undefined) return undefined;
  const text = await readRepoText(context.root, file);
  const paragraph = text === undefined ? undefined : readmeParagraph(text);
  return paragraph === undefined ? undefined : { text: paragraph, file };
}

/**
 * A text cut to the floor plan's limit for its field, with a problem naming
 * the file it came from when it was cut: manifests and READMEs may be
 * someone else's, so one long text never fails the whole import.
 */
function withinLimit(
  text: string,
  field: "name" | "description",
  file: string,
  problems: ManifestProblem[],
): string {
  const limit = PLAN_LIMITS[field];
  if (text.length <= limit) return text;
  problems.push({
    file,
    message: `the ${field} is ${text.length} characters, more than the floor plan's ${limit}: it was cut to ${limit}`,
  });
  // Characters as the plan counts them (UTF-16 units), never splitting a surrogate pair.
  return cutText(text, limit);
}

function resolveDependencies(
  found: readonly FoundDependency[],
  lineOfRoot: ReadonlyMap<string, ProposedLine>,
  lineOfName: ReadonlyMap<string, ProposedLine>,
  commit: string | undefined,
): ProposedDependency[] {
  const edges = new Map<string, { from: string; to: string; evidence: Evidence[] }>();
  for (const dependency of found) {
    const from = lineOfRoot.get(dependency.from);
    const to =
      dependency.toRoot !== undefined
        ? lineOfRoot.get(dependency.toRoot)
        : lineOfName.get(nameKey(dependency.ecosystem, dependency.toName ?? ""));
    if (from === undefined || to === undefined || from.id === to.id) continue;
    const key = `${from.id}\0${to.id}`;
    const edge = edges.get(key) ?? { from: from.id, to: to.id, evidence: [] };
    edge.evidence.push({
      file: dependency.manifest,
      ...(commit === undefined ? {} : { commit }),
      method: dependency.method,
      confidence: 1,
      detail: dependency.detail,
    });
    edges.set(key, edge);
  }
  return [...edges.values()]
    .sort((a, b) => (a.from === b.from ? (a.to < b.to ? -1 : 1) : a.from < b.from ? -1 : 1))
    .map((edge) => ({
      from: edge.from,
      to: edge.to,
      kind: "library" as const,
      evidence: edge.evidence.sort((a, b) =>
        a.file === b.file ? ((a.detail ?? "") < (b.detail ?? "") ? -1 : 1) : a.file < b.file ? -1 : 1,
      ),
    }));
}

/**
 * Proposes lines from a repository's structure, in every ecosystem found (a
 * repository may mix them): npm/yarn workspaces (package.json `workspaces`)
 * and pnpm workspaces (pnpm-workspace.yaml), or a single root package.json
 * with a name; Cargo workspace members (and a root `[package]`); Go modules
 * (go.work `use`, else every go.mod); Python packages (every pyproject.toml
 * with a `[project]` or `[tool.poetry]` name); Maven modules (root pom.xml
 * `<modules>`, recursively); Gradle projects (settings.gradle(.kts) `include`).
 * When none applies, top-level folders holding source files are `folder`
 * lines (docs, tests, scripts, tools, examples, benchmarks, fixtures and
 * hidden folders excluded). A package or module whose root has a folder
 * named like an example, benchmark, fixture or test suite (`examples`,
 * `samples`, `benches`, `benchmarks`, `fixtures`, `testdata`, `test`,
 * `tests`, `e2e`, ...) is no line, though its workspace lists it; so is one
 * whose manifest says it is never published (npm `"private": true`, Cargo
 * `publish = false`, Maven `maven.deploy.skip` in its pom or an aggregator
 * above it, a Gradle project that nothing applies a publishing plugin to
 * while others have one, a Go module path the go command cannot fetch or
 * that has an `internal` element, a Python `Private ::` classifier, Poetry
 * `package-mode = false` or uv `package = false`) when its name or a folder of its root starts with `tests`,
 * `demo(s)`, `integrations`, `playground(s)` or `sandbox`, or ends with one of
 * those or `test` (tokio's `tests-build` and `stress-test` crates,
 * maven-resolver's `maven-resolver-demos` modules, TanStack Query's
 * `integrations/*` apps). A published `tokio-test` stays a line.
 *
 * A line's id is the slug of its readable name (the npm name without its
 * scope, a Go module's last segment, a crate, artifact or project name); a
 * collision takes, for a Go module, the slug of its folder (`sdk/log` ->
 * `sdk-log`), then the slug of the full name, then a numeric suffix. Its
 * description is the manifest's, else the first paragraph of its README. Its
 * name is made one line (`toSafeLine`: a tab or newline becomes a space, a
 * bidi override is dropped; the id when nothing is left), as the floor plan
 * takes it. A name or description longer than the floor plan's `PLAN_LIMITS`
 * is cut to it and reported in `problems`.
 * Dependencies declared in manifests between lines of the same ecosystem
 * (by name, or by `path` for Cargo and Poetry) become `library` dependencies
 * with the manifest entry as evidence. A manifest that cannot be parsed is
 * skipped and reported in `problems`; the scan never throws for one.
 * Output is sorted, so the same repository gives the same result.
 */
export async function detectLines(repo: RepoFiles): Promise<DetectedLines> {
  const context: ScanContext = { root: repo.root, files: repo.files, fileSet: new Set(repo.files) };
  const scans = await Promise.all([
    scanNpm(context),
    scanCargo(context),
    scanGo(context),
    scanPython(context),
    scanMaven(context),
    scanGradle(context),
  ]);
  const problems = scans.flatMap((scan) => scan.problems);
  const byRoot = new Map<string, FoundUnit>();
  for (const unit of scans.flatMap((scan) => scan.units)) {
    if (isNoLine(unit)) continue;
    const existing = byRoot.get(unit.root);
    if (existing === undefined) byRoot.set(unit.root, unit);
    else
      problems.push({
        file: unit.manifest,
        message: `${unit.root} is already the ${existing.ecosystem} package ${existing.name} (${existing.manifest}); the ${unit.ecosystem} package ${unit.name} is not a separate line`,
      });
  }
  if (byRoot.size === 0) for (const unit of scanFolders(context)) byRoot.set(unit.root, unit);
  const units = [...byRoot.values()].sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0));
  const ids = assignIds(units);
  const lines = await Promise.all(
    units.map(async (unit, index): Promise<ProposedLine> => {
      const found = await descriptionOf(context, unit);
      const description =
        found === undefined ? undefined : withinLimit(found.text, "description", found.file, problems);
      return {
        id: ids[index] as string,
        // A line's name is one line (the floor plan refuses a tab or a bidi override); packageName keeps it as written.
        title: withinLimit(firstSafeLine(unit.name, ids[index]), "name", unit.manifest, problems),
        ...(description === undefined ? {} : { description }),
        root: unit.root,
        paths: [unit.root === "." ? "**" : `${unit.root}/**`],
        ecosystem: unit.ecosystem,
        packageName: unit.name,
        evidence: {
          file: unit.manifest,
          ...(repo.commit === undefined ? {} : { commit: repo.commit }),
          method: unit.method,
          confidence: 1,
        },
      };
    }),
  );
  const lineOfRoot = new Map(lines.map((line) => [line.root, line]));
  const lineOfName = new Map(lines.map((line) => [nameKey(line.ecosystem, line.packageName), line]));
  const dependencies = resolveDependencies(
    scans.flatMap((scan) => scan.dependencies),
    lineOfRoot,
    lineOfName,
    repo.commit,
  );
  return {
    lines,
    dependencies,
    problems: problems.sort((a, b) =>
      a.file === b.file ? (a.message < b.message ? -1 : 1) : a.file < b.file ? -1 : 1,
    ),
  };
}

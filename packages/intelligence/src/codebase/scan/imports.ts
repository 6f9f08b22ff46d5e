/**
 * The import graph between proposed lines, for TypeScript and JavaScript
 * (each import, export-from, `require` and dynamic `import()` that names
 * another line's package or reaches into another line's folder) and for Go
 * (each import of a package inside another Go module of the repository).
 *
 * @module
 */
import type { Evidence, ProposedDependency, ProposedLine } from "../proposal.js";
import type { RepoFiles } from "./files.js";
import { lineOfFile } from "./files.js";
import { readAliasScopes, resolveAlias } from "./internal/structure-aliases.js";
import { goImportsIn } from "./internal/structure-facts.js";
import { folderOf, joinRelative, mapLimit, readRepoText } from "./internal/structure-io.js";
import { packageNameOf } from "./internal/structure-npm.js";

/** Extensions of the TS/JS files whose imports are read. */
const SCRIPT_FILE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const DECLARATION_FILE = /\.d\.[cm]?ts$/;
/** Files in hidden folders (build caches, editor state) are not the line's code. */
const HIDDEN = /(^|\/)\./;
/** Evidence items kept per edge (the files with the most imports first). */
const MAX_EVIDENCE = 5;
/** Files read at once. */
const READ_CONCURRENCY = 32;

/** The Go line whose module path is the import path or its longest prefix. */
function goModuleOf(path: string, modules: readonly ProposedLine[]): ProposedLine | undefined {
  let best: ProposedLine | undefined;
  for (const line of modules)
    if (
      (path === line.packageName || path.startsWith(`${line.packageName}/`)) &&
      (best === undefined || line.packageName.length > best.packageName.length)
    )
      best = line;
  return best;
}

function targetOf(
  file: string,
  specifier: string,
  lines: readonly ProposedLine[],
  lineOfPackage: ReadonlyMap<string, ProposedLine>,
  aliased: (file: string, specifier: string) => string | undefined,
): ProposedLine | undefined {
  const alias = aliased(file, specifier);
  if (alias !== undefined) return lineOfFile(lines, alias);
  if (specifier.startsWith("./") || specifier.startsWith("../") || specifier === "." || specifier === "..") {
    const resolved = joinRelative(folderOf(file), specifier);
    return resolved === undefined ? undefined : lineOfFile(lines, resolved);
  }
  if (specifier.startsWith("node:") || specifier.startsWith("/") || /^[a-z]+:/i.test(specifier))
    return undefined;
  return lineOfPackage.get(packageNameOf(specifier));
}

/**
 * Proposes dependencies from the import graph of TS/JS files (`.ts .tsx .mts
 * .cts .js .jsx .mjs .cjs`, read with `ts.preProcessFile`) and Go files
 * (declaration files, files in hidden folders and files over 1 MB skipped):
 * a bare specifier whose package name is another npm line's `packageName`, or
 * a relative one resolving into another line's root, is an import of that
 * line; a Go import path inside another Go line's module path is one too.
 * Imports are counted per (from, to) edge; each edge keeps at most 5
 * evidence items (the files with the most imports, then by path), each
 * `ts-imports` (or `go-imports`) with confidence 1 and the detail
 * `N imports in M files`.
 * Path aliases (`paths` of the nearest `tsconfig.json`/`jsconfig.json`
 * above the file, `baseUrl` and relative `extends` followed) resolve to the
 * folder they name. No self-edges.
 * Output is sorted by `from` then `to`.
 */
export async function importGraph(
  repo: RepoFiles,
  lines: readonly ProposedLine[],
): Promise<ProposedDependency[]> {
  const lineOfPackage = new Map<string, ProposedLine>();
  for (const line of lines)
    if (line.ecosystem === "npm" && !lineOfPackage.has(line.packageName))
      lineOfPackage.set(line.packageName, line);
  const goModules = lines.filter((line) => line.ecosystem === "go");
  const sources = repo.files
    .filter(
      (file) =>
        ((SCRIPT_FILE.test(file) && !DECLARATION_FILE.test(file)) ||
          (goModules.length > 0 && file.endsWith(".go"))) &&
        !HIDDEN.test(file),
    )
    .map((file) => ({ file, from: lineOfFile(lines, file) }))
    .filter((source): source is { file: string; from: ProposedLine } => source.from !== undefined);
  const ts = (await import("typescript")).default;
  const scopes = await readAliasScopes(repo, (file, text) => ts.parseConfigFileTextToJson(file, text));
  const aliased = (file: string, specifier: string) => resolveAlias(scopes, file, specifier);
  const edges = new Map<string, { from: string; to: string; perFile: Map<string, number> }>();
  await mapLimit(sources, READ_CONCURRENCY, async ({ file, from }) => {
    const text = await readRepoText(repo.root, file);
    if (text === undefined) return;
    const targets = file.endsWith(".go")
      ? goImportsIn(text).map((path) => goModuleOf(path, goModules))
      : ts
          .preProcessFile(text, true, true)
          .importedFiles.map((reference) =>
            targetOf(file, reference.fileName, lines, lineOfPackage, aliased),
          );
    for (const to of targets) {
      if (to === undefined || to.id === from.id) continue;
      const key = `${from.id}\0${to.id}`;
      const edge = edges.get(key) ?? { from: from.id, to: to.id, perFile: new Map<string, number>() };
      edge.perFile.set(file, (edge.perFile.get(file) ?? 0) + 1);
      edges.set(key, edge);
    }
  });
  return [...edges.values()]
    .sort((a, b) => (a.from === b.from ? (a.to < b.to ? -1 : 1) : a.from < b.from ? -1 : 1))
    .map((edge) => {
      const imports = [...edge.perFile.values()].reduce((sum, count) => sum + count, 0);
      const detail = `${imports} ${imports === 1 ? "import" : "imports"} in ${edge.perFile.size} ${edge.perFile.size === 1 ? "file" : "files"}`;
      const evidence: Evidence[] = [...edge.perFile.entries()]
        .sort(([fileA, countA], [fileB, countB]) => countB - countA || (fileA < fileB ? -1 : 1))
        .slice(0, MAX_EVIDENCE)
        .map(([file]) => ({
          file,
          ...(repo.commit === undefined ? {} : { commit: repo.commit }),
          method: file.endsWith(".go") ? "go-imports" : "ts-imports",
          confidence: 1,
          detail,
        }));
      return { from: edge.from, to: edge.to, kind: "library" as const, evidence };
    });
}

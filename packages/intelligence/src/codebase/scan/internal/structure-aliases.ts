/**
 * Path aliases of TypeScript and JavaScript projects (`compilerOptions.paths`
 * of `tsconfig.json` and `jsconfig.json`, with `baseUrl` and `extends`
 * followed), so an import such as `@/components/Button` resolves to the
 * folder it names.
 *
 * @module
 */
import type { RepoFiles } from "../files.js";
import { folderOf, joinRelative, readRepoText } from "./structure-io.js";

/** One alias pattern (`@lib/*`) and the repository-relative targets it maps to (`libs/lib/*`). */
interface Alias {
  readonly prefix: string;
  readonly suffix: string;
  readonly wildcard: boolean;
  readonly targets: readonly string[];
}

/** The aliases of one config file, applying to the files under its folder. */
interface AliasScope {
  readonly folder: string;
  readonly aliases: readonly Alias[];
}

type ParseConfig = (file: string, text: string) => { config?: unknown };

interface CompilerPaths {
  readonly baseUrl?: string;
  readonly paths?: Readonly<Record<string, readonly string[]>>;
  readonly extends?: string;
}

const CONFIG_FILE = /(^|\/)(tsconfig|jsconfig)(\.[\w-]+)?\.json$/;
/** `extends` hops followed at most. */
const MAX_EXTENDS = 4;

function pathsOf(config: unknown): CompilerPaths {
  if (config === null || typeof config !== "object") return {};
  const { compilerOptions, extends: parent } = config as { compilerOptions?: unknown; extends?: unknown };
  const options = (compilerOptions ?? {}) as { baseUrl?: unknown; paths?: unknown };
  const paths =
    options.paths !== null && typeof options.paths === "object"
      ? Object.fromEntries(
          Object.entries(options.paths as Record<string, unknown>)
            .filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1]))
            .map(([key, targets]) => [
              key,
              targets.filter((target): target is string => typeof target === "string"),
            ]),
        )
      : undefined;
  return {
    ...(typeof options.baseUrl === "string" ? { baseUrl: options.baseUrl } : {}),
    ...(paths === undefined ? {} : { paths }),
    ...(typeof parent === "string" ? { extends: parent } : {}),
  };
}

/** Reads a config and what it extends (relative files only), the nearer one winning for baseUrl and paths. */
async function resolvedPaths(
  repo: RepoFiles,
  file: string,
  parse: ParseConfig,
): Promise<{ base: string; paths: Readonly<Record<string, readonly string[]>> } | undefined> {
  let base: string | undefined;
  let paths: { folder: string; paths: Readonly<Record<string, readonly string[]>> } | undefined;
  let current: string | undefined = file;
  for (let hop = 0; current !== undefined && hop < MAX_EXTENDS; hop++) {
    const text = await readRepoText(repo.root, current);
    if (text === undefined) break;
    const config = pathsOf(parse(current, text).config);
    const folder = folderOf(current);
    if (base === undefined && config.baseUrl !== undefined) base = joinRelative(folder, config.baseUrl);
    if (paths === undefined && config.paths !== undefined) paths = { folder, paths: config.paths };
    const parent = config.extends;
    current = parent?.startsWith(".")
      ? joinRelative(folder, parent.endsWith(".json") ? parent : `${parent}.json`)
      : undefined;
  }
  if (paths === undefined) return undefined;
  // Targets resolve against baseUrl when set, else against the config that declared the paths.
  return { base: base ?? paths.folder, paths: paths.paths };
}

/**
 * Reads every `tsconfig*.json` and `jsconfig*.json` with `paths` (comments
 * and trailing commas allowed, through the TypeScript parser).
 */
export async function readAliasScopes(repo: RepoFiles, parse: ParseConfig): Promise<AliasScope[]> {
  const scopes: AliasScope[] = [];
  for (const file of repo.files.filter((candidate) => CONFIG_FILE.test(candidate))) {
    const resolved = await resolvedPaths(repo, file, parse);
    if (resolved === undefined) continue;
    const aliases = Object.entries(resolved.paths).map(([pattern, targets]) => {
      const star = pattern.indexOf("*");
      return {
        prefix: star === -1 ? pattern : pattern.slice(0, star),
        suffix: star === -1 ? "" : pattern.slice(star + 1),
        wildcard: star !== -1,
        targets: targets.flatMap((target) => {
          const joined = joinRelative(resolved.base, target);
          return joined === undefined ? [] : [joined];
        }),
      };
    });
    scopes.push({ folder: folderOf(file), aliases });
  }
  // Deeper configs first: the nearest one to a file decides.
  return scopes.sort((a, b) => b.folder.length - a.folder.length);
}

/** The repository-relative path an aliased import names, from the nearest config above the importing file; undefined when no alias matches. */
export function resolveAlias(
  scopes: readonly AliasScope[],
  file: string,
  specifier: string,
): string | undefined {
  const scope = scopes.find(
    (candidate) => candidate.folder === "." || file.startsWith(`${candidate.folder}/`),
  );
  if (scope === undefined) return undefined;
  for (const alias of scope.aliases) {
    const matches = alias.wildcard
      ? specifier.startsWith(alias.prefix) &&
        specifier.endsWith(alias.suffix) &&
        specifier.length >= alias.prefix.length + alias.suffix.length
      : specifier === alias.prefix;
    if (!matches) continue;
    const star = specifier.slice(alias.prefix.length, specifier.length - alias.suffix.length);
    const target = alias.targets[0];
    if (target !== undefined) return alias.wildcard ? target.replace("*", star) : target;
  }
  return undefined;
}

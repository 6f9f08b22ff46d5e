/**
 * Go modules: the `use` entries of go.work, else every go.mod; a module's
 * `require` of another module of the repository is a dependency.
 *
 * A Go module is published by being fetchable at its module path, so one is
 * never published when its path says it cannot be fetched or used outside
 * the repository:
 * - its first element has no dot (`module tests`, `module acme/e2e`): the go
 *   command fetches no such path ("missing dot in first path element"), so
 *   only a `replace` or go.work of the same repository reaches it;
 * - its first element is a name reserved for examples and tests (RFC 2606,
 *   6761): `example.com`, `example.net`, `example.org`, or one ending in
 *   `.example`, `.test`, `.invalid` or `.localhost`;
 * - it has an `internal` element (`github.com/acme/shop/internal/e2e`): Go
 *   lets only code rooted at `internal`'s parent import it, that is the
 *   repository's own modules. The module path decides, not the folder, as
 *   it does for the go command (they are the same in practice).
 * A module published under any other path may still be private, which the
 * scan cannot tell; it stays a line.
 *
 * @module
 */
import { folderOf, inFolder, joinRelative, readRepoText } from "./structure-io.js";
import type {
  EcosystemScan,
  FoundDependency,
  FoundUnit,
  ManifestProblem,
  ScanContext,
} from "./structure-types.js";
import { manifestsNamed } from "./structure-types.js";

/** The directives of a go.mod or go.work: `name args` lines, with `name ( ... )` blocks expanded. */
function directives(text: string): { name: string; args: string; line: number }[] {
  const out: { name: string; args: string; line: number }[] = [];
  let block: string | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (line === "") return;
    if (block !== undefined) {
      if (line === ")") block = undefined;
      else out.push({ name: block, args: line, line: index + 1 });
      return;
    }
    const match = /^(\w+)\s*(.*)$/.exec(line);
    if (match === null) return;
    const [, name = "", args = ""] = match;
    if (args === "(") block = name;
    else out.push({ name, args, line: index + 1 });
  });
  return out;
}

function unquote(text: string): string {
  return text.replace(/^["`]|["`]$/g, "");
}

/** Second-level names and top-level domains reserved for examples and tests (RFC 2606, RFC 6761). */
const RESERVED_HOSTS = /^(?:example\.(?:com|net|org)|.*\.(?:example|test|invalid|localhost))$/i;

/** Whether a module path cannot be fetched or imported outside its repository (see the module's documentation). */
function isUnpublishedPath(path: string): boolean {
  const elements = path.split("/");
  const first = elements[0] ?? "";
  return !first.includes(".") || RESERVED_HOSTS.test(first) || elements.includes("internal");
}

/** The last meaningful segment of a module path (`github.com/acme/core/v2` -> `core`). */
function moduleBase(path: string): string {
  const segments = path.split("/").filter((segment) => segment !== "");
  const last = segments.at(-1) ?? path;
  return /^v\d+$/.test(last) && segments.length > 1 ? (segments.at(-2) ?? last) : last;
}

/** Finds the Go modules of a repository (go.work `use`, else every go.mod). */
export async function scanGo(context: ScanContext): Promise<EcosystemScan> {
  const problems: ManifestProblem[] = [];
  let roots: string[];
  let method = "go-modules";
  if (context.fileSet.has("go.work")) {
    const text = (await readRepoText(context.root, "go.work")) ?? "";
    roots = directives(text)
      .filter((directive) => directive.name === "use")
      .map((directive) => joinRelative(".", unquote(directive.args.split(/\s+/)[0] ?? "")))
      .filter((root): root is string => root !== undefined);
    method = "go-work";
  } else roots = manifestsNamed(context, "go.mod").map(folderOf);
  const units: FoundUnit[] = [];
  const dependencies: FoundDependency[] = [];
  for (const root of [...new Set(roots)].sort()) {
    const file = inFolder(root, "go.mod");
    const text = await readRepoText(context.root, file);
    if (text === undefined) {
      problems.push({ file, message: `${file} could not be read (listed by go.work, missing or over 1 MB)` });
      continue;
    }
    const parsed = directives(text);
    const module = parsed.find((directive) => directive.name === "module");
    if (module === undefined || module.args === "") {
      problems.push({ file, message: `${file} has no module directive; module skipped` });
      continue;
    }
    const name = unquote(module.args);
    units.push({
      root,
      name,
      idBase: moduleBase(name),
      ...(root === "." ? {} : { idFallback: root }),
      ecosystem: "go",
      manifest: file,
      method,
      ...(isUnpublishedPath(name) ? { unpublished: true } : {}),
    });
    for (const directive of parsed.filter((entry) => entry.name === "require")) {
      const required = unquote(directive.args.split(/\s+/)[0] ?? "");
      if (required !== "")
        dependencies.push({
          from: root,
          toName: required,
          ecosystem: "go",
          manifest: file,
          method: "go-manifest",
          detail: `require ${required} at line ${directive.line}`,
        });
    }
  }
  return { units, dependencies, problems };
}

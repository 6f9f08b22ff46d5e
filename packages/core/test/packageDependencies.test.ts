/**
 * Each published package declares what its sources import, and imports what it
 * declares. Tests and typechecks resolve packages through the workspace's
 * hoisted node_modules, where a package imported but declared only in the root
 * (or in a sibling) still loads; in a user's project it does not. tsup
 * leaves each dependency unbundled, so a runtime import of an undeclared
 * package, `createRequire(...)("x")` and `import("x")` included, fails there
 * only. A declared dependency that no source imports is downloaded by every
 * user for nothing (floor plan declared graphology-traversal so, found by
 * installing the packed tarballs into an empty project).
 */
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const packagesDir = resolve(import.meta.dirname, "../..");

/** A package.json's fields that this test reads. */
interface Manifest {
  readonly name: string;
  readonly private?: boolean;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

/** One bare import of a source file: the package it names, and whether only types use it. */
interface BareImport {
  readonly name: string;
  readonly file: string;
  readonly typeOnly: boolean;
}

const builtins = new Set(builtinModules);

/** The package a bare specifier names (`@scope/name/sub` is `@scope/name`), or undefined for a builtin. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith("node:") || builtins.has(specifier.split("/")[0] ?? "")) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The source without comments (TSDoc examples import packages too); a `//` after `:` (a URL) stays. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:\\])\/\/.*$/gm, "$1");
}

/** A package specifier in quotes: no spaces, as npm names and their subpaths are. */
const SPEC = String.raw`["'](?<spec>[@\w][\w@./-]*)["']`;

/**
 * Import forms that name a package by a string literal: `import`/`export ... from`,
 * `import "x"`, `import("x")`, `require("x")`, `require.resolve("x")`, and the
 * `require` of `createRequire(...)` (named `requireModule` here, or called at once).
 */
const IMPORT_FORMS = [
  new RegExp(String.raw`\b(?:import|export)\s+(?<type>type\s+)?[^;"'\x60]*?\bfrom\s*${SPEC}`, "g"),
  new RegExp(String.raw`^\s*import\s*${SPEC}`, "gm"),
  new RegExp(String.raw`(?<type>typeof\s+)?\bimport\s*\(\s*${SPEC}\s*\)`, "g"),
  new RegExp(String.raw`\b(?:require|requireModule)(?:\.resolve)?\s*\(\s*${SPEC}\s*\)`, "g"),
  new RegExp(String.raw`\bcreateRequire\([^)]*\)(?:\.resolve)?\(\s*${SPEC}\s*\)`, "g"),
];

/** Every bare import in a package's src/ (static, dynamic and through `require`). */
function bareImports(dir: string): BareImport[] {
  const found: BareImport[] = [];
  const visit = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) visit(child);
      else if (/\.[cm]?tsx?$/.test(entry.name)) {
        const source = withoutComments(readFileSync(child, "utf8"));
        const file = child.slice(packagesDir.length + 1);
        for (const form of IMPORT_FORMS) {
          for (const match of source.matchAll(form)) {
            const specifier = match.groups?.spec ?? "";
            if (specifier.startsWith(".") || specifier.startsWith("/")) continue;
            const name = packageOf(specifier);
            if (name === undefined) continue;
            found.push({ name, file, typeOnly: match.groups?.type !== undefined });
          }
        }
      }
    }
  };
  visit(join(dir, "src"));
  return found;
}

const published = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => {
    const dir = join(packagesDir, entry.name);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
    return { dir, manifest };
  })
  .filter(({ manifest }) => manifest.private !== true);

describe("package dependencies", () => {
  it("finds the six published packages and the imports of their sources", () => {
    expect(published.map(({ manifest }) => manifest.name).sort()).toEqual([
      "@software-factory/cli",
      "@software-factory/core",
      "@software-factory/floorplan",
      "@software-factory/intelligence",
      "@software-factory/knowledge",
      "@software-factory/mcp",
    ]);
    const imports = (name: string) =>
      bareImports(published.find(({ manifest }) => manifest.name === name)?.dir ?? "").map(
        (found) => `${found.name}${found.typeOnly ? " (types)" : ""}`,
      );
    // One of each form: `from`, `createRequire(...).resolve`, a `require` through createRequire,
    // `import()`, `import type`, `typeof import()`.
    expect(imports("@software-factory/knowledge")).toEqual(
      expect.arrayContaining(["zod", "hnswlib-node", "micromark-extension-gfm", "@huggingface/transformers"]),
    );
    expect(imports("@software-factory/intelligence")).toEqual(expect.arrayContaining(["typescript"]));
    expect(imports("@software-factory/floorplan")).toEqual(
      expect.arrayContaining(["graphology-types (types)"]),
    );
    expect(imports("@software-factory/cli")).toEqual(
      expect.arrayContaining(["@software-factory/mcp (types)"]),
    );
  });

  it.each(published.map(({ dir, manifest }) => [manifest.name, dir, manifest] as const))(
    "%s declares each package its sources import at run time in dependencies or peerDependencies",
    (_name, dir, manifest) => {
      const declared = new Set([
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
      ]);
      const undeclared = bareImports(dir)
        .filter((found) => !found.typeOnly && !declared.has(found.name) && found.name !== manifest.name)
        .map((found) => `${found.name} (${found.file})`);
      expect([...new Set(undeclared)]).toEqual([]);
    },
  );

  it.each(published.map(({ dir, manifest }) => [manifest.name, dir, manifest] as const))(
    "%s declares each package its sources import only as types, itself or as @types/",
    (_name, dir, manifest) => {
      const declared = new Set([
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
        ...Object.keys(manifest.devDependencies ?? {}),
      ]);
      const typesOf = (name: string) =>
        `@types/${name.startsWith("@") ? name.slice(1).replace("/", "__") : name}`;
      const undeclared = bareImports(dir)
        .filter((found) => found.typeOnly && !declared.has(found.name) && !declared.has(typesOf(found.name)))
        .filter((found) => found.name !== manifest.name)
        .map((found) => `${found.name} (${found.file})`);
      expect([...new Set(undeclared)]).toEqual([]);
    },
  );

  it.each(published.map(({ dir, manifest }) => [manifest.name, dir, manifest] as const))(
    "%s imports each of its dependencies somewhere in its sources",
    (_name, dir, manifest) => {
      const imported = new Set(bareImports(dir).map((found) => found.name));
      const unused = Object.keys(manifest.dependencies ?? {}).filter((name) => !imported.has(name));
      expect(unused).toEqual([]);
    },
  );
});

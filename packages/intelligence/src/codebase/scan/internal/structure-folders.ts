/**
 * The fallback when no ecosystem manifest applies: top-level folders that
 * hold source files become units.
 *
 * @module
 */
import { basename } from "node:path";
import type { FoundUnit, ScanContext } from "./structure-types.js";

/** File extensions counted as source code. */
const SOURCE_EXTENSIONS = new Set([
  "ts",
  "tsx",
  "mts",
  "cts",
  "js",
  "jsx",
  "mjs",
  "cjs",
  "py",
  "go",
  "rs",
  "java",
  "kt",
  "kts",
  "scala",
  "rb",
  "php",
  "cs",
  "fs",
  "swift",
  "m",
  "mm",
  "c",
  "h",
  "cc",
  "cpp",
  "hpp",
  "ex",
  "exs",
  "erl",
  "clj",
  "dart",
  "lua",
  "sh",
  "vue",
  "svelte",
  "sql",
]);

/**
 * Top-level folders that are never a line: documentation, tests, scripts,
 * examples, benchmarks, fixtures, CI configuration and vendored code.
 */
const NON_LINE_FOLDERS = new Set([
  "doc",
  "docs",
  "documentation",
  "test",
  "tests",
  "spec",
  "specs",
  "__tests__",
  "e2e",
  "script",
  "scripts",
  "tools",
  "example",
  "examples",
  "sample",
  "samples",
  "bench",
  "benchmark",
  "benchmarks",
  "fixtures",
  "testdata",
  "node_modules",
  "vendor",
  "third_party",
  "third-party",
  "dist",
  "build",
  "target",
  "out",
  "coverage",
]);

/** Folders whose subfolders are the lines when they are the only source folder (`src/billing`, `src/auth`). */
const CONTAINERS = new Set(["src", "lib", "app", "pkg", "internal"]);

function isSource(file: string): boolean {
  const dot = file.lastIndexOf(".");
  return dot > file.lastIndexOf("/") && SOURCE_EXTENSIONS.has(file.slice(dot + 1).toLowerCase());
}

/** The source folders directly under `prefix` (`""` for the root), skipping hidden and non-line folders. */
function sourceFolders(files: readonly string[], prefix: string): string[] {
  const folders = new Set<string>();
  for (const file of files) {
    if (!file.startsWith(prefix) || !isSource(file)) continue;
    const rest = file.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash === -1) continue;
    const name = rest.slice(0, slash);
    if (!name.startsWith(".") && !name.startsWith("_") && !NON_LINE_FOLDERS.has(name.toLowerCase()))
      folders.add(`${prefix}${name}`);
  }
  return [...folders].sort();
}

/**
 * Units from the folder layout: each top-level folder holding source files;
 * when the only one is a container (`src`, `lib`, `app`, `pkg`, `internal`)
 * with two or more source subfolders, those subfolders; when there is none but
 * the root holds source files, the root itself, named after the repository folder.
 */
export function scanFolders(context: ScanContext): FoundUnit[] {
  let folders = sourceFolders(context.files, "");
  const only = folders[0];
  if (folders.length === 1 && only !== undefined && CONTAINERS.has(only)) {
    const inner = sourceFolders(context.files, `${only}/`);
    if (inner.length >= 2) folders = inner;
  }
  const unit = (root: string, name: string): FoundUnit => ({
    root,
    name,
    idBase: name,
    ecosystem: "folder",
    manifest: root,
    method: "top-level-folders",
  });
  if (folders.length > 0) return folders.map((root) => unit(root, root.slice(root.lastIndexOf("/") + 1)));
  return context.files.some((file) => !file.includes("/") && isSource(file))
    ? [unit(".", basename(context.root))]
    : [];
}

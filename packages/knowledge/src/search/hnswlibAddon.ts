/**
 * Loads hnswlib-node, the native addon behind the vector index, when a graph
 * is first needed rather than when the package is imported: a project whose
 * install did not build the addon can still import the SDK, open a
 * knowledge base and search it lexically.
 *
 * @module
 */
import { createRequire } from "node:module";
import { StoreError } from "@software-factory/core";
import type * as Hnswlib from "hnswlib-node";

/** The addon, once it has loaded (a failure is not kept: a later call tries again, after an `npm rebuild`). */
let loaded: typeof Hnswlib | undefined;

/**
 * hnswlib-node, loaded on the first call.
 *
 * @throws StoreError naming the package, why it could not be loaded and the
 * command that fixes it, with the error Node or the addon threw as `cause`.
 */
export function loadHnswlib(): typeof Hnswlib {
  if (loaded !== undefined) return loaded;
  try {
    loaded = createRequire(import.meta.url)("hnswlib-node") as typeof Hnswlib;
    return loaded;
  } catch (error) {
    throw new StoreError({ message: failureMessage(error), cause: error });
  }
}

/** What went wrong loading the addon, what it costs, and what to run: install it when npm left it out, else rebuild it. */
function failureMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // The first line only: the rest lists paths (bindings' "Tried:", Node's "Require stack:").
  const said = `(Node.js said: ${text.split("\n", 1)[0]?.replace(/\s*Tried:$/, "")})`;
  const effect =
    "The knowledge base's vector index needs it; until it loads, knowledge search is lexical (BM25) only.";
  if (
    (error as NodeJS.ErrnoException | undefined)?.code === "MODULE_NOT_FOUND" &&
    text.includes("'hnswlib-node'")
  ) {
    return `hnswlib-node is not installed ${said}. ${effect} Run \`npm install hnswlib-node\` in your project.`;
  }
  return (
    `hnswlib-node is installed but its native addon could not be loaded: its bindings are not built for this ` +
    `Node.js ${said}. npm skipped its install script (--ignore-scripts, allowScripts, strict-allow-scripts), ` +
    `there was no C++ compiler, or it was built for another Node.js version. ${effect} Run ` +
    `\`npm rebuild hnswlib-node\` in your project (the README's install section says what npm 11 needs).`
  );
}

import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

const SKIPPED = new Set([".git", "node_modules", "dist", ".factory"]);

/** Repository-relative paths (forward slashes) of the files under a root, skipping .git, node_modules, dist and .factory. */
export async function listFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) await walk(join(dir, entry.name));
      } else {
        files.push(relative(root, join(dir, entry.name)).split(sep).join("/"));
      }
    }
  };
  await walk(root);
  return files.sort();
}

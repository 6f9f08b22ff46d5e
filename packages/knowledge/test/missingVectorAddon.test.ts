/**
 * A project whose install did not build hnswlib-node's native addon
 * (`--ignore-scripts`, an `allowScripts` entry of false, no compiler): a
 * temp folder whose node_modules holds the built SDK packages and the real
 * hnswlib-node without its `build/` folder, so its own `require("bindings")`
 * fails as it does there, with "Could not locate the bindings file"; and one
 * without hnswlib-node at all. Child `node` processes import the packages
 * from that folder (their dist, as a user's project does); everything else
 * is linked to the workspace's node_modules.
 */
import { type ExecFileException, execFile } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = resolve(import.meta.dirname, "../../..");
/** Packages that import the knowledge package, so copied beside it: linked, they would find the workspace's hnswlib-node. */
const COPIED = ["knowledge", "intelligence", "mcp", "cli"];
let project: string;
let withoutPackage: string;

/**
 * A node_modules where the SDK is installed as a user gets it and hnswlib-node
 * is there without its compiled addon (`unbuilt`) or not at all (`missing`).
 */
function makeProject(root: string, hnswlibNode: "unbuilt" | "missing"): void {
  const modules = join(root, "node_modules");
  mkdirSync(join(modules, "@software-factory"), { recursive: true });
  const workspace = join(repoRoot, "node_modules");
  for (const entry of readdirSync(workspace)) {
    if (entry.startsWith(".") || entry === "hnswlib-node" || entry === "@software-factory") continue;
    symlinkSync(join(workspace, entry), join(modules, entry));
  }
  if (hnswlibNode === "unbuilt") {
    // The real package, its compiled addon left out.
    const hnswlib = join(workspace, "hnswlib-node");
    cpSync(join(hnswlib, "package.json"), join(modules, "hnswlib-node", "package.json"));
    cpSync(join(hnswlib, "lib"), join(modules, "hnswlib-node", "lib"), { recursive: true });
  }
  for (const name of ["core", "floorplan"]) {
    symlinkSync(join(repoRoot, "packages", name), join(modules, "@software-factory", name));
  }
  for (const name of COPIED) {
    const from = join(repoRoot, "packages", name);
    const to = join(modules, "@software-factory", name);
    const manifest = JSON.parse(readFileSync(join(from, "package.json"), "utf8")) as { files: string[] };
    cpSync(join(from, "package.json"), join(to, "package.json"));
    for (const entry of manifest.files.filter((file) => file === "dist" || file === "bin")) {
      cpSync(join(from, entry), join(to, entry), {
        recursive: true,
        filter: (path) => !path.endsWith(".map"),
      });
    }
    // Its own dependencies that npm did not hoist (commander for the CLI).
    const own = join(from, "node_modules");
    if (readdirSync(from).includes("node_modules")) symlinkSync(own, join(to, "node_modules"));
  }
}

/** Runs plain `node` with `args` in a project folder (by default the one with the unbuilt addon); resolves with its exit and output. */
function runNode(
  args: readonly string[],
  cwd = project,
): Promise<{ readonly code: number; readonly stdout: string; readonly stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd }, (error: ExecFileException | null, stdout, stderr) => {
      done({ code: typeof error?.code === "number" ? error.code : error === null ? 0 : 1, stdout, stderr });
    });
  });
}

/** Writes `source` as a module of a project and runs it. */
function runModule(name: string, source: string, cwd = project): ReturnType<typeof runNode> {
  writeFileSync(join(cwd, name), source);
  return runNode([name], cwd);
}

/** A module that makes a VectorIndex, searches it empty, then adds one vector and then many: what each gave. */
const VECTOR_INDEX_MODULE = `
import { StoreError } from "@software-factory/core";
import { VectorIndex } from "@software-factory/knowledge";
const index = new VectorIndex({ id: "test", dimension: 3 });
const found = index.search(new Float32Array([1, 0, 0]), { limit: 5 });
const refusal = (error) => ({
  isStoreError: error instanceof StoreError,
  code: error.code,
  message: error.message,
  cause: String(error.cause?.message).split("\\n")[0],
});
let added;
try {
  index.add("a", new Float32Array([1, 0, 0]));
} catch (error) {
  added = refusal(error);
}
let taken = 0;
async function* entries() {
  taken += 1;
  yield ["b", new Float32Array([0, 1, 0])];
}
const addedAll = await index.addAll(entries()).then(() => "added", refusal);
console.log(JSON.stringify({ found, size: index.size, added, addedAll, taken }));
`;

/** What {@link VECTOR_INDEX_MODULE} printed. */
interface VectorIndexRun {
  readonly found: unknown[];
  readonly size: number;
  readonly added: { readonly message: string; readonly cause: string };
  readonly addedAll: unknown;
  readonly taken: number;
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), "factory-no-hnswlib-"));
  makeProject(project, "unbuilt");
  withoutPackage = mkdtempSync(join(tmpdir(), "factory-no-hnswlib-"));
  makeProject(withoutPackage, "missing");
});
afterAll(() => {
  rmSync(project, { recursive: true, force: true });
  rmSync(withoutPackage, { recursive: true, force: true });
});

describe("without hnswlib-node's native addon", () => {
  it("is a project where hnswlib-node fails as an unbuilt install does", async () => {
    const { code, stderr } = await runNode(["-e", "require('hnswlib-node')"]);
    expect(code).toBe(1);
    expect(stderr).toContain("Could not locate the bindings file");
  });

  it("imports every package that depends on the knowledge base, and the CLI answers --version and --help", async () => {
    const imported = await runModule(
      "imports.mjs",
      [
        'await import("@software-factory/knowledge");',
        'await import("@software-factory/intelligence");',
        'await import("@software-factory/mcp");',
        'await import("@software-factory/cli");',
        'console.log("imported");',
      ].join("\n"),
    );
    expect(imported.stderr).toBe("");
    expect(imported.stdout).toBe("imported\n");
    const bin = join("node_modules", "@software-factory", "cli", "bin", "factory.js");
    const version = await runNode([bin, "--version"]);
    expect(version).toMatchObject({ code: 0, stderr: "" });
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
    const help = await runNode([bin, "--help"]);
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toContain("Usage: factory");
  });

  it("opens a knowledge base and searches it lexically, each result warning that the addon is not built and how to build it", async () => {
    const { code, stdout, stderr } = await runModule(
      "search.mjs",
      `
import { openEventLog } from "@software-factory/core";
import { openKnowledgeBase } from "@software-factory/knowledge";
const log = await openEventLog({ path: "factory.db" });
const kb = await openKnowledgeBase({ log, dir: "knowledge" });
const source = { system: "test", author: "ana" };
const note = await kb.capture({ kind: "note", title: "Payment retries", body: "The checkout retries a failed payment.", source });
await kb.capture({ kind: "note", title: "Onboarding", body: "New users see a tour.", source });
const hybrid = await kb.search("payment retries");
const vector = await kb.search("payment retries", { mode: "vector" });
const lexical = await kb.search("payment retries", { mode: "lexical" });
await kb.close();
await log.close();
console.log(JSON.stringify({
  note: note.id,
  hybrid: { ids: hybrid.hits.map((hit) => hit.document.id), warning: hybrid.warning },
  vector: { ids: vector.hits.map((hit) => hit.document.id), warning: vector.warning },
  lexical: { ids: lexical.hits.map((hit) => hit.document.id), warning: lexical.warning },
}));
`,
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    type Search = { readonly ids: string[]; readonly warning?: string };
    const result = JSON.parse(stdout) as { note: string; hybrid: Search; vector: Search; lexical: Search };
    expect(result.hybrid.ids).toEqual([result.note]);
    for (const warning of [result.hybrid.warning, result.vector.warning]) {
      expect(warning).toContain("hnswlib-node");
      expect(warning).toContain("bindings are not built");
      expect(warning).toContain("npm rebuild hnswlib-node");
      expect(warning).toContain("Could not locate the bindings file");
    }
    expect(result.vector.ids).toEqual([]);
    expect(result.lexical).toEqual({ ids: [result.note], warning: expect.stringContaining("npm rebuild") });
  });

  it("makes and searches an empty VectorIndex, and refuses to add to it with a StoreError naming the package, the cause and the fix", async () => {
    const { code, stdout, stderr } = await runModule("vectors.mjs", VECTOR_INDEX_MODULE);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as VectorIndexRun;
    expect(result).toMatchObject({ found: [], size: 0, taken: 0 });
    expect(result.added).toEqual({
      isStoreError: true,
      code: "E_STORE",
      message: expect.stringMatching(/^hnswlib-node is installed but its native addon could not be loaded/),
      cause: "Could not locate the bindings file. Tried:",
    });
    expect(result.added.message).toContain("bindings are not built");
    expect(result.added.message).toContain("npm rebuild hnswlib-node");
    expect(result.addedAll).toEqual(result.added);
  });

  it("says to install hnswlib-node when the package is not there at all", async () => {
    const { code, stdout, stderr } = await runModule("vectors.mjs", VECTOR_INDEX_MODULE, withoutPackage);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as VectorIndexRun;
    expect(result).toMatchObject({ found: [], size: 0, taken: 0, added: { code: "E_STORE" } });
    expect(result.added.message).toMatch(
      /^hnswlib-node is not installed \(Node\.js said: Cannot find module 'hnswlib-node'/,
    );
    expect(result.added.message).toContain("npm install hnswlib-node");
    expect(result.addedAll).toEqual(result.added);
  });
});

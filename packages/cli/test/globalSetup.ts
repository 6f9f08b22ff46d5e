/**
 * Builds the `factory` and `factory-mcp` bins, and the packages they load at
 * run time, before the CLI and MCP tests run them as subprocesses. A package is rebuilt only when its `dist`
 * is missing or older than its sources; declarations are skipped (`--no-dts`)
 * since a subprocess only needs the JavaScript. Runs of other packages' tests
 * (`vitest run packages/core`) skip the build entirely.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
/** In dependency order. */
const PACKAGES = ["core", "knowledge", "floorplan", "intelligence", "mcp", "cli"] as const;
/** The bins the tests run, built beside dist/index.js. */
const BINS: Partial<Record<(typeof PACKAGES)[number], string>> = { mcp: "dist/bin.js", cli: "dist/cli.js" };
const LOCK = join(tmpdir(), "software-factory-cli-build.lock");

function newestSource(dir: string): number {
  let newest = 0;
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else newest = Math.max(newest, statSync(child).mtimeMs);
    }
  };
  walk(join(dir, "src"));
  for (const file of ["package.json", "tsup.config.ts"]) {
    if (existsSync(join(dir, file))) newest = Math.max(newest, statSync(join(dir, file)).mtimeMs);
  }
  return newest;
}

function isStale(name: (typeof PACKAGES)[number]): boolean {
  const dir = join(root, "packages", name);
  const bin = BINS[name];
  const outputs = bin === undefined ? ["dist/index.js"] : ["dist/index.js", bin];
  const built = outputs.map((file) => join(dir, file));
  if (!built.every((file) => existsSync(file))) return true;
  const oldest = Math.min(...built.map((file) => statSync(file).mtimeMs));
  return oldest < newestSource(dir);
}

/** Whether this vitest run may include the CLI or MCP tests (no file filters, or one that names them). */
function runsBinTests(argv: readonly string[]): boolean {
  const commands = new Set(["run", "watch", "dev", "related"]);
  const filters = argv.slice(2).filter((arg) => !arg.startsWith("-") && !commands.has(arg));
  return filters.length === 0 || filters.some((filter) => /cli|mcp|acme/.test(filter));
}

async function withLock(work: () => void): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 15 * 60_000) rmdirSync(LOCK);
      if (Date.now() - started > 20 * 60_000) throw new Error(`timed out waiting for ${LOCK}`);
      await new Promise((done) => setTimeout(done, 500));
    }
  }
  try {
    work();
  } finally {
    rmdirSync(LOCK);
  }
}

/** Vitest global setup: brings the built packages up to date. */
export default async function setup(): Promise<void> {
  if (!runsBinTests(process.argv)) return;
  await withLock(() => {
    for (const name of PACKAGES) {
      if (!isStale(name)) continue;
      execFileSync("npm", ["run", "build", "-w", `@software-factory/${name}`, "--", "--no-dts"], {
        cwd: root,
        stdio: ["ignore", "ignore", "inherit"],
      });
    }
  });
}

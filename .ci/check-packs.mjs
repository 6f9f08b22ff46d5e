/**
 * Packs every package under packages/ as npm would publish it and checks the
 * tarballs. `npm pack` runs each package's `prepack` build, so a stale or
 * partial `dist` (the CLI tests rebuild it without declarations) cannot slip
 * into a tarball. Each tarball must hold package.json, LICENSE, README.md,
 * dist/index.js, dist/index.d.ts and every file its `exports` and `bin` name;
 * then publint --strict lints it. Exits 1 at the first package that fails.
 *
 *   node .ci/check-packs.mjs
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const REQUIRED_FILES = ["package.json", "LICENSE", "README.md", "dist/index.js", "dist/index.d.ts"];

/** The workspaces under packages/, in the root package.json's (dependency) order. */
function publishedWorkspaces() {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  return manifest.workspaces.filter((workspace) => workspace.startsWith("packages/"));
}

/** Every file an `exports` map or `bin` field points at; `null` entries and patterns name none. */
function filesNamedBy(manifest) {
  const targets = [];
  const collect = (value) => {
    if (typeof value === "string") targets.push(value);
    else if (value !== null && typeof value === "object")
      for (const inner of Object.values(value)) collect(inner);
  };
  collect(manifest.exports);
  collect(manifest.bin);
  return targets.filter((target) => !target.includes("*")).map((target) => target.replace(/^\.\//, ""));
}

/** The problems of one tarball: each a file it should hold and does not. */
function missingFiles(tarball) {
  const listing = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" });
  const files = new Set(listing.split("\n").map((line) => line.replace(/^package\//, "")));
  const manifest = JSON.parse(
    execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }),
  );
  const expected = new Set([...REQUIRED_FILES, ...filesNamedBy(manifest)]);
  return { name: manifest.name, missing: [...expected].filter((file) => !files.has(file)) };
}

const destination = mkdtempSync(join(tmpdir(), "factory-packs-"));
try {
  const workspaces = publishedWorkspaces();
  execFileSync(
    "npm",
    [
      "pack",
      "--loglevel",
      "warn",
      "--pack-destination",
      destination,
      ...workspaces.flatMap((w) => ["-w", w]),
    ],
    {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  const tarballs = readdirSync(destination).filter((file) => file.endsWith(".tgz"));
  if (tarballs.length !== workspaces.length) {
    throw new Error(`expected ${workspaces.length} tarballs, npm pack wrote ${tarballs.length}`);
  }
  for (const tarball of tarballs) {
    const path = join(destination, tarball);
    const { name, missing } = missingFiles(path);
    if (missing.length > 0) throw new Error(`${name}: the tarball lacks ${missing.join(", ")}`);
    console.log(`${name}: ${tarball} holds ${REQUIRED_FILES.join(", ")} and every exports and bin target`);
    execFileSync(join(root, "node_modules/.bin/publint"), ["run", "--strict", path], { stdio: "inherit" });
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  rmSync(destination, { recursive: true, force: true });
}

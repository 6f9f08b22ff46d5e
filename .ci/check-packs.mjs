/**
 * Packs every package under packages/ as npm would publish it and checks the
 * tarballs. `npm pack` runs each package's `prepack` build, so a stale or
 * partial `dist` (the CLI tests rebuild it without declarations) cannot slip
 * into a tarball. Each tarball must hold package.json, LICENSE, README.md,
 * dist/index.js, dist/index.d.ts and every file its `exports` and `bin` name;
 * then publint --strict lints it. Last, the six tarballs are installed into an
 * empty project, as a user would (`npm install <tarballs>`, third-party
 * dependencies from the registry, native addons built from source), and used
 * there: the SDK from ESM, the `factory` bin, and `factory-mcp` answering an
 * MCP initialize over stdio. That catches what the workspace's hoisted
 * node_modules hides: a module loaded at run time (`createRequire`, which tsup
 * leaves unbundled) missing from a package's dependencies (checked: knowledge
 * without hnswlib-node fails here), a bin that does not start outside the
 * monorepo, a native addon that does not build in a user's project.
 * Exits 1 at the first package that fails.
 *
 *   node .ci/check-packs.mjs
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/** What the installed packages must do, from a user's project (ESM). */
const USE_SDK = `
import { openFactory } from "@software-factory/intelligence";
const factory = await openFactory({ dir: ".factory-sdk" });
await factory.knowledge.capture({ kind: "note", title: "Refunds", body: "Refunds go back to the card.", source: { system: "check-packs" } });
const { hits } = await factory.knowledge.search("refund card");
await factory.close();
if (hits.length !== 1) throw new Error("search found " + hits.length + " documents, not 1");
console.log("the SDK opened a factory, captured a document and found it");
`;

/** An MCP initialize request, one line of JSON-RPC on factory-mcp's stdin. */
const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-11-25",
    capabilities: {},
    clientInfo: { name: "check-packs", version: "0" },
  },
});

/** Installs the tarballs into a new, empty project and uses what they install. */
function useAsInstalled(tarballs) {
  const project = mkdtempSync(join(tmpdir(), "factory-consumer-"));
  try {
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({
        name: "consumer",
        private: true,
        type: "module",
        allowScripts: { "better-sqlite3": true, "hnswlib-node": true },
      }),
    );
    // As the repository's .npmrc: native addons compile from source, nothing prebuilt is downloaded.
    writeFileSync(join(project, ".npmrc"), "build-from-source=true\n");
    const run = (command, args, input) =>
      execFileSync(command, args, {
        cwd: project,
        encoding: "utf8",
        input,
        stdio: ["pipe", "pipe", "inherit"],
      });
    run("npm", [
      "install",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      "--loglevel",
      "error",
      ...tarballs,
    ]);
    console.log(`installed ${tarballs.length} tarballs into an empty project`);
    writeFileSync(join(project, "use.mjs"), USE_SDK);
    process.stdout.write(run(process.execPath, ["use.mjs"]));
    const bin = (name) => join(project, "node_modules", ".bin", name);
    run(bin("factory"), ["init"]);
    const listed = run(bin("factory"), ["work", "list", "--json"]);
    if (!Array.isArray(JSON.parse(listed))) throw new Error(`factory work list --json printed ${listed}`);
    console.log("factory init and factory work list --json ran from node_modules/.bin");
    const answer = run(bin("factory-mcp"), ["--dir", ".factory"], `${INITIALIZE}\n`);
    const reply = JSON.parse(answer.split("\n")[0]);
    if (reply.result?.serverInfo === undefined)
      throw new Error(`factory-mcp answered initialize with ${answer}`);
    console.log(
      `factory-mcp answered initialize: ${reply.result.serverInfo.name} ${reply.result.serverInfo.version}`,
    );
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
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
  useAsInstalled(tarballs.map((tarball) => join(destination, tarball)));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  rmSync(destination, { recursive: true, force: true });
}

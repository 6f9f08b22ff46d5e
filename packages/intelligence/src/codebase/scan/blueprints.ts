/**
 * Blueprints: one Markdown knowledge document per proposed line, written
 * from what the repository says about it: purpose, public surface, entry
 * points, CLI commands, HTTP routes, configuration, data stores,
 * dependencies in and out, the proposed owner, and the files each fact came from.
 *
 * @module
 */
import type { ProposedBlueprint, ProposedDependency, ProposedLine, ProposedOwner } from "../proposal.js";
import type { RepoFiles } from "./files.js";
import { lineOfFile } from "./files.js";
import { manifestFacts } from "./internal/structure-entries.js";
import {
  commandsIn,
  dataStoreOf,
  envVarsIn,
  type Fact,
  FactSet,
  goImportsIn,
  isTestFile,
  languageOf,
  pythonImportsIn,
  routesIn,
} from "./internal/structure-facts.js";
import { folderOf, mapLimit, readRepoText } from "./internal/structure-io.js";
import { nativeSurface } from "./internal/structure-native.js";
import { packageNameOf } from "./internal/structure-npm.js";
import { SurfaceReader, type SurfaceSymbol } from "./internal/structure-surface.js";
import type { ScanContext } from "./internal/structure-types.js";

/** Items listed per section before `... and N more`. */
const MAX_ITEMS = 40;
/** Source files read at once. */
const READ_CONCURRENCY = 16;

type TypeScript = typeof import("typescript");

/** Facts read from a line's source files (tests and fixtures left out). */
interface SourceFacts {
  readonly commands: FactSet;
  readonly routes: FactSet;
  readonly env: FactSet;
  readonly stores: FactSet;
  readonly entries: FactSet;
  readonly files: readonly string[];
}

async function readSources(
  ts: TypeScript,
  context: ScanContext,
  line: ProposedLine,
  files: readonly string[],
): Promise<SourceFacts> {
  const facts: SourceFacts = {
    commands: new FactSet(),
    routes: new FactSet(),
    env: new FactSet(),
    stores: new FactSet(),
    entries: new FactSet(),
    files: [],
  };
  const sources = files.filter((file) => languageOf(file) !== undefined && !isTestFile(file));
  const read: string[] = [];
  await mapLimit(sources, READ_CONCURRENCY, async (file) => {
    const language = languageOf(file);
    const text = await readRepoText(context.root, file);
    if (language === undefined || text === undefined) return;
    read.push(file);
    for (const command of commandsIn(language, text)) facts.commands.add(command, file);
    for (const route of routesIn(language, text)) facts.routes.add(route, file);
    for (const name of envVarsIn(language, text)) facts.env.add(name, file);
    const imported =
      language === "js"
        ? ts
            .preProcessFile(text, true, true)
            .importedFiles.map((reference) => packageNameOf(reference.fileName))
        : language === "python"
          ? pythonImportsIn(text)
          : language === "go"
            ? goImportsIn(text)
            : [];
    for (const name of imported) {
      const store = dataStoreOf(name);
      if (store !== undefined) facts.stores.add(`${store} (\`${name}\`)`, file);
    }
    const inLine = line.root === "." ? folderOf(file) : folderOf(file).slice(line.root.length + 1) || ".";
    if (language === "go" && /^package main\b/m.test(text))
      facts.entries.add(`command in \`${inLine}\` (package main)`, file);
    if (language === "python" && /^if __name__ == ['"]__main__['"]\s*:/m.test(text))
      facts.entries.add(`script \`${file}\` (__main__)`, file);
    if (language === "python" && file.endsWith("/__main__.py"))
      facts.entries.add(`\`python -m\` on \`${inLine}\``, file);
    if (language === "jvm" && /\bstatic\s+void\s+main\s*\(/.test(text))
      facts.entries.add(`main class in \`${file}\``, file);
  });
  return { ...facts, files: read.sort() };
}

function bounded<T>(items: readonly T[], format: (item: T) => string, empty: string): string[] {
  if (items.length === 0) return [empty];
  const shown = items.slice(0, MAX_ITEMS).map(format);
  return items.length > MAX_ITEMS ? [...shown, `- ... and ${items.length - MAX_ITEMS} more`] : shown;
}

function filesNote(files: readonly string[]): string {
  const shown = files.slice(0, 3).map((file) => `\`${file}\``);
  return files.length > 3 ? `${shown.join(", ")} and ${files.length - 3} more` : shown.join(", ");
}

/** A fact whose value is code (a command, a route, a variable). */
const codeFact = (fact: Fact) => `- \`${fact.value}\` (${filesNote(fact.files)})`;
/** A fact whose value is prose with its own code spans (an entry point, a data store). */
const textFact = (fact: Fact) => `- ${fact.value} (${filesNote(fact.files)})`;

function symbolLine(symbol: SurfaceSymbol): string {
  return `- \`${symbol.name}\` (${symbol.kind})${symbol.doc ? `: ${symbol.doc}` : ""}`;
}

/** The other ends of a line's dependencies in one direction, each with the evidence of every edge to it (methods once, sorted). */
function neighbours(
  dependencies: readonly ProposedDependency[],
  otherOf: (dependency: ProposedDependency) => string | undefined,
): { other: string; how: string }[] {
  const evidenceOf = new Map<string, Map<string, string | undefined>>();
  for (const dependency of dependencies) {
    const other = otherOf(dependency);
    if (other === undefined) continue;
    const methods = evidenceOf.get(other) ?? new Map<string, string | undefined>();
    for (const evidence of dependency.evidence)
      if (!methods.has(evidence.method)) methods.set(evidence.method, evidence.detail);
    evidenceOf.set(other, methods);
  }
  return [...evidenceOf.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([other, methods]) => ({
      other,
      how: [...methods.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([method, detail]) => (detail ? `${method} (${detail})` : method))
        .join("; "),
    }));
}

function ownerLines(owner: ProposedOwner | undefined): string[] {
  if (owner === undefined) return ["No owner proposed."];
  const who = owner.handle ?? (owner.email === undefined ? owner.name : `${owner.name} <${owner.email}>`);
  const { method, confidence, detail } = owner.evidence;
  return [
    `Proposed: \`${owner.operator}\` (${who}), from ${method} with confidence ${confidence}${detail ? `: ${detail}` : ""}.`,
  ];
}

function section(title: string, lines: readonly string[]): string {
  return `## ${title}\n\n${lines.join("\n")}\n`;
}

/**
 * Writes one Markdown blueprint per line: `# <title>`, then the sections
 * Purpose (the line's description), Public surface (for TS/JS, the symbols
 * the entry files export, with kind and the first sentence of their doc
 * comment; entry files come from package.json `exports`/`types`/`module`/`main`
 * mapped from dist back to src, else `src/index.ts`; re-exports are followed
 * up to three hops into the line's own files; for Rust the `pub` items of
 * `src/lib.rs`, for Go the exported functions and types of the module's root
 * package, for Python the functions and classes of the package's
 * `__init__.py`, with their doc comments), Entry points (package.json
 * `bin`/`main`, Cargo `[[bin]]`/`src/main.rs`/`src/bin`, Python scripts and
 * `__main__`, Go `package main` folders, JVM `main` methods), CLI commands
 * (commander/yargs `.command()`, click/typer, cobra), HTTP routes (express,
 * fastify, hono, koa-router style `x.get("/path")`, Python decorators, Go
 * `HandleFunc` and gin/echo/chi, Spring mappings), Configuration (environment
 * variables read), Data stores (known client packages the line depends on or
 * imports), Dependencies (uses / used by, from `dependencies`), Owner (from
 * `owners`) and Files (the files the facts came from). Tests and fixtures are
 * not read for commands, routes, variables or stores. Each section lists at
 * most 40 items, then `... and N more`. `files` lists every file read;
 * output is sorted, so the same repository gives byte-identical blueprints.
 */
export async function writeBlueprints(
  repo: RepoFiles,
  lines: readonly ProposedLine[],
  dependencies: readonly ProposedDependency[],
  owners: readonly ProposedOwner[],
): Promise<ProposedBlueprint[]> {
  const ts = (await import("typescript")).default;
  const context: ScanContext = { root: repo.root, files: repo.files, fileSet: new Set(repo.files) };
  const filesOf = new Map<string, string[]>();
  for (const file of repo.files) {
    const line = lineOfFile(lines, file);
    if (line === undefined) continue;
    const list = filesOf.get(line.id);
    if (list === undefined) filesOf.set(line.id, [file]);
    else list.push(file);
  }
  const titleOf = new Map(lines.map((line) => [line.id, line.title]));
  const blueprints: ProposedBlueprint[] = [];
  for (const line of [...lines].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const files = filesOf.get(line.id) ?? [];
    const manifests = await manifestFacts(context, line);
    const reader = new SurfaceReader(ts, repo.root, new Set(files));
    const symbols: SurfaceSymbol[] = [];
    for (const entry of manifests.entryFiles)
      for (const symbol of await reader.exportsOf(entry))
        if (!symbols.some((known) => known.name === symbol.name)) symbols.push(symbol);
    if (manifests.entryFiles.length === 0) symbols.push(...(await nativeSurface(context, line)));
    const sources = await readSources(ts, context, line, files);
    const entries = sources.entries;
    for (const entry of manifests.entryPoints) entries.add(entry.value, entry.file);
    for (const dependency of manifests.dependencies) {
      const store = dataStoreOf(dependency.name);
      if (store !== undefined) sources.stores.add(`${store} (\`${dependency.name}\`)`, dependency.file);
    }
    const uses = neighbours(dependencies, (dependency) =>
      dependency.from === line.id ? dependency.to : undefined,
    );
    const usedBy = neighbours(dependencies, (dependency) =>
      dependency.to === line.id ? dependency.from : undefined,
    );
    const neighbourLine = ({ other, how }: { other: string; how: string }) =>
      `- \`${other}\` (${titleOf.get(other) ?? other}): ${how}`;
    const facts = [sources.commands, sources.routes, sources.env, sources.stores, entries].flatMap((set) =>
      set.list(),
    );
    const factFiles = [
      ...new Set([
        ...manifests.files,
        ...manifests.entryFiles,
        ...symbols.map((symbol) => symbol.file),
        ...facts.flatMap((fact) => fact.files),
      ]),
    ].sort();
    const surface =
      manifests.entryFiles.length > 0
        ? [
            `Exported from ${manifests.entryFiles.map((file) => `\`${file}\``).join(", ")}:`,
            "",
            ...bounded(symbols, symbolLine, "- (no exported symbols found)"),
          ]
        : symbols.length > 0
          ? [
              `Public items of ${[...new Set(symbols.map((symbol) => `\`${symbol.file}\``))].join(", ")}:`,
              "",
              ...bounded(symbols, symbolLine, ""),
            ]
          : ["No public symbols found; see the entry points."];
    const body = [
      `# ${line.title}\n`,
      section("Purpose", [line.description ?? "No description found in the manifest or README."]),
      section("Public surface", surface),
      section("Entry points", bounded(entries.list(), textFact, "None found.")),
      section("CLI commands", bounded(sources.commands.list(), codeFact, "None found.")),
      section("HTTP routes", bounded(sources.routes.list(), codeFact, "None found.")),
      section("Configuration", [
        "Environment variables read:",
        "",
        ...bounded(sources.env.list(), codeFact, "- none found"),
      ]),
      section("Data stores", bounded(sources.stores.list(), textFact, "None found.")),
      section("Dependencies", [
        "Uses:",
        "",
        ...bounded(uses, neighbourLine, "- nothing"),
        "",
        "Used by:",
        "",
        ...bounded(usedBy, neighbourLine, "- nothing"),
      ]),
      section("Owner", ownerLines(owners.find((owner) => owner.line === line.id))),
      section(
        "Files",
        bounded(factFiles, (file) => `- \`${file}\``, "None."),
      ),
    ].join("\n");
    blueprints.push({
      line: line.id,
      title: line.title,
      body,
      files: [
        ...new Set([
          ...manifests.files,
          ...reader.filesRead,
          ...symbols.map((symbol) => symbol.file),
          ...sources.files,
        ]),
      ].sort(),
      evidence: {
        file: line.evidence.file,
        ...(repo.commit === undefined ? {} : { commit: repo.commit }),
        method: "blueprint",
        confidence: 1,
      },
    });
  }
  return blueprints;
}

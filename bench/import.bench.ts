/**
 * `importCodebase` on this repository and on a generated npm monorepo of 50
 * packages and 5,000 files with five authors: time and peak resident memory
 * per phase, for a first import into an empty factory and for a re-import of
 * the unchanged repository (which must append no event).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type CodebaseImportResult,
  IMPORT_PHASES,
  type ImportPhase,
  importCodebase,
  openFactory,
} from "@software-factory/intelligence";
import { ms, table, writeReport } from "./lib/report.js";

const PACKAGES = 50;
const FILES_PER_PACKAGE = 100;
const AUTHORS = ["ana", "ben", "chloe", "dev", "emil"];
const here = dirname(fileURLToPath(import.meta.url));
const progress = (step: string) =>
  process.stderr.write(`[import bench ${new Date().toISOString().slice(11, 19)}] ${step}\n`);

/** Writes the generated monorepo and commits it in ten commits by five authors. */
function generateRepository(root: string): void {
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const git = (args: string[], author = "ana") =>
    execFileSync("git", ["-c", "commit.gpgsign=false", ...args], {
      cwd: root,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: author,
        GIT_AUTHOR_EMAIL: `${author}@example.com`,
        GIT_COMMITTER_NAME: author,
        GIT_COMMITTER_EMAIL: `${author}@example.com`,
      },
    });
  git(["init", "-q", "-b", "main"]);
  write("package.json", JSON.stringify({ name: "generated", private: true, workspaces: ["packages/*"] }));
  for (let p = 0; p < PACKAGES; p++) {
    const deps = p === 0 ? [] : [`@gen/pkg${p - 1}`, ...(p > 1 ? [`@gen/pkg${Math.floor(p / 2)}`] : [])];
    write(
      `packages/pkg${p}/package.json`,
      JSON.stringify({
        name: `@gen/pkg${p}`,
        description: `Generated package ${p}.`,
        main: "src/index.ts",
        dependencies: Object.fromEntries(deps.map((dep) => [dep, "*"])),
      }),
    );
    const modules = FILES_PER_PACKAGE - 3;
    write(
      `packages/pkg${p}/src/index.ts`,
      Array.from({ length: modules }, (_, m) => `export * from "./mod${m}.js";`).join("\n"),
    );
    for (let m = 0; m < modules; m++) {
      const imports = deps.map((dep, i) => `import { fn${i} as dep${i} } from "${dep}";`).join("\n");
      write(
        `packages/pkg${p}/src/mod${m}.ts`,
        `${imports}\n\n/** Computes value ${m} of package ${p}. */\nexport function fn${m}(input: number): number {\n  return input * ${m}${deps.map((_, i) => ` + dep${i}(input)`).join("")};\n}\n`,
      );
    }
    write(
      `packages/pkg${p}/test/pkg${p}.test.ts`,
      `import { describe, expect, it } from "vitest";\nimport { fn1 } from "../src/index.js";\n\ndescribe("pkg${p}", () => {\n${Array.from({ length: 10 }, (_, t) => `  it("computes case ${t}", () => {\n    expect(fn1(${t})).toBeGreaterThanOrEqual(0);\n  });\n`).join("")}});\n`,
    );
    write(`packages/pkg${p}/README.md`, `# pkg${p}\n\nGenerated package number ${p}.\n`);
  }
  git(["add", "-A"]);
  git(["commit", "-q", "-m", "generated"]);
  for (let c = 0; c < 10; c++) {
    const author = AUTHORS[c % AUTHORS.length] as string;
    for (let p = c; p < PACKAGES; p += 10)
      write(
        `packages/pkg${p}/src/mod0.ts`,
        `/** Changed by ${author}. */\nexport function fn0(input: number): number {\n  return input + ${c};\n}\n`,
      );
    git(["add", "-A"], author);
    git(["commit", "-q", "-m", `change ${c}`], author);
  }
}

interface PhaseMeasure {
  ms: number;
  peakMiB: number;
}

/** Runs one import, sampling resident memory every 10 ms and attributing the peak to the running phase. */
async function measuredImport(
  root: string,
  dir: string,
): Promise<{ result: CodebaseImportResult; phases: Map<ImportPhase, PhaseMeasure>; totalMs: number }> {
  const factory = await openFactory({ dir });
  const phases = new Map<ImportPhase, PhaseMeasure>();
  let current: ImportPhase = "files";
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  const started = performance.now();
  let phaseStarted = started;
  try {
    const result = await importCodebase(factory, root, {
      onProgress: (event) => {
        peak = Math.max(peak, process.memoryUsage.rss());
        if (event.ms === undefined && event.done === 0 && event.phase !== current) {
          current = event.phase;
          phaseStarted = performance.now();
          peak = process.memoryUsage.rss();
        }
        if (event.ms !== undefined) phases.set(event.phase, { ms: event.ms, peakMiB: peak / 2 ** 20 });
        if (event.phase === "apply" && event.done === event.total)
          phases.set("apply", { ms: performance.now() - phaseStarted, peakMiB: peak / 2 ** 20 });
      },
    });
    return { result, phases, totalMs: performance.now() - started };
  } finally {
    clearInterval(timer);
    await factory.close();
  }
}

async function measure(name: string, root: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "factory-import-bench-"));
  try {
    progress(`${name}: first import`);
    const first = await measuredImport(root, dir);
    progress(`${name}: re-import`);
    const again = await measuredImport(root, dir);
    const { proposal } = first.result;
    const rows = IMPORT_PHASES.map((phase) => {
      const a = first.phases.get(phase);
      const b = again.phases.get(phase);
      return [
        phase,
        a === undefined ? "-" : ms(a.ms),
        a === undefined ? "-" : a.peakMiB.toFixed(0),
        b === undefined ? "-" : ms(b.ms),
      ];
    });
    rows.push([
      "total",
      ms(first.totalMs),
      (process.resourceUsage().maxRSS / 1024).toFixed(0),
      ms(again.totalMs),
    ]);
    return [
      `## ${name}`,
      "",
      `${proposal.lines.length} lines, ${proposal.dependencies.length} dependencies, ${proposal.owners.length} owners, ${proposal.blueprints.length} blueprints, ${proposal.requirements.length} inferred requirements, ${proposal.documents.length} documents. First import: ${first.result.events} events; re-import of the unchanged repository: ${again.result.events} events.`,
      "",
      table(["phase", "first import (ms)", "peak RSS during phase (MiB)", "re-import (ms)"], rows),
      "",
      "The total row's memory is the process's peak resident set over the whole run.",
    ].join("\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const generated = mkdtempSync(join(tmpdir(), "factory-generated-repo-"));
try {
  progress(`generating ${PACKAGES} packages x ${FILES_PER_PACKAGE} files`);
  generateRepository(generated);
  // A clone of the committed tree, so files being edited in the work tree do not change between the two imports.
  const clone = join(generated, "..", `${basename(generated)}-sdk`);
  execFileSync("git", ["clone", "--quiet", join(here, ".."), clone]);
  const own = await measure("This repository (software-factory-sdk, a clone of HEAD)", clone).finally(() =>
    rmSync(clone, { recursive: true, force: true }),
  );
  const big = await measure(
    `Generated monorepo: ${PACKAGES} npm packages, ${PACKAGES * FILES_PER_PACKAGE} files, 11 commits by ${AUTHORS.length} authors`,
    generated,
  );
  writeReport("import", "Codebase import: time and memory per phase", [
    `Load average at start: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(
        ", ",
      )}. Each import opens a factory on the embedded SQLite store in a temp folder. No off-the-shelf tool does what the import does (lines, owners, blueprints, requirements and links in one pass), so this table has no side-by-side baseline.`,
    own,
    big,
  ]);
} finally {
  rmSync(generated, { recursive: true, force: true });
}

/**
 * The first import into a factory that does not exist yet runs once, in a
 * staging folder beside the factory's (`.factory.importing-<pid>-<random>`),
 * which becomes the factory only when the import succeeded: what is refused
 * or interrupted leaves nothing, and the new factory opens and searches like
 * any other.
 */
import { execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  POSTGRES_TEST_URL,
  skipPostgres,
  TestSchemas,
  withAdmin,
} from "../../core/test/fixtures/postgresTestServer.js";
import { makeRepo, type TestRepo } from "../../intelligence/test/codebase/makeRepo.js";
import { SHOP_YAML } from "./fixtures.js";
import { BIN, type RunResult, runFactory } from "./runFactory.js";

/** The bin runs a few times per test, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };
const ANA = { name: "Ana", email: "ana@example.com" };
const MAPPING = '{"target":"document","id":"id","title":"title","body":"body"}';
const NOTES = [
  { id: "n1", title: "Refunds lose shipping", body: "Partial refunds refund the shipping cost in full." },
  { id: "n2", title: "Checkout latency", body: "The payment page waits on the fraud check." },
]
  .map((note) => JSON.stringify(note))
  .join("\n");

/** A repository of three commits, each touching a file. */
let repo: TestRepo;
/** The folder each test runs in (in no git repository). */
let cwd: string;

beforeAll(() => {
  repo = makeRepo([
    { author: ANA, files: { "src/a.ts": "a" }, message: "add a" },
    { author: ANA, files: { "src/b.ts": "b" }, message: "add b" },
    { author: ANA, files: { "src/a.ts": "a2" }, message: "change a" },
  ]);
});

afterAll(() => {
  repo.remove();
});

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-first-import-"));
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** Stands for the test repository's folder in arguments written before it is made. */
const REPO = "<repo>";

/** The arguments with {@link REPO} replaced by the test repository's folder. */
function withRepo(args: readonly string[]): string[] {
  return args.map((arg) => (arg === REPO ? repo.root : arg));
}

/** How many times `git log` ran, from a `GIT_TRACE` file. */
function gitLogRuns(trace: string): number {
  return readFileSync(trace, "utf8")
    .split("\n")
    .filter((line) => line.includes("built-in: git ") && / git (-c \S+ )*log /.test(line)).length;
}

/** Every event of the SQLite log in `.factory`. */
async function eventsOf(folder: string): Promise<{ id: string; type: string }[]> {
  const log = await openEventLog({ path: join(folder, "factory.db") });
  try {
    return (await log.read({ after: 0 })).map(({ id, type }) => ({ id, type }));
  } finally {
    await log.close();
  }
}

/**
 * A `git` that waits at `git log` until `<gate>/open` exists (after writing
 * `<gate>/waiting`), so a test can act while an import is under way.
 */
function gatedGit(gate: string): string {
  const bin = join(gate, "bin");
  mkdirSync(bin, { recursive: true });
  const real = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  writeFileSync(
    join(bin, "git"),
    `#!/bin/sh\ncase " $* " in *" log "*)\n  touch "${gate}/waiting"\n  i=0\n  while [ ! -e "${gate}/open" ] && [ $i -lt 2400 ]; do sleep 0.05; i=$((i+1)); done;;\nesac\nexec "${real}" "$@"\n`,
  );
  chmodSync(join(bin, "git"), 0o755);
  return bin;
}

/** Runs the bin as {@link runFactory} does, giving the process to act on while it runs. */
function startFactory(args: readonly string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: {
      ...process.env,
      NO_COLOR: "",
      FACTORY_DATABASE_URL: "",
      FACTORY_DIR: "",
      FACTORY_ACTOR: "tester",
      ...env,
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const done = new Promise<RunResult & { signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code: code ?? 1, signal, stdout, stderr })),
  );
  return { child, done };
}

async function waitFor(file: string): Promise<void> {
  for (let waited = 0; !existsSync(file); waited += 20) {
    if (waited > 120_000) throw new Error(`${file} never appeared`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the first import into a new factory", () => {
  it("reads the repository's history once and records each commit once", SLOW, async () => {
    const trace = join(cwd, "git-trace.txt");

    const run = await runFactory(["--dir", ".factory", "import", "git", repo.root, "--json"], {
      cwd,
      env: { GIT_TRACE: trace },
    });

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
    expect(gitLogRuns(trace)).toBe(1);
    const events = await eventsOf(join(cwd, ".factory"));
    expect(events).toHaveLength(3);
    expect(new Set(events.map((event) => event.id)).size).toBe(3);
    expect(readdirSync(cwd).sort()).toEqual([".factory", "git-trace.txt"]);
    const again = await runFactory(["--dir", ".factory", "import", "git", repo.root, "--json"], { cwd });
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, unchanged: 3 });
  });

  it("leaves a factory that opens and searches what was imported, its log closed", SLOW, async () => {
    writeFileSync(join(cwd, "notes.jsonl"), NOTES);

    const run = await runFactory(
      ["--dir", "deep/er/.factory", "import", "jsonl", "notes.jsonl", "--mapping", MAPPING, "--json"],
      { cwd },
    );

    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toMatchObject({ created: 2 });
    const folder = join(cwd, "deep", "er", ".factory");
    expect(readdirSync(join(cwd, "deep", "er"))).toEqual([".factory"]);
    expect(readdirSync(folder).sort()).toEqual(["cache", "factory.db"]);
    // Made as openFactory makes a folder, not owner-only as a temporary folder.
    expect(statSync(folder).mode & 0o777).toBe(statSync(join(cwd, "deep", "er")).mode & 0o777);
    const search = await runFactory(["--dir", "deep/er/.factory", "search", "shipping", "--json"], { cwd });
    expect(search.stderr).toBe("");
    expect(search.stdout).toContain("Refunds lose shipping");
    expect(search.stdout).not.toContain("Checkout latency");
  });

  it(
    "into a folder that holds no factory yet, writes its log there and keeps the folder's files",
    SLOW,
    async () => {
      mkdirSync(join(cwd, ".factory", "skills"), { recursive: true });
      writeFileSync(join(cwd, ".factory", "README.md"), "ours");
      writeFileSync(join(cwd, "notes.jsonl"), NOTES);
      writeFileSync(join(cwd, "bad.xml"), "<testsuites");

      const refused = await runFactory(["--dir", ".factory", "import", "junit", "bad.xml"], { cwd });
      expect(refused.code).toBe(1);
      expect(readdirSync(join(cwd, ".factory")).sort()).toEqual(["README.md", "skills"]);

      const run = await runFactory(
        ["--dir", ".factory", "import", "jsonl", "notes.jsonl", "--mapping", MAPPING, "--json"],
        { cwd },
      );
      expect(run.stderr).toBe("");
      expect(JSON.parse(run.stdout)).toMatchObject({ created: 2 });
      expect(readdirSync(join(cwd, ".factory")).sort()).toEqual(["README.md", "factory.db", "skills"]);
      expect(await eventsOf(join(cwd, ".factory"))).toHaveLength(2);
      expect(readdirSync(cwd).sort()).toEqual([".factory", "bad.xml", "notes.jsonl"]);
      const search = await runFactory(["--dir", ".factory", "search", "shipping", "--json"], { cwd });
      expect(search.stdout).toContain("Refunds lose shipping");
    },
  );

  it.each([
    [["import", "junit", "bad.xml"]],
    [["import", "junit", "good.xml", "--work-item", "wi_nope"]],
    [["import", "issues", "issues.json", "--format", "github"]],
  ])("refused (factory %j), leaves no staging folder and no factory", SLOW, async (args) => {
    writeFileSync(join(cwd, "bad.xml"), "<testsuites");
    writeFileSync(
      join(cwd, "good.xml"),
      '<testsuites><testsuite name="s"><testcase name="t"/></testsuite></testsuites>',
    );
    writeFileSync(join(cwd, "issues.json"), "not json");
    const before = readdirSync(cwd).sort();

    const run = await runFactory(["--dir", ".factory", ...args], { cwd });

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: E_/);
    expect(readdirSync(cwd).sort()).toEqual(before);
  });

  it.each([
    ["docs", ["import", "docs", "docs"]],
    ["codebase", ["import", "codebase", REPO]],
  ])(
    "of %s, refused (an embedder the environment misconfigures) leaves nothing; accepted, a factory that opens",
    SLOW,
    async (kind, args) => {
      mkdirSync(join(cwd, "docs"));
      writeFileSync(
        join(cwd, "docs", "refunds.md"),
        "# Refunds lose shipping\n\nPartial refunds refund it in full.\n",
      );
      const before = readdirSync(cwd).sort();

      const refused = await runFactory(["--dir", ".factory", ...withRepo(args)], {
        cwd,
        env: { FACTORY_EMBEDDER: "openai" },
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /^error: E_VALIDATION: embedder environment is invalid for FACTORY_EMBEDDER=openai/,
      );
      expect(readdirSync(cwd).sort()).toEqual(before);

      const run = await runFactory(["--dir", ".factory", ...withRepo(args), "--json"], { cwd });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(readdirSync(cwd).sort()).toEqual([".factory", ...before].sort());
      expect(readdirSync(join(cwd, ".factory")).sort()).toEqual(["cache", "factory.db"]);
      if (kind === "docs") {
        const search = await runFactory(["--dir", ".factory", "search", "shipping", "--json"], { cwd });
        expect(search.stdout).toContain("Refunds lose shipping");
      } else expect((await eventsOf(join(cwd, ".factory"))).length).toBe(JSON.parse(run.stdout).events);
    },
  );

  it.each([[["import", "git", REPO]], [["import", "codebase", REPO]]])(
    "interrupted (SIGINT) mid-import (factory %j), removes its staging folder and creates no factory",
    SLOW,
    async (args) => {
      const gate = mkdtempSync(join(tmpdir(), "factory-git-gate-"));
      try {
        const { child, done } = startFactory(["--dir", ".factory", ...withRepo(args)], {
          PATH: `${gatedGit(gate)}:${process.env.PATH ?? ""}`,
        });
        await waitFor(join(gate, "waiting"));
        expect(readdirSync(cwd)).toEqual([expect.stringMatching(/^\.factory\.importing-\d+-[0-9a-f]{8}$/)]);

        child.kill("SIGINT");
        const run = await done;

        expect(run.signal).toBeNull();
        expect(run.code).toBe(130);
        expect(run.stderr).toBe(
          "error: E_INTERRUPTED: interrupted (SIGINT): the import was cancelled; nothing was created (no factory at .factory)\n",
        );
        expect(readdirSync(cwd)).toEqual([]);
      } finally {
        writeFileSync(join(gate, "open"), "");
        rmSync(gate, { recursive: true, force: true });
      }
    },
  );

  it(
    "when another process creates the factory meanwhile, goes into it and keeps what it holds",
    SLOW,
    async () => {
      writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
      const gate = mkdtempSync(join(tmpdir(), "factory-git-gate-"));
      try {
        const { done } = startFactory(["--dir", ".factory", "import", "git", repo.root, "--json"], {
          PATH: `${gatedGit(gate)}:${process.env.PATH ?? ""}`,
        });
        await waitFor(join(gate, "waiting"));
        const init = await runFactory(["--dir", ".factory", "init", "--plan", "factory.yaml"], { cwd });
        expect(init.code).toBe(0);
        const planned = await eventsOf(join(cwd, ".factory"));
        writeFileSync(join(gate, "open"), "");
        const run = await done;

        expect(run.stderr).toBe("");
        expect(JSON.parse(run.stdout)).toMatchObject({ created: 3 });
        const events = await eventsOf(join(cwd, ".factory"));
        expect(events.slice(0, planned.length)).toEqual(planned);
        expect(events).toHaveLength(planned.length + 3);
        expect(readdirSync(cwd).sort()).toEqual([".factory", "factory.yaml"]);
      } finally {
        writeFileSync(join(gate, "open"), "");
        rmSync(gate, { recursive: true, force: true });
      }
    },
  );
});

describe.skipIf(skipPostgres)("the first import into a new PostgreSQL schema", () => {
  const schemas = new TestSchemas();

  afterAll(async () => {
    await schemas.dropAll();
  });

  it("creates the schema only for an accepted import, with each event once", SLOW, async () => {
    const schema = schemas.next("first_import");
    const url = new URL(POSTGRES_TEST_URL);
    url.searchParams.set("schema", schema);
    const store = ["--store", url.toString(), "--dir", ".factory"];
    writeFileSync(join(cwd, "bad.xml"), "<testsuites");
    writeFileSync(join(cwd, "notes.jsonl"), NOTES);
    const schemaRows = () =>
      withAdmin((admin) => admin.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]));

    const refused = await runFactory([...store, "import", "junit", "bad.xml"], { cwd });
    expect(refused.code).toBe(1);
    expect((await schemaRows()).rows).toEqual([]);

    const run = await runFactory(
      [...store, "import", "jsonl", "notes.jsonl", "--mapping", MAPPING, "--json"],
      {
        cwd,
      },
    );
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toMatchObject({ created: 2 });
    const { rows } = await withAdmin((admin) => admin.query(`SELECT id FROM "${schema}".events`));
    expect(rows).toHaveLength(2);
    // The caches the import built are kept beside the log's store; no SQLite log where a factory would be found.
    expect(readdirSync(cwd).sort()).toEqual([".factory", "bad.xml", "notes.jsonl"]);
    expect(readdirSync(join(cwd, ".factory"))).toEqual(["cache"]);
    const search = await runFactory([...store, "search", "shipping", "--json"], { cwd });
    expect(search.stdout).toContain("Refunds lose shipping");
  });

  it("interrupted (SIGINT) mid-import, says nothing was created and creates no schema", SLOW, async () => {
    const schema = schemas.next("first_import_interrupted");
    const url = new URL(POSTGRES_TEST_URL);
    url.searchParams.set("schema", schema);
    const gate = mkdtempSync(join(tmpdir(), "factory-git-gate-"));
    try {
      const { child, done } = startFactory(
        ["--store", url.toString(), "--dir", ".factory", "import", "git", repo.root],
        { PATH: `${gatedGit(gate)}:${process.env.PATH ?? ""}` },
      );
      await waitFor(join(gate, "waiting"));

      child.kill("SIGINT");
      const run = await done;

      expect(run.code).toBe(130);
      expect(run.stderr).toBe(
        `error: E_INTERRUPTED: interrupted (SIGINT): the import was cancelled; nothing was created (no factory at ${url.toString()})\n`,
      );
      expect(readdirSync(cwd)).toEqual([]);
      const { rows } = await withAdmin((admin) =>
        admin.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]),
      );
      expect(rows).toEqual([]);
    } finally {
      writeFileSync(join(gate, "open"), "");
      rmSync(gate, { recursive: true, force: true });
    }
  });
});

/**
 * `factory import codebase` into a factory that exists, stopped by Ctrl-C:
 * while it scans, it writes nothing; while it writes, it stops before its
 * next write, keeps what it wrote and says so; either way it exits 130 and
 * the same command completes the import. The built bin as a subprocess; a `git` that waits on a file holds
 * the scan, a local OpenAI-compatible embedder that holds one document's
 * request holds the writing, so the signal arrives where each test wants it.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeRepo, type TestRepo } from "../../intelligence/test/codebase/makeRepo.js";
import { BIN, type RunResult, runFactoryProcess } from "./runFactory.js";

const SLOW = { timeout: 240_000 };
const dana = { name: "Dana Lee", email: "dana@tools.example" };
const json = (value: unknown) => `${JSON.stringify(value)}\n`;
/** Tests the repository's test file names: each a requirement, a test and a link to write. */
const BEHAVIOURS = 80;
/** Words in the one document whose embedding request the embedder holds. */
const HELD = "held-note-marker";

let repo: TestRepo;
let cwd: string;
let server: Server;
/** Resolves, once the held request came, with the function that answers it. */
let held: Promise<() => void>;

beforeAll(async () => {
  const notes = Object.fromEntries(
    Array.from({ length: 6 }, (_, index) => [
      `docs/note-${index + 1}.md`,
      `# Note ${index + 1}\n\nAbout the API, part ${index + 1}${index === 2 ? ` (${HELD})` : ""}.\n`,
    ]),
  );
  const behaviours = Array.from(
    { length: BEHAVIOURS },
    (_, index) => `it("boots the web app in mode ${index + 1}", () => boot());\n`,
  ).join("");
  repo = makeRepo([
    {
      author: dana,
      files: {
        "package.json": json({ name: "tools", private: true, workspaces: ["packages/*"] }),
        "packages/api/package.json": json({ name: "@tools/api", description: "The HTTP API." }),
        "packages/api/src/index.ts": "/** Starts the API. */\nexport function start(): void {}\n",
        "packages/web/package.json": json({ name: "@tools/web", dependencies: { "@tools/api": "*" } }),
        "packages/web/src/index.ts":
          'import { start } from "@tools/api";\nexport const boot = () => start();\n',
        "packages/web/src/boot.test.ts": `import { it } from "vitest";\nimport { boot } from "./index.js";\n${behaviours}`,
        ...notes,
      },
    },
  ]);
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      const input = (JSON.parse(body) as { input: string | string[] }).input;
      const texts = Array.isArray(input) ? input : [input];
      const answer = () => {
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ data: texts.map((_, index) => ({ index, embedding: [1, 0, 0, 0] })) }));
      };
      if (texts.some((text) => text.includes(HELD))) arrive(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  repo.remove();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Hands the held request's answer to the test waiting on {@link held} (later ones are answered at once). */
let arrive: (answer: () => void) => void = (answer) => answer();

beforeEach(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-codebase-interrupted-"));
  held = new Promise((resolve) => {
    arrive = (answer) => {
      arrive = (next) => next();
      resolve(answer);
    };
  });
  const init = await factory(["init"]);
  expect(init.code, init.stderr).toBe(0);
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** The environment of every run: the embedder above, and `extra`. */
function environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { port } = server.address() as AddressInfo;
  return {
    FACTORY_EMBEDDER: "openai",
    FACTORY_EMBEDDER_URL: `http://127.0.0.1:${port}`,
    FACTORY_EMBEDDER_MODEL: "counting",
    FACTORY_EMBEDDER_DIMENSION: "4",
    ...extra,
  };
}

function factory(args: readonly string[]): Promise<RunResult> {
  return runFactoryProcess(["--dir", ".factory", ...args], { cwd, env: environment() });
}

/** Starts `factory --dir .factory import codebase <repo>` with `env` over the usual environment. */
function startImport(env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<RunResult> } {
  const child = spawn(process.execPath, [BIN, "--dir", ".factory", "import", "codebase", repo.root], {
    cwd,
    env: {
      ...process.env,
      NO_COLOR: "",
      FACTORY_DIR: "",
      FACTORY_DATABASE_URL: "",
      FACTORY_ACTOR: "tester",
      ...environment(env),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => (stdout += chunk));
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const done = new Promise<RunResult>((resolve) =>
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr })),
  );
  return { child, done };
}

/** A `git` that, for `git log`, waits until `<gate>/open` exists, having made `<gate>/waiting`. */
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

/** The number of events in the factory's log. */
async function head(): Promise<number> {
  const store = openSqliteEventStore({ path: join(cwd, ".factory", "factory.db") });
  try {
    return await store.head();
  } finally {
    await store.close();
  }
}

describe("factory import codebase into a factory that exists, interrupted", () => {
  it(
    "while it writes: keeps what it wrote, says how much and to run it again, exits 130; the same command completes it",
    SLOW,
    async () => {
      const before = await head();
      const { child, done } = startImport();
      const release = await held;
      child.kill("SIGINT");
      release();
      const run = await done;

      expect(run.code, run.stderr).toBe(130);
      const told =
        /^error: E_INTERRUPTED: interrupted \(SIGINT\): the import stopped part-way with (\d+) events written \(kept\); run the same command again to complete it\n$/.exec(
          run.stderr,
        );
      expect(told, run.stderr).not.toBeNull();
      const written = Number(told?.[1]);
      expect(written).toBeGreaterThan(0);
      expect(await head()).toBe(before + written);

      const again = await factory(["import", "codebase", repo.root, "--json"]);
      expect(again.code, again.stderr).toBe(0);
      const result = JSON.parse(again.stdout);
      // It stopped within a write or so of the held note 3 (as the SIGINT and the held answer land), not at
      // its next progress report (50 items on), which came after all six notes: some are left to this run.
      const { created, unchanged } = result.counts.documents;
      expect(created).toBeGreaterThan(0);
      expect(created + unchanged).toBe(6);
      expect(result.counts.links.created).toBe(BEHAVIOURS);
      const complete = await factory(["import", "codebase", repo.root, "--json"]);
      expect(JSON.parse(complete.stdout).events).toBe(0);
    },
  );

  it("while it scans: writes nothing, says so, exits 130", SLOW, async () => {
    const before = await head();
    const gate = mkdtempSync(join(tmpdir(), "factory-git-gate-"));
    try {
      const { child, done } = startImport({ PATH: `${gatedGit(gate)}:${process.env.PATH ?? ""}` });
      for (let waited = 0; !existsSync(join(gate, "waiting")) && waited < 120_000; waited += 20)
        await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill("SIGINT");
      writeFileSync(join(gate, "open"), "");
      const run = await done;

      expect(run.code, run.stderr).toBe(130);
      expect(run.stderr).toBe(
        "error: E_INTERRUPTED: interrupted (SIGINT): the import was cancelled before writing; nothing was written\n",
      );
      expect(await head()).toBe(before);
    } finally {
      rmSync(gate, { recursive: true, force: true });
    }
  });
});

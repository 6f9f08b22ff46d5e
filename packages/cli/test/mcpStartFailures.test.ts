/**
 * `factory mcp` and `factory-mcp` end with the same exit code when they cannot
 * start: 1 when the factory the command line names cannot be made, reached or
 * opened (an event a newer SDK wrote, a store that is not a database, a
 * PostgreSQL server that does not answer, a malformed rule file), as every
 * `factory` command exits when its operation fails; 2 when the command line
 * names no factory. Both built bins, run as subprocesses.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { MCP_BIN, runWithStdinClosed } from "./mcpBins.js";
import { BIN, runFactory } from "./runFactory.js";

/** Each test starts both bins several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };
let cwd: string;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-mcp-start-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await runFactory(["--dir", "good", "init", "--plan", "factory.yaml"], { cwd })).code).toBe(0);
  // A newer SDK's process appended a floor-plan event at a version of its type this code does not know.
  cpSync(join(cwd, "good"), join(cwd, "newer"), { recursive: true });
  const store = openSqliteEventStore({ path: join(cwd, "newer", "factory.db") });
  try {
    await store.append(
      [
        {
          id: "evt_newer_refunds",
          type: "floorplan.line.declared",
          v: 9,
          at: new Date(0).toISOString(),
          actor: "newer-sdk",
          subject: "refunds",
          data: { id: "refunds", order: 3 },
        },
      ],
      {},
    );
  } finally {
    await store.close();
  }
  mkdirSync(join(cwd, "garbage"));
  writeFileSync(join(cwd, "garbage", "factory.db"), "not a database, only text ".repeat(20));
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** How a start is asked for: the factory (`--dir`, `--store`) and the serving flags. */
interface Start {
  readonly factory: readonly string[];
  readonly flags?: readonly string[];
}

/** The two commands, as argument lists of `node` (`factory` takes the factory's flags before `mcp`). */
const commands = {
  "factory mcp": ({ factory, flags = [] }: Start) => [BIN, ...factory, "mcp", ...flags],
  "factory-mcp": ({ factory, flags = [] }: Start) => [MCP_BIN, ...factory, ...flags],
} as const;
type CommandName = keyof typeof commands;
const names = Object.keys(commands) as CommandName[];

/** Runs a command with stdin closed at once; resolves with its exit code and stderr. */
const run = (name: CommandName, start: Start) => runWithStdinClosed(commands[name](start), cwd);

describe("factory mcp and factory-mcp that cannot start", () => {
  it.each(names)(
    "%s exits 1, naming why, when the factory cannot be made, reached or opened",
    SLOW,
    async (name) => {
      const cases: [Start, string][] = [
        [
          { factory: ["--dir", "newer"] },
          '(id evt_newer_refunds) is stored at version 9, but this code knows "floorplan.line.declared" up to version 1',
        ],
        [{ factory: ["--dir", "garbage"] }, "file is not a database"],
        [{ factory: ["--store", "postgres://127.0.0.1:1/test"] }, "cannot reach PostgreSQL at 127.0.0.1:1"],
        // /proc refuses new entries.
        [
          { factory: ["--dir", "/proc/no-factory-here/.factory"], flags: ["--init"] },
          "cannot create the factory at /proc/no-factory-here/.factory",
        ],
      ];
      for (const [start, reason] of cases) {
        const result = await run(name, start);
        const asked = [...start.factory, ...(start.flags ?? [])].join(" ");
        expect(result.code, `${asked}: ${result.stderr}`).toBe(1);
        expect(result.stderr, asked).toContain(reason);
        expect(result.stderr, asked).not.toMatch(/^\s+at /m);
      }
    },
  );

  it.each(names)("%s exits 2 when --dir holds no factory", SLOW, async (name) => {
    const result = await run(name, { factory: ["--dir", "nothere"] });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`no factory at ${join(cwd, "nothere")}`);
  });
});

/**
 * `factory mcp --http` and `factory-mcp --http` refuse the HTTP flag values
 * they cannot serve with as usage errors naming the flag, exit 2, before the
 * factory opens and before any warning: a `--max-connections` over the
 * server's bound (it was E_VALIDATION, exit 1), a `--host` no resolver knows
 * (it was `E_FAILED: getaddrinfo ENOTFOUND`, exit 1, after the plain-HTTP
 * warning), an `--allowed-host` or `--allowed-origin` that no Host or Origin
 * header can carry (they were accepted). Both built bins, as subprocesses.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { MCP_BIN, runWithStdinClosed } from "./mcpBins.js";
import { BIN, runFactory } from "./runFactory.js";

const token = "cli-mcp-flag-values-token-0123456789";
/** Each test runs both bins several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };
let cwd: string;
let taken: Server;
let takenPort: number;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-mcp-flag-values-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await runFactory(["--dir", ".factory", "init", "--plan", "factory.yaml"], { cwd })).code).toBe(0);
  taken = createServer();
  await new Promise<void>((listening) => taken.listen(0, "localhost", listening));
  takenPort = (taken.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((closed) => taken.close(closed));
  rmSync(cwd, { recursive: true, force: true });
});

/** The two commands, as argument lists of `node`, serving `.factory` with `args`. */
const commands = {
  "factory mcp": (args: readonly string[]) => [BIN, "--dir", ".factory", "mcp", ...args],
  "factory-mcp": (args: readonly string[]) => [MCP_BIN, "--dir", ".factory", ...args],
} as const;
type CommandName = keyof typeof commands;
const names = Object.keys(commands) as CommandName[];

/** What each command puts before the MCP package's message. */
const prefix: Record<CommandName, string> = {
  "factory mcp": "error: E_USAGE: ",
  "factory-mcp": "factory-mcp: ",
};

describe("the HTTP flags of factory mcp and factory-mcp", () => {
  it.each(names)(
    "%s refuses a value it cannot serve with as a usage error naming the flag, exit 2, without a warning",
    SLOW,
    async (name) => {
      const cases: [string[], string][] = [
        [["--max-connections", "65537"], '--max-connections must be at most 65536, got "65537"'],
        [["--host", "999.1.1.1", "--allowed-host", "x"], '--host: no such host or address "999.1.1.1"'],
        [
          ["--host", "no-such-host.invalid", "--allowed-host", "x"],
          '--host: no such host or address "no-such-host.invalid"',
        ],
        [["--host", ""], '--host must be a host name or address to listen on, got ""'],
        [["--allowed-host", "a b"], '--allowed-host "a b" is not a host name'],
        [["--allowed-host", "app.example:8443"], '--allowed-host "app.example:8443" is not a host name'],
        [
          ["--allowed-origin", "::::"],
          '--allowed-origin "::::" is not an origin (scheme://host[:port]) or a host name',
        ],
        [
          ["--allowed-origin", "https://app.example/path"],
          '--allowed-origin "https://app.example/path" is not an origin',
        ],
      ];
      for (const [flags, message] of cases) {
        const result = await runWithStdinClosed(commands[name](["--http", "0", ...flags]), cwd, token);
        expect(result.code, `${flags.join(" ")}: ${result.stderr}`).toBe(2);
        expect(result.stderr.split("\n")[0]?.startsWith(`${prefix[name]}${message}`), result.stderr).toBe(
          true,
        );
        expect(result.stderr).not.toContain("warning");
      }
    },
  );

  it.each(names)(
    "%s takes host names, addresses and origins that headers carry, and a --host that resolves",
    SLOW,
    async (name) => {
      // The port is taken on localhost: the flags were accepted when listening is what fails.
      const result = await runWithStdinClosed(
        commands[name]([
          "--http",
          String(takenPort),
          "--host",
          "localhost",
          "--allowed-host",
          "App.Example,10.0.0.5",
          "--allowed-host",
          "::1",
          "--allowed-origin",
          "https://app.example:8443",
          "--allowed-origin",
          "app.example",
          "--max-connections",
          "65536",
        ]),
        cwd,
        token,
      );
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(`cannot serve HTTP on port ${takenPort}`);
    },
  );
});

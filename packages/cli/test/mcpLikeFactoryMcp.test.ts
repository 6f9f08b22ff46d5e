/**
 * `factory mcp` and `factory-mcp` run one serving path: the same exit code
 * when the HTTP port is taken, the same refusals of the flags in the MCP
 * package's words, and the same log lines, each with its command's prefix.
 * Both built bins, run as subprocesses.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TOOL_GROUPS } from "@software-factory/mcp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { MCP_BIN, runWithStdinClosed } from "./mcpBins.js";
import { BIN, runFactory } from "./runFactory.js";

const token = "cli-mcp-same-path-token-0123456789";
/** Each test runs both bins, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };
let cwd: string;
let taken: Server;
let takenPort: number;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-mcp-same-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await runFactory(["--dir", ".factory", "init", "--plan", "factory.yaml"], { cwd })).code).toBe(0);
  mkdirSync(join(cwd, ".factory", "skills", "mismatch"), { recursive: true });
  writeFileSync(
    join(cwd, ".factory", "skills", "mismatch", "SKILL.md"),
    "---\nname: other-name\ndescription: Wrong name.\n---\nBody.\n",
  );
  taken = createServer();
  await new Promise<void>((listening) => taken.listen(0, "127.0.0.1", listening));
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

/** Runs a command with stdin closed at once; resolves with its exit code and stderr. */
const run = (name: CommandName, args: readonly string[]) =>
  runWithStdinClosed(commands[name](args), cwd, token);

describe("factory mcp and factory-mcp", () => {
  it.each(names)("%s exits 2 naming the port when the HTTP port is taken", SLOW, async (name) => {
    const result = await run(name, ["--http", String(takenPort)]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`cannot serve HTTP on port ${takenPort}: listen EADDRINUSE`);
  });

  it.each(names)(
    "%s refuses an --http value that is not a port (empty, signed, hex, too big) with exit 2, naming it",
    SLOW,
    async (name) => {
      for (const value of ["", "+80", "0x50", "65536"]) {
        const result = await run(name, ["--http", value]);
        expect(result.code, `--http "${value}": ${result.stderr}`).toBe(2);
        expect(result.stderr).toContain(`--http must be a port number, got "${value}"`);
      }
    },
  );

  it.each(names)(
    "%s refuses the HTTP flags it cannot serve with, exit 2, in the MCP package's words",
    SLOW,
    async (name) => {
      const cases: [string[], string][] = [
        ...["0", "-3", "2.5", "lots", ""].map((value): [string[], string] => [
          // As --flag=value: factory-mcp's argument parser takes "-3" after a space for an option.
          ["--http", "0", `--max-connections=${value}`],
          `--max-connections must be a whole number of 1 or more, got "${value}"`,
        ]),
        [["--http", "0", "--allowed-origin", "https://"], '--allowed-origin "https://" is not an origin'],
        [
          ["--http", "0", "--host", "0.0.0.0"],
          "--host 0.0.0.0 serves beyond this machine: give --allowed-host",
        ],
      ];
      for (const [args, message] of cases) {
        const result = await run(name, args);
        expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(2);
        expect(result.stderr.split("\n")[0]).toContain(message);
      }
    },
  );

  it.each(names)(
    "%s refuses a --tools, --import-root or --instructions it cannot serve with, exit 2, in the MCP package's words",
    SLOW,
    async (name) => {
      writeFileSync(join(cwd, "a-file"), "not a folder\n");
      const groups = `the groups are ${TOOL_GROUPS.join(", ")}`;
      const repo = "give the root of a repository with .cursor/rules, AGENTS.md or CLAUDE.md";
      const cases: [string[], string][] = [
        [["--tools", "knowledge,wrok"], `--tools: unknown tool group "wrok"; ${groups}`],
        [["--tools", ""], `--tools: no tool group given; ${groups}`],
        [
          ["--import-root", "no-such-folder"],
          "--import-root no-such-folder does not exist (give the folder import_codebase may read under)",
        ],
        [
          ["--import-root", "a-file"],
          "--import-root a-file is not a folder (give the folder import_codebase may read under)",
        ],
        [
          ["--import-root", ""],
          "--import-root must not be empty (give the folder import_codebase may read under)",
        ],
        [
          ["--instructions", "no-such-folder"],
          `--instructions no-such-folder is not a folder: it does not exist (${repo})`,
        ],
        [["--instructions", "a-file"], `--instructions a-file is not a folder (${repo})`],
        [["--instructions", ""], `--instructions must not be empty (${repo})`],
      ];
      const prefix = name === "factory mcp" ? "error: E_USAGE: " : "factory-mcp: ";
      for (const [args, message] of cases) {
        const result = await run(name, args);
        expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(2);
        expect(result.stderr.split("\n")[0]).toBe(`${prefix}${message}`);
      }
    },
  );

  it.each(names)(
    "%s refuses a --notify-webhook or --notify-format it cannot post with, exit 2, in the MCP package's words, never showing the URL's path",
    SLOW,
    async (name) => {
      const cases: [string[], string][] = [
        [
          ["--notify-webhook", "ftp://hooks.example.com/T1/secret-path-token"],
          "--notify-webhook: url must be an http or https URL",
        ],
        [
          ["--notify-webhook"],
          "--notify-webhook needs a URL: give it (--notify-webhook <url>) or set FACTORY_NOTIFY_WEBHOOK, which keeps it out of ps",
        ],
        [
          ["--notify-webhook", "https://hooks.example.com/x", "--notify-format", "teams"],
          '--notify-format must be json or slack, not "teams"',
        ],
        [["--notify-format", "slack"], "--notify-format needs --notify-webhook"],
      ];
      const prefix = name === "factory mcp" ? "error: E_USAGE: " : "factory-mcp: ";
      for (const [args, message] of cases) {
        const result = await run(name, args);
        expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(2);
        expect(result.stderr.split("\n")[0]).toBe(`${prefix}${message}`);
        expect(result.stderr).not.toContain("secret-path-token");
      }
    },
  );

  it.each(names)(
    "%s logs where --notify-webhook posts, scheme and host only, after the serving line",
    SLOW,
    async (name) => {
      const result = await run(name, ["--notify-webhook", "http://127.0.0.1:9/hooks/T1/secret-path-token"]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(
        new RegExp(
          `(^|\\n)${name}: serving [^\\n]+ over stdio\\n${name}: posting inbox notifications to http://127\\.0\\.0\\.1:9 as json, unsigned\\n`,
        ),
      );
      expect(result.stderr).not.toContain("secret-path-token");
    },
  );

  it("factory mcp --help lists the tool groups of the MCP package", SLOW, async () => {
    const help = await runFactory(["mcp", "--help"], { cwd });
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, " ")).toContain(
      `comma-separated: ${TOOL_GROUPS.join(", ")} (default all but import)`,
    );
  });

  it.each(names)(
    "%s names a skill folder that does not load with its prefix, and exits 0 when the client closes stdin",
    SLOW,
    async (name) => {
      const result = await run(name, []);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(
        new RegExp(`(^|\\n)${name}: skill "mismatch" not loaded:\\n.*mismatch/SKILL\\.md:2:7: name: `),
      );
    },
  );
});

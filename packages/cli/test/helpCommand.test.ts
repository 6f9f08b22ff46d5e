/**
 * `factory help <command...>` prints the help of the command the names lead
 * to, however deep, as `factory <command...> --help` does; a name that is no
 * command is a usage error naming it and the commands there.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-help-"));
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory help", () => {
  it("prints the help of a command of a command, as --help does", async () => {
    const pairs: [string[], string[]][] = [
      [
        ["help", "work", "create"],
        ["work", "create", "--help"],
      ],
      [
        ["work", "help", "create"],
        ["work", "create", "--help"],
      ],
      [
        ["help", "knowledge", "decide"],
        ["knowledge", "decide", "--help"],
      ],
      [
        ["help", "work"],
        ["work", "--help"],
      ],
      [
        ["help", "search"],
        ["search", "--help"],
      ],
    ];
    for (const [asked, flagged] of pairs) {
      const help = await factory(...asked);
      expect(help.code, asked.join(" ")).toBe(0);
      expect(help.stderr).toBe("");
      expect(help.stdout, asked.join(" ")).toBe((await factory(...flagged)).stdout);
    }
    expect((await factory("help", "work", "create")).stdout).toMatch(
      /^Usage: factory work create \[options\] <title\.\.\.>/,
    );
  });

  it("refuses a name that is no command, naming it and the commands there", async () => {
    const top = await factory("help", "nope");
    expect(top.code).toBe(2);
    expect(top.stdout).toBe("");
    expect(top.stderr.split("\n")[0]).toMatch(
      /^error: E_USAGE: <command>: factory has no command "nope"; its commands are init, import, plan, search, .*, help$/,
    );
    const deep = await factory("help", "work", "nope");
    expect(deep.code).toBe(2);
    expect(deep.stderr.split("\n")[0]).toMatch(
      /^error: E_USAGE: <command>: factory work has no command "nope"; its commands are list, create, /,
    );
    const leaf = await factory("help", "search", "refunds");
    expect(leaf.code).toBe(2);
    expect(leaf.stderr.split("\n")[0]).toBe(
      'error: E_USAGE: <command>: factory search has no commands (got "refunds")',
    );
  });
});

import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { openEventLog } from "@software-factory/core";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { BIN, runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });
/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-mcp-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
  // A requirement without acceptance criteria: the built-in standards report it.
  const sdk = await openFactory({ dir: join(cwd, ".factory"), actor: "ana" });
  try {
    const item = await sdk.work.createWorkItem({ line: "checkout", title: "Pay by link", kind: "feature" });
    await sdk.work.recordArtifact({
      id: "req-pay-by-link",
      kind: "requirement",
      title: "Pay by link",
      workItem: item.id,
      fields: { body: "The checkout shall send a payment link." },
    });
  } finally {
    await sdk.close();
  }
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** The rule ids of `factory check`'s findings on artifacts. */
async function artifactRules(): Promise<{ code: number; rules: string[] }> {
  const result = await factory("check", "--kind", "artifact", "--json");
  const findings = JSON.parse(result.stdout).findings as { rule: string }[];
  return { code: result.code, rules: [...new Set(findings.map((finding) => finding.rule))] };
}

describe("the standards the CLI installs", () => {
  it("factory check reports the built-in standards besides the basics", SLOW, async () => {
    const { code, rules } = await artifactRules();
    expect(code).toBe(1);
    expect(rules).toEqual(["requirement-has-acceptance-criteria"]);
    const sla = await factory("check", "--rule", "signal-routed-within-sla", "--rule", "line-has-owner");
    expect(sla.code, sla.stderr).toBe(0);
  });
});

describe("factory mcp", () => {
  it(
    "serves the same standards as factory check, and runs the automations with --automations",
    SLOW,
    async () => {
      const client = new Client({ name: "cli-mcp-test", version: "1.0.0" });
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [BIN, "--dir", ".factory", "--actor", "claude", "mcp", "--automations"],
          cwd,
          env: { ...process.env, FACTORY_DATABASE_URL: "", FACTORY_DIR: "" } as Record<string, string>,
          stderr: "pipe",
        }),
      );
      try {
        const checked = (await client.callTool({
          name: "check_standards",
          arguments: { kind: "artifact" },
        })) as {
          structuredContent: { rules: number; findings: { rule: string }[] };
        };
        // factory-basics (8 rules) and builtin-standards (7 rules).
        expect(checked.structuredContent.rules).toBe(15);
        expect(checked.structuredContent.findings.map((finding) => finding.rule)).toEqual(
          (await artifactRules()).rules,
        );
        const captured = (await client.callTool({
          name: "capture_signal",
          arguments: { text: "Refunds fail for cards issued abroad", source: "support", line: "payments" },
        })) as { isError?: boolean };
        expect(captured.isError).toBeFalsy();
        // The automations handle the new signal while the server lives: route-new-signals tells payments'
        // owner, and marks the signal's routing handled in the same write.
        const log = await openEventLog({ path: join(cwd, ".factory", "factory.db") });
        try {
          let handled = 0;
          for (let attempt = 0; attempt < 600 && handled === 0; attempt++) {
            const marks = await log.read({ types: ["automation.handled"] });
            handled = marks.filter(
              (mark) => (mark.data as { automation: string }).automation === "route-new-signals",
            ).length;
            if (handled === 0) await new Promise((done) => setTimeout(done, 100));
          }
          expect(handled).toBeGreaterThan(0);
        } finally {
          await log.close();
        }
      } finally {
        await client.close();
      }
    },
  );

  it("refuses what factory-mcp refuses with exit code 2", SLOW, async () => {
    const cases: [string[], RegExp][] = [
      [["--dir", "factory.yaml", "mcp"], /--dir factory\.yaml is a file, not a factory folder/],
      [
        ["--dir", ".factory", "mcp", "--instructions", "nope"],
        /--instructions nope is not a folder: it does not exist/,
      ],
      [
        ["--dir", ".factory", "mcp", "--tools", "knowledge,nope"],
        /--tools: unknown tool group "nope"; the groups are knowledge, /,
      ],
      [["--dir", ".factory", "mcp", "--http", "lots", "--token", "t"], /--http must be a port number/],
      [
        ["--dir", ".factory", "mcp", "--http", "0", "--token", ""],
        /--http needs a token: set FACTORY_MCP_TOKEN \(or give --token/,
      ],
      [["--dir", ".factory", "mcp", "--bogus"], /unknown option '--bogus'/],
      [
        ["--dir", "missing", "mcp"],
        /no factory at .*missing: run `factory init` to create it, or add --init/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await runFactory(args, { cwd });
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(/^error: E_USAGE: /);
      expect(result.stderr).toMatch(message);
    }
    expect(existsSync(join(cwd, "missing"))).toBe(false);
  });

  it("creates an empty factory to serve with --init", SLOW, async () => {
    const client = new Client({ name: "cli-mcp-init-test", version: "1.0.0" });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [BIN, "--dir", "fresh", "mcp", "--init"],
        cwd,
        env: { ...process.env, FACTORY_DATABASE_URL: "", FACTORY_DIR: "" } as Record<string, string>,
        stderr: "pipe",
      }),
    );
    try {
      const work = (await client.callTool({ name: "list_work", arguments: {} })) as {
        isError?: boolean;
        structuredContent?: { items: unknown[] };
      };
      expect(work.isError).not.toBe(true);
      expect(work.structuredContent?.items).toEqual([]);
    } finally {
      await client.close();
    }
    expect(existsSync(join(cwd, "fresh", "factory.db"))).toBe(true);
  });
});

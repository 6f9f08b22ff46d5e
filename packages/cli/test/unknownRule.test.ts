/**
 * A rule id that names no rule is a not-found, the same from every face:
 * `Standards.check`, the `check_standards` tool and `factory check --rule`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { NotFoundError } from "@software-factory/core";
import { installBasicStandards, installBuiltinStandards, openFactory } from "@software-factory/intelligence";
import { serveHttp } from "@software-factory/mcp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const token = "unknown-rule-token-0123456789abcdef";

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-unknown-rule-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await runFactory(["--dir", ".factory", "init", "--plan", "factory.yaml"], { cwd })).code).toBe(0);
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("an unknown rule id", () => {
  it("is E_NOT_FOUND naming the id from Standards.check, check_standards and factory check", async () => {
    const cli = await runFactory(["--dir", ".factory", "check", "--rule", "no-such-rule"], { cwd });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/^error: E_NOT_FOUND: --rule: no rule "no-such-rule"; the rules are /);

    const factory = await openFactory({ dir: join(cwd, ".factory") });
    // The standards `factory check` and `factory mcp` check.
    installBasicStandards(factory);
    installBuiltinStandards(factory);
    const server = await serveHttp(factory, { port: 0, token });
    const client = new Client({ name: "unknown-rule-test", version: "1.0.0" });
    try {
      const thrown = await factory.standards.check({ rules: ["no-such-rule"] }).catch((error) => error);
      expect(thrown).toBeInstanceOf(NotFoundError);
      expect(thrown).toMatchObject({
        code: "E_NOT_FOUND",
        entity: "rule",
        id: "no-such-rule",
        field: "rules[0]",
      });
      expect(thrown.message).toMatch(/no rule "no-such-rule"; known rules: /);

      await client.connect(
        new StreamableHTTPClientTransport(new URL(server.url), {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
      const tool = (await client.callTool({
        name: "check_standards",
        arguments: { rules: ["no-such-rule"] },
      })) as {
        isError?: boolean;
        content: { text: string }[];
      };
      expect(tool.isError).toBe(true);
      expect(tool.content[0]?.text).toMatch(
        /^E_NOT_FOUND: rules\[0\]: no rule "no-such-rule"; the rules are /,
      );
    } finally {
      await client.close();
      await server.close();
      await factory.close();
    }
  });
});

/**
 * A work item from a signal id that names nothing is a not-found, the same
 * from every face: `work.createWorkItem`, the `create_work_item` tool and
 * `factory work create --signal`; nothing is written by any of them.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { NotFoundError } from "@software-factory/core";
import { openFactory } from "@software-factory/intelligence";
import { serveHttp } from "@software-factory/mcp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const token = "unknown-signal-token-0123456789abcdef";

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-unknown-signal-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await runFactory(["--dir", ".factory", "init", "--plan", "factory.yaml"], { cwd })).code).toBe(0);
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("a work item from an unknown signal", () => {
  it("is E_NOT_FOUND naming the signal and its place from the SDK, create_work_item and factory work create", async () => {
    const cli = await runFactory(
      ["--dir", ".factory", "work", "create", "--line", "checkout", "--signal", "sig_nope", "Fix refunds"],
      { cwd },
    );
    expect(cli.code).toBe(1);
    expect(cli.stderr).toBe('error: E_NOT_FOUND: --signal: no signal "sig_nope" in this factory\n');

    const factory = await openFactory({ dir: join(cwd, ".factory") });
    const server = await serveHttp(factory, { port: 0, token });
    const client = new Client({ name: "unknown-signal-test", version: "1.0.0" });
    try {
      const known = await factory.work.captureSignal({ text: "Refunds fail", source: "support" });
      const thrown = await factory.work
        .createWorkItem({ line: "checkout", title: "Fix refunds", signals: [known.id, "sig_nope"] })
        .catch((error: unknown) => error);
      expect(thrown).toBeInstanceOf(NotFoundError);
      expect(thrown).toMatchObject({ entity: "signal", id: "sig_nope", field: "signals[1]" });

      await client.connect(
        new StreamableHTTPClientTransport(new URL(server.url), {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
      const tool = (await client.callTool({
        name: "create_work_item",
        arguments: { line: "checkout", title: "Fix refunds", signals: ["sig_nope"] },
      })) as { isError?: boolean; content: { text: string }[] };
      expect(tool.isError).toBe(true);
      expect(tool.content[0]?.text).toBe(
        'E_NOT_FOUND: signals[0]: no signal "sig_nope"; capture_signal gives signal ids',
      );
      await factory.work.refresh();
      expect(factory.work.list({})).toEqual([]);
    } finally {
      await client.close();
      await server.close();
      await factory.close();
    }
  });
});

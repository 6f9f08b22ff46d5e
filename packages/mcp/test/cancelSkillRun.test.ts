/**
 * A client cancelling `run_skill` over stdio stops the skill's run: the
 * handler gets the call's signal, the server logs that the call stopped
 * early, the skill writes nothing after the cancellation, the run is recorded
 * as cancelled, and the server serves the next call.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { openFactory } from "@software-factory/intelligence";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot } from "./fixtures.js";

const folders: string[] = [];

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe("run_skill cancelled by its client over stdio", () => {
  it("stops the skill's handler, logs that it stopped early, records the run as cancelled, and serves the next call", async () => {
    const root = mkdtempSync(join(tmpdir(), "mcp-cancel-skill-"));
    folders.push(root);
    const dir = join(root, "factory");
    const files = {
      started: join(root, "started"),
      release: join(root, "release"),
      marker: join(root, "marker"),
    };
    let stderr = "";
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [
        "--conditions=@software-factory/source",
        "--import",
        "tsx",
        join(repoRoot, "packages/mcp/test/cancellableSkillServer.ts"),
        dir,
      ],
      cwd: repoRoot,
      stderr: "pipe",
    });
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const client = new Client({ name: "cancel-skill-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      const cancel = new AbortController();
      const settled = client
        .callTool(
          { name: "run_skill", arguments: { name: "mark-when-released", input: files } },
          {
            signal: cancel.signal,
          },
        )
        .then(
          () => "answered",
          () => "rejected",
        );
      await expect.poll(() => existsSync(files.started), { timeout: 60_000, interval: 20 }).toBe(true);
      cancel.abort("user pressed Esc");
      expect(await settled).toBe("rejected");
      // Messages on stdio are handled in order: once the ping is answered, the cancellation was taken in.
      await client.ping();
      writeFileSync(files.release, "go\n");

      // The line is written once the call has ended, however it ended.
      await expect
        .poll(() => stderr, { timeout: 60_000, interval: 20 })
        .toMatch(
          /tools\/call run_skill \(request \S+\) was cancelled \(.+\): it (stopped early|ran to its end|failed)/,
        );
      expect(stderr).toMatch(
        /tools\/call run_skill \(request \S+\) was cancelled \(user pressed Esc\): it stopped early/,
      );
      expect(existsSync(files.marker)).toBe(false);

      const next = await client.callTool({
        name: "run_skill",
        arguments: { name: "mark-when-released", input: files },
      });
      expect(next.isError).toBeUndefined();
      expect(existsSync(files.marker)).toBe(true);
    } finally {
      await client.close();
    }

    const factory = await openFactory({ dir });
    const runs = (await factory.log.read({ types: ["skill.ran"] })).map((event) => event.data);
    await factory.close();
    expect(runs).toEqual([
      expect.objectContaining({ outcome: "failed", cancelled: true, error: "cancelled: user pressed Esc" }),
      expect.objectContaining({ outcome: "ok" }),
    ]);
  }, 120_000);
});

/**
 * `factory skills run` stopped by Ctrl-C: the first SIGINT cancels the run,
 * which is recorded as cancelled, and the command exits 130 (128 + SIGINT, as
 * shells report an interrupted command) with one error line. The built bin as
 * a subprocess, its model a local OpenAI-compatible server that never answers,
 * the log read with the SDK.
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "./runFactory.js";
import { SLOW, useShopFactory } from "./shopFactory.js";

const { cwd } = useShopFactory("factory-skills-interrupted-");

/** A model server that takes each chat request and never answers it; `requested` resolves at the first. */
let server: Server;
let requested: Promise<void>;
beforeAll(async () => {
  let arrived: () => void = () => undefined;
  requested = new Promise((resolve) => {
    arrived = resolve;
  });
  server = createServer(() => arrived());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("factory skills run, interrupted", () => {
  it("cancels the run on Ctrl-C, records it as cancelled and exits 130", SLOW, async () => {
    const { port } = server.address() as AddressInfo;
    const child = spawn(
      process.execPath,
      [
        BIN,
        "--dir",
        ".factory",
        "skills",
        "run",
        "classify-signal",
        "--input",
        '{"text":"checkout is slow"}',
      ],
      {
        cwd: cwd(),
        env: {
          ...process.env,
          FACTORY_DIR: "",
          FACTORY_DATABASE_URL: "",
          FACTORY_ACTOR: "tester",
          FACTORY_MODEL_URL: `http://127.0.0.1:${port}/v1`,
          FACTORY_MODEL: "never-answers",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await requested;
    child.kill("SIGINT");
    expect(await exited, stderr).toBe(130);
    expect(stderr).toBe(
      "error: E_INTERRUPTED: interrupted (SIGINT): the run was cancelled and recorded as cancelled\n",
    );

    const log = await openEventLog({ path: join(cwd(), ".factory", "factory.db") });
    try {
      const runs = (await log.read({ types: ["skill.ran"] })).map((event) => ({
        skill: event.subject,
        ...(event.data as object),
      }));
      expect(runs).toEqual([
        expect.objectContaining({ skill: "classify-signal", outcome: "failed", cancelled: true }),
      ]);
    } finally {
      await log.close();
    }
  });
});

/**
 * `factory skills run` stopped by Ctrl-C (or SIGTERM): the first signal cancels the run,
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

/** A model server that takes each chat request and never answers it; {@link nextRequest} resolves at the next. */
let server: Server;
let arrived: () => void = () => undefined;
/** Resolves when the model server takes its next request. */
const nextRequest = () =>
  new Promise<void>((resolve) => {
    arrived = resolve;
  });
beforeAll(async () => {
  server = createServer(() => arrived());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("factory skills run, interrupted", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "cancels the run on %s, records it as cancelled and exits %i",
    SLOW,
    async (signal, exitCode) => {
      const { port } = server.address() as AddressInfo;
      const requested = nextRequest();
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
      child.kill(signal);
      expect(await exited, stderr).toBe(exitCode);
      expect(stderr).toBe(
        `error: E_INTERRUPTED: interrupted (${signal}): the run was cancelled and recorded as cancelled\n`,
      );

      const log = await openEventLog({ path: join(cwd(), ".factory", "factory.db") });
      try {
        const runs = (await log.read({ types: ["skill.ran"] })).map((event) => ({
          skill: event.subject,
          ...(event.data as object),
        }));
        // The runs of this file so far, each recorded as cancelled.
        expect(runs.length).toBe(signal === "SIGINT" ? 1 : 2);
        for (const run of runs)
          expect(run).toEqual(
            expect.objectContaining({ skill: "classify-signal", outcome: "failed", cancelled: true }),
          );
      } finally {
        await log.close();
      }
    },
  );
});

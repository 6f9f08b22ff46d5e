/**
 * run_skill with an idempotencyKey, over Streamable HTTP with real clients:
 * an agent that lost its connection and calls again with the key gets the
 * first run's output, and the skill's handler (which writes a signal) runs
 * once, whether the first run had finished or was still running.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { defineFactorySkill, type Factory, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type HttpServer, serveHttp } from "../src/index.js";

const token = "idempotent-skill-run-token-0123";
let dir: string;
let factory: Factory;
let server: HttpServer;
/** What the handler waits on before it writes; replaced by a test that holds a run. */
let gate: Promise<void> = Promise.resolve();
let handlerStarted = () => {};

type ToolResult = {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content: { type: string; text?: string }[];
};

/** A new client connection, as an agent makes after losing one. */
async function connect(): Promise<{
  call: (args: Record<string, unknown>) => Promise<ToolResult>;
  client: Client;
}> {
  const client = new Client({ name: "idempotent-skill-run-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  const call = async (args: Record<string, unknown>) =>
    (await client.callTool({ name: "run_skill", arguments: args })) as ToolResult;
  return { call, client };
}

/** Texts of the signals the handler captured: one per handler run. */
async function captured(): Promise<string[]> {
  await factory.work.refresh();
  return factory.work.signals().map((signal) => signal.text);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mcp-idempotent-skill-"));
  factory = await openFactory({
    dir,
    actor: "ana",
    skills: [
      defineFactorySkill({
        name: "file-ticket",
        description: "Files a ticket as a signal",
        input: z.object({ text: z.string() }),
        output: z.object({ signal: z.string() }),
        run: async ({ text }, { services }) => {
          handlerStarted();
          await gate;
          return { signal: (await services.work.captureSignal({ text, source: "agent" })).id };
        },
      }),
    ],
  });
  server = await serveHttp(factory, { port: 0, token });
}, 60_000);

afterAll(async () => {
  await server.close();
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("run_skill with an idempotencyKey", () => {
  it("answers a retry on a new connection with the first run's output, running the handler once; other input is refused", async () => {
    const args = { name: "file-ticket", input: { text: "Refunds take a week" }, idempotencyKey: "ticket-1" };
    const first = await connect();
    const ran = await first.call(args);
    expect(ran.isError, ran.content[0]?.text).toBeFalsy();
    await first.client.close();

    const second = await connect();
    const retried = await second.call(args);
    expect(retried.isError, retried.content[0]?.text).toBeFalsy();
    expect(retried.structuredContent).toEqual(ran.structuredContent);
    expect(await captured()).toEqual(["Refunds take a week"]);

    const other = await second.call({ ...args, input: { text: "Refunds never arrive" } });
    expect(other.isError).toBe(true);
    expect(other.content[0]?.text).toMatch(
      /^E_IDEMPOTENCY_CONFLICT: idempotency key "ticket-1" was already used to run skill file-ticket on a different input/,
    );
    await second.client.close();
    expect(await captured()).toEqual(["Refunds take a week"]);
  }, 60_000);

  it("answers a retry made while the first run is still going, after its connection dropped, with that run's output", async () => {
    let release = () => {};
    gate = new Promise((resolve) => {
      release = resolve;
    });
    const started = new Promise<void>((resolve) => {
      handlerStarted = resolve;
    });
    const args = { name: "file-ticket", input: { text: "Checkout times out" }, idempotencyKey: "ticket-2" };
    const first = await connect();
    const lost = first.call(args).catch(() => undefined);
    await started;
    await first.client.close();
    await lost;

    const second = await connect();
    const retried = second.call(args);
    // Let the retry reach the server while the first run waits (were it later, it gets the recorded output).
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    const answer = await retried;
    expect(answer.isError, answer.content[0]?.text).toBeFalsy();
    expect(answer.structuredContent).toMatchObject({
      skill: "file-ticket",
      output: { signal: expect.any(String) },
    });
    await second.client.close();
    expect((await captured()).filter((text) => text === "Checkout times out")).toHaveLength(1);
  }, 60_000);
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelNotConfiguredError, ModelOutputError } from "@software-factory/core";
import {
  createOpenAiCompatibleProvider,
  defineSkill,
  type Factory,
  type OpenFactoryOptions,
  openFactory,
  SkillRan,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { completion, type OpenAiServer, startOpenAiServer } from "../models/openAiServer.js";

let dir: string;
let server: OpenAiServer;
const opened: Factory[] = [];

const haiku = defineSkill({
  name: "write-haiku",
  description: "Writes a haiku about a line with the factory's model.",
  requires: ["model"],
  input: z.object({ line: z.string() }),
  output: z.object({ haiku: z.string() }),
  run: async ({ line }, { model }) => {
    const reply = await model().chat({ messages: [{ role: "user", content: `A haiku about ${line}` }] });
    return { haiku: reply.text };
  },
});

async function open(options: OpenFactoryOptions = {}): Promise<Factory> {
  const factory = await openFactory({ dir, actor: "ana", skills: [haiku], ...options });
  opened.push(factory);
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: [
      {
        id: "checkout",
        description: "Cart, payment and order confirmation",
        owner: "ana",
        paths: ["/src/checkout/"],
      },
      { id: "payments", description: "Card payments and refunds", owner: "bo", paths: ["/src/payments/"] },
    ],
  });
  return factory;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-model-skills-"));
  server = await startOpenAiServer();
});

afterEach(async () => {
  for (const factory of opened.splice(0)) await factory.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("skills that need a model", () => {
  it("fail with ModelNotConfiguredError when the factory has no model, recorded as a failed run", async () => {
    const factory = await open();
    expect(factory.model).toBeUndefined();
    expect(factory.skills.list().find((skill) => skill.name === "write-haiku")?.requires).toEqual(["model"]);
    expect(factory.skills.list().map((skill) => skill.name)).not.toContain("classify-signal");
    const error = await factory.skills.run("write-haiku", { line: "checkout" }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ModelNotConfiguredError);
    expect((error as Error).message).toBe(
      "skill write-haiku needs a model and the factory has none; pass openFactory({ model }) or set FACTORY_MODEL_URL and FACTORY_MODEL (and FACTORY_MODEL_KEY if the server needs a key)",
    );
    const [ran] = await factory.log.read({ types: [SkillRan.type] });
    expect(ran?.data).toMatchObject({ outcome: "failed" });
    expect(server.requests).toHaveLength(0);
  });

  it("run with the model given to openFactory", async () => {
    server.reply({ status: 200, body: completion("Carts roll at dawn") });
    const factory = await open({
      model: createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, model: "llama3.2" }),
    });
    const run = await factory.skills.run("write-haiku", { line: "checkout" });
    expect(run.output).toEqual({ haiku: "Carts roll at dawn" });
    expect(server.requests[0]?.body.messages).toEqual([{ role: "user", content: "A haiku about checkout" }]);
  });
});

describe("classify-signal", () => {
  it("is registered only with a model, and classifies a signal into one of the floor plan's lines", async () => {
    server.reply({
      status: 200,
      body: completion(
        JSON.stringify({
          line: "payments",
          severity: "high",
          kind: "bug",
          summary: "Refunds to expired cards fail",
          reason: "refunds are the payments line's",
        }),
      ),
    });
    const factory = await open({
      model: createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, model: "llama3.2" }),
    });
    expect(factory.skills.list().find((skill) => skill.name === "classify-signal")?.requires).toEqual([
      "model",
    ]);
    const signal = await factory.work.captureSignal({
      text: "Refunds to expired cards fail with an error page",
      source: "support",
    });
    const run = await factory.skills.run("classify-signal", { signal: signal.id });
    expect(run.output).toEqual({
      line: "payments",
      severity: "high",
      kind: "bug",
      summary: "Refunds to expired cards fail",
      reason: "refunds are the payments line's",
      model: "llama3.2",
    });
    const body = server.requests[0]?.body as {
      temperature: number;
      messages: { role: string; content: string }[];
      response_format: {
        json_schema: { name: string; strict: boolean; schema: { properties: Record<string, unknown> } };
      };
    };
    expect(body.temperature).toBe(0);
    expect(body.messages.map((message) => message.role)).toEqual(["system", "user"]);
    expect(body.messages[1]?.content).toContain("- payments: Card payments and refunds");
    expect(body.messages[1]?.content).toContain("Refunds to expired cards fail with an error page");
    expect(body.response_format.json_schema).toMatchObject({ name: "signal_classification", strict: true });
    expect(body.response_format.json_schema.schema.properties.line).toEqual({
      type: "string",
      enum: ["checkout", "payments"],
    });
  });

  it("refuses a reply naming a line the floor plan does not have", async () => {
    server.reply({
      status: 200,
      body: completion(
        JSON.stringify({ line: "billing", severity: "low", kind: "chore", summary: "s", reason: "r" }),
      ),
    });
    const factory = await open({
      model: createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, model: "llama3.2" }),
    });
    const error = await factory.skills.run("classify-signal", { text: "Invoices are late" }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ModelOutputError);
    expect((error as ModelOutputError).issues.map((issue) => issue.path)).toEqual(["line"]);
  });

  it("is configured from FACTORY_MODEL_URL and FACTORY_MODEL when openFactory gets no model", async () => {
    const saved = { url: process.env.FACTORY_MODEL_URL, model: process.env.FACTORY_MODEL };
    process.env.FACTORY_MODEL_URL = server.baseUrl;
    process.env.FACTORY_MODEL = "qwen2.5";
    try {
      const factory = await open();
      expect(factory.model?.model).toBe("qwen2.5");
      expect(factory.skills.list().map((skill) => skill.name)).toContain("classify-signal");
    } finally {
      for (const [key, value] of [
        ["FACTORY_MODEL_URL", saved.url],
        ["FACTORY_MODEL", saved.model],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});

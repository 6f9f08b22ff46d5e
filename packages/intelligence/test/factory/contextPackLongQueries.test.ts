import type { Factory } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

/** A factory of 40 lines, each described in some 150 characters, with a document on each. */
async function fortyLines(): Promise<Factory> {
  const factory = await open({ dir: folder("factory-long-queries-") });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: Array.from({ length: 40 }, (_, n) => ({
      id: `service-${n}`,
      owner: "ana",
      paths: [`/services/s${n}/`],
      description: `Service ${n} handles refunds and invoices for the billing flow, with retries on timeouts, idempotency keys and a nightly reconciliation job`,
    })),
  });
  for (let n = 0; n < 40; n++) {
    await factory.knowledge.capture({
      kind: "note",
      title: `Service ${n} reconciliation`,
      body: `The nightly reconciliation of service ${n} retries refunds that timed out.`,
      source: { system: "wiki" },
      lines: [`service-${n}`],
    });
  }
  return factory;
}

describe("context packs over long descriptions and questions", () => {
  it("pack paths of 40 lines, whose descriptions together are longer than a knowledge search takes", async () => {
    const factory = await fortyLines();

    const pack = await factory.context({
      paths: Array.from({ length: 40 }, (_, n) => `services/s${n}/index.ts`),
      budgetTokens: 20_000,
    });

    expect(pack.lines).toHaveLength(40);
    expect(pack.knowledge.length + pack.relatedKnowledge.length).toBeGreaterThan(0);
    expect(pack.tokens).toBeLessThanOrEqual(20_000);
  });

  it("refuse a question longer than a knowledge search takes, naming the question and the limit", async () => {
    const factory = await fortyLines();

    await expect(factory.context({ question: "refunds ".repeat(600) })).rejects.toMatchObject({
      _tag: "ValidationError",
      issues: [
        {
          path: "question",
          message: "question is 4,799 characters; a knowledge search takes at most 4,000",
        },
      ],
    });
    const pack = await factory.context({ question: `${"refunds ".repeat(499)}refunds` });
    expect(pack.knowledge.length).toBeGreaterThan(0);
  });
});

/**
 * `factory.automations.idle()` waits for what the automations write while it
 * waits: an automation's event that another automation handles is handled
 * when idle resolves, on the SQLite store and on PostgreSQL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { defineEvent } from "@software-factory/core";
import { defineAutomation, type Factory, openFactory } from "@software-factory/intelligence";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  POSTGRES_TEST_URL,
  skipPostgres,
  TestSchemas,
} from "../../../core/test/fixtures/postgresTestServer.js";

const Started = defineEvent("chain.started", z.object({ n: z.number().int() }));
const Relayed = defineEvent("chain.relayed", z.object({ n: z.number().int() }));
const Finished = defineEvent("chain.finished", z.object({ n: z.number().int() }));

/** Relays each start, a little later: its event lands after the head idle() first read. */
const relay = defineAutomation({
  name: "relay",
  description: "Relays each chain start.",
  on: [Started.type],
  run: async (event, { emit }) => {
    await sleep(20);
    emit({ type: Relayed.type, subject: event.subject, data: { n: (event.data as { n: number }).n } });
  },
});

/** Finishes each relayed chain, handling what the relay automation wrote. */
const finish = defineAutomation({
  name: "finish",
  description: "Finishes each relayed chain.",
  on: [Relayed.type],
  run: async (event, { emit }) => {
    await sleep(20);
    emit({ type: Finished.type, subject: event.subject, data: { n: (event.data as { n: number }).n } });
  },
});

const schemas = new TestSchemas();
const roots: string[] = [];
afterAll(async () => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  if (!skipPostgres) await schemas.dropAll();
});

/** A factory in a new folder running both automations, on `store` (the SQLite file of the folder when omitted). */
async function chainFactory(store?: string): Promise<Factory> {
  const root = mkdtempSync(join(tmpdir(), "factory-idle-chain-"));
  roots.push(root);
  return openFactory({
    dir: join(root, ".factory"),
    events: [Started, Relayed, Finished],
    automations: [relay, finish],
    ...(store === undefined ? {} : { store }),
  });
}

/** Starts three chains, waits for idle, and expects each relayed and finished. */
async function expectChainsDoneAfterIdle(factory: Factory): Promise<void> {
  try {
    await factory.log.append(
      [1, 2, 3].map((n) => ({ type: Started.type, subject: `chain-${n}`, data: { n } })),
    );
    await factory.automations?.idle();
    const numbers = async (type: string) =>
      (await factory.log.read({ types: [type] })).map((event) => (event.data as { n: number }).n);
    expect(await numbers(Relayed.type)).toEqual([1, 2, 3]);
    expect(await numbers(Finished.type)).toEqual([1, 2, 3]);
  } finally {
    await factory.close();
  }
}

describe("idle() of a factory's automations", () => {
  it("waits for the events one automation writes and another handles, on SQLite", async () => {
    await expectChainsDoneAfterIdle(await chainFactory());
  });

  it.skipIf(skipPostgres)(
    "waits for the events one automation writes and another handles, on PostgreSQL",
    async () => {
      const url = new URL(POSTGRES_TEST_URL);
      url.searchParams.set("schema", schemas.next("idle"));
      await expectChainsDoneAfterIdle(await chainFactory(url.toString()));
    },
    120_000,
  );
});

/**
 * One realistic week of a factory driven through the public API twice, once on
 * the embedded SQLite store and once on PostgreSQL, with every read compared:
 * a team pointing its factory at PostgreSQL must see what it saw on SQLite.
 * The week is postgresParityWeek.ts; how its reads are compared, postgresParityReads.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineEvent, SignalCaptured } from "@software-factory/core";
import { loadFactoryYaml } from "@software-factory/floorplan";
import {
  builtinAutomations,
  defineAutomation,
  estimateTokenCounter,
  type Factory,
  openFactory,
} from "@software-factory/intelligence";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  POSTGRES_TEST_URL,
  skipPostgres,
  TestSchemas,
} from "../../../core/test/fixtures/postgresTestServer.js";
import { normalized } from "./postgresParityReads.js";
import { ACME, runWeek } from "./postgresParityWeek.js";

const SLOW = { timeout: 300_000 };
const schemas = new TestSchemas();
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  if (!skipPostgres) await schemas.dropAll();
});

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "factory-parity-"));
  dirs.push(dir);
  return dir;
}

function postgresUrl(schema: string): string {
  const url = new URL(POSTGRES_TEST_URL);
  url.searchParams.set("schema", schema);
  return url.toString();
}

describe.skipIf(skipPostgres)("a factory on PostgreSQL", () => {
  it("reads as the same factory on SQLite after the same week of work", SLOW, async () => {
    const onSqlite = normalized(await runWeek(freshDir(), undefined));
    const onPostgres = normalized(await runWeek(freshDir(), postgresUrl(schemas.next("parity"))));
    expect(Object.keys(onPostgres)).toEqual(Object.keys(onSqlite));
    // As text: the order of keys is compared too (a --json output or a rendered field list shows it).
    for (const [key, value] of Object.entries(onSqlite)) {
      expect.soft(JSON.stringify(onPostgres[key], null, 1), key).toBe(JSON.stringify(value, null, 1));
    }
  });
});

const SignalCounted = defineEvent("signal.counted", z.object({ signal: z.string() }));

/** Counts each captured signal once, whichever factory handles it. */
const countSignals = defineAutomation({
  name: "count-signals",
  description: "Counts every captured signal once.",
  on: [SignalCaptured.type],
  run: (event, { emit }) =>
    emit({ type: SignalCounted.type, subject: event.subject, data: { signal: event.subject } }),
});

describe.skipIf(skipPostgres)("two factories on one PostgreSQL database", () => {
  it("lose no write and handle each event once when they write at once", SLOW, async () => {
    // Each factory queues 20 writers at once for the append lock, and those that keep
    // losing the race take write turns: on a busy machine the last waits longer than
    // the default 10 s a call (and 30 s a statement) may take.
    const url = `${postgresUrl(schemas.next("parity_two"))}&call_timeout_ms=120000&query_timeout_ms=120000`;
    const openOne = (actor: string) =>
      openFactory({
        dir: freshDir(),
        store: url,
        actor,
        events: [SignalCounted],
        automations: [...builtinAutomations, countSignals],
        tokenCounter: estimateTokenCounter,
      });
    const first = await openOne("ada");
    await first.floorplan.applyPlan(await loadFactoryYaml(join(ACME, "factory.yaml")), { actor: "olivia" });
    const second = await openOne("bo");
    try {
      const write = (factory: Factory, who: string) =>
        Promise.all(
          Array.from({ length: 10 }, async (_, n) => {
            const signal = await factory.work.captureSignal({
              text: `${who} hears that checkout fails on mobile, report ${n}`,
              source: "support",
              severity: "medium",
              actor: who === "ada" ? "fiona" : "raj",
            });
            await factory.work.routeSignal(signal.id, n % 2 === 0 ? "checkout" : "payments", {
              actor: "fiona",
            });
            await factory.knowledge.capture({
              kind: "note",
              title: `${who}'s note ${n}`,
              body: `Checkout on mobile, report ${n} from ${who}.`,
              source: { system: "notes", uri: `${who}/${n}` },
              lines: ["checkout"],
            });
            await factory.work.createWorkItem({
              line: "checkout",
              title: `${who}: fix report ${n}`,
              kind: "bug",
            });
          }),
        );
      await Promise.all([write(first, "ada"), write(second, "bo")]);
      await Promise.all([first.automations?.idle(), second.automations?.idle()]);
      await Promise.all([first.automations?.idle(), second.automations?.idle()]);

      const events = await first.log.read({ limit: 100_000 });
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      const ofType = (type: string) => events.filter((event) => event.type === type);
      const captured = ofType(SignalCaptured.type);
      expect(captured).toHaveLength(20);
      expect(ofType("signal.routed")).toHaveLength(20);
      expect(ofType("work.created")).toHaveLength(20);
      expect(ofType("knowledge.document.captured")).toHaveLength(20);
      expect((await first.knowledge.list()).length).toBe(20);
      expect((await second.knowledge.list()).length).toBe(20);

      // Each automation handled each of its events once, by one factory or the other.
      const marks = ofType("automation.handled").map((event) => {
        const data = event.data as { automation: string; event: string; outcome: string };
        return `${data.automation} ${data.event} ${data.outcome}`;
      });
      expect(new Set(marks).size).toBe(marks.length);
      expect(marks.filter((mark) => mark.startsWith("count-signals ")).sort()).toEqual(
        captured.map((event) => `count-signals ${event.id} ok`).sort(),
      );
      expect(
        ofType(SignalCounted.type)
          .map((event) => event.subject)
          .sort(),
      ).toEqual(captured.map((event) => event.subject).sort());
      const notified = ofType("inbox.notified").map((event) => `${event.causedBy} ${event.subject}`);
      expect(new Set(notified).size).toBe(notified.length);
      expect(notified).toHaveLength(20);

      // Both see every write.
      await Promise.all([first.work.refresh(), second.work.refresh()]);
      expect(second.work.signals().map((signal) => signal.id)).toEqual(
        first.work.signals().map((signal) => signal.id),
      );
      expect(second.work.list().map((item) => item.id)).toEqual(first.work.list().map((item) => item.id));
      expect(first.work.list()).toHaveLength(20);
      expect(await second.inbox.list("olivia")).toEqual(await first.inbox.list("olivia"));
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});

/**
 * The commands that write take `--idempotency-key`, as the SDK calls and the
 * MCP tools do: `signal capture`, `work create`, the moves (`work advance`,
 * `back`, `block`, `unblock`, `drop`, `complete`) and `knowledge capture`,
 * `revise` and `retract`. A CI job that retries a command with its key writes
 * once, and a key reused for other input is refused with the SDK's
 * E_IDEMPOTENCY_CONFLICT naming the flag. The moves also take
 * `--expected-version`. The built bin, run as a subprocess, on a real SQLite
 * file, checked through the SDK.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WorkItem } from "@software-factory/core";
import { type Factory, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { type RunResult, runFactory } from "./runFactory.js";

let cwd: string;
/** The bin runs several times per test, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });
const firstLine = (result: RunResult) => result.stderr.split("\n")[0];
const idOf = (result: RunResult) => (JSON.parse(result.stdout) as { id: string }).id;

/** Runs `use` on the factory the bin writes, opened through the SDK from its SQLite file, and closes it. */
async function withSdk<T>(use: (opened: Factory) => Promise<T>): Promise<T> {
  const opened = await openFactory({ dir: join(cwd, ".factory"), actor: "ana" });
  try {
    await opened.work.refresh();
    return await use(opened);
  } finally {
    await opened.close();
  }
}

/** What the factory holds, read through the SDK from the file the bin wrote. */
function recorded(): Promise<{ signals: string[]; items: string[] }> {
  return withSdk(async (opened) => ({
    signals: opened.work.signals().map((signal) => signal.text),
    items: opened.work.list().map((item) => item.title),
  }));
}

/** A work item as the SDK reads it from the file. */
function itemOf(id: string): Promise<WorkItem | undefined> {
  return withSdk(async (opened) => opened.work.list().find((item) => item.id === id));
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-idempotency-key-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
}, SLOW.timeout);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory signal capture --idempotency-key", () => {
  const capture = (key: string, text: string) =>
    factory("signal", "capture", "--source", "ci", "--idempotency-key", key, "--json", text);

  it("captures a retried signal once, and refuses the key for other text naming the flag", SLOW, async () => {
    const first = await capture("ci-run-7", "Checkout times out");
    expect(first.code, first.stderr).toBe(0);
    const retried = await capture("ci-run-7", "Checkout times out");
    expect(retried.code, retried.stderr).toBe(0);
    expect(idOf(retried)).toBe(idOf(first));

    const other = await capture("ci-run-7", "Checkout is slow");
    expect(other.code).toBe(1);
    expect(firstLine(other)).toBe(
      `error: E_IDEMPOTENCY_CONFLICT: --idempotency-key: idempotency key "ci-run-7" was already used to capture signal ${idOf(first)} with a different text; use a new key`,
    );
    expect((await recorded()).signals.filter((text) => text.startsWith("Checkout"))).toEqual([
      "Checkout times out",
    ]);
  });
});

describe("factory work create --idempotency-key", () => {
  const create = (key: string, title: string) =>
    factory("work", "create", "--line", "checkout", "--idempotency-key", key, "--json", title);

  it(
    "says a retried create was already created, in text and in --json, and the first run that it created",
    SLOW,
    async () => {
      const first = await create("ci-run-12", "Gift cards");
      expect(JSON.parse(first.stdout)).toMatchObject({ alreadyCreated: false });
      const retriedJson = await create("ci-run-12", "Gift cards");
      expect(JSON.parse(retriedJson.stdout)).toMatchObject({ id: idOf(first), alreadyCreated: true });
      const retried = await factory(
        "work",
        "create",
        "--line",
        "checkout",
        "--idempotency-key",
        "ci-run-12",
        "Gift cards",
      );
      expect(retried.code, retried.stderr).toBe(0);
      expect(retried.stdout).toBe(
        `already created ${idOf(first)} on checkout in intake, owner ana: --idempotency-key ci-run-12 was used for it before (nothing written)\n`,
      );
      const fresh = await factory(
        "work",
        "create",
        "--line",
        "checkout",
        "--idempotency-key",
        "ci-run-13",
        "Gift wrap",
      );
      expect(fresh.stdout).toMatch(/^created wi_\S+ on checkout in intake, owner ana\n$/);
    },
  );

  it("creates a retried item once, and refuses the key for another title naming the flag", SLOW, async () => {
    const first = await create("ci-run-8", "Pay by link");
    expect(first.code, first.stderr).toBe(0);
    const retried = await create("ci-run-8", "Pay by link");
    expect(retried.code, retried.stderr).toBe(0);
    expect(idOf(retried)).toBe(idOf(first));

    const other = await create("ci-run-8", "Pay by card");
    expect(other.code).toBe(1);
    expect(firstLine(other)).toBe(
      `error: E_IDEMPOTENCY_CONFLICT: --idempotency-key: idempotency key "ci-run-8" was already used to create work item ${idOf(first)} with a different title; use a new key`,
    );
    expect((await recorded()).items.filter((title) => title.startsWith("Pay by"))).toEqual(["Pay by link"]);
  });

  it("refuses a capture's key for a work item, naming the flag", SLOW, async () => {
    const captured = await factory(
      "signal",
      "capture",
      "--source",
      "ci",
      "--idempotency-key",
      "ci-run-9",
      "--json",
      "Refunds fail",
    );
    expect(captured.code, captured.stderr).toBe(0);
    const reused = await create("ci-run-9", "Fix refunds");
    expect(reused.code).toBe(1);
    expect(firstLine(reused)).toBe(
      `error: E_IDEMPOTENCY_CONFLICT: --idempotency-key: idempotency key "ci-run-9" was already used to capture signal ${idOf(captured)}, not to create a work item; use a new key`,
    );
    expect((await recorded()).items).not.toContain("Fix refunds");
  });
});

describe("a malformed --idempotency-key", () => {
  it.each([
    [["signal", "capture", "--source", "ci", "Slow pages"]],
    [["work", "create", "--line", "checkout", "Faster pages"]],
  ])("is E_USAGE naming the flag for factory %j, writing nothing", SLOW, async (args) => {
    const empty = await factory(...args, "--idempotency-key", "");
    expect(empty.code).toBe(2);
    expect(firstLine(empty)).toBe('error: E_USAGE: --idempotency-key: must not be empty (got "")');

    const long = await factory(...args, "--idempotency-key", "k".repeat(201));
    expect(long.code).toBe(2);
    expect(firstLine(long)).toBe(
      `error: E_USAGE: --idempotency-key: must be at most 200 characters (got "${"k".repeat(60)}"... (201 characters))`,
    );

    const { signals, items } = await recorded();
    expect(signals).not.toContain("Slow pages");
    expect(items).not.toContain("Faster pages");
  });
});

/** A move of `factory work`: how to bring an item where it applies, its arguments, and where it leaves the item. */
interface MoveCase {
  readonly move: string;
  readonly args: readonly string[];
  readonly prepare: (sdk: Factory, id: string) => Promise<unknown>;
  /** The item's state, stage (an index in its flow) and send-backs after the move. */
  readonly after: { readonly state: WorkItem["state"]; readonly stageAt: number; readonly sendBacks: number };
}

const MOVES: readonly MoveCase[] = [
  {
    move: "advance",
    args: [],
    prepare: async () => {},
    after: { state: "active", stageAt: 1, sendBacks: 0 },
  },
  {
    move: "back",
    args: ["--reason", "tests fail"],
    prepare: (sdk, id) => sdk.work.advance(id),
    after: { state: "active", stageAt: 0, sendBacks: 1 },
  },
  {
    move: "block",
    args: ["--reason", "waits for the PSP"],
    prepare: async () => {},
    after: { state: "blocked", stageAt: 0, sendBacks: 0 },
  },
  {
    move: "unblock",
    args: [],
    prepare: (sdk, id) => sdk.work.block(id, { reason: "waits for the PSP" }),
    after: { state: "active", stageAt: 0, sendBacks: 0 },
  },
  {
    move: "drop",
    args: ["--reason", "not needed"],
    prepare: async () => {},
    after: { state: "dropped", stageAt: 0, sendBacks: 0 },
  },
  {
    move: "complete",
    args: [],
    prepare: async (sdk, id) => {
      await sdk.work.recordArtifact({
        kind: "changeSet",
        title: "Payment links",
        fields: { commit: "9c4e1a7", paths: ["src/checkout/links.ts"] },
        workItem: id,
      });
      await sdk.work.recordArtifact({
        kind: "testEvidence",
        title: "CI run 7",
        fields: { runId: "ci-7", passed: 12, failed: 0 },
        workItem: id,
      });
      for (let step = 0; step < 3; step++) await sdk.work.advance(id);
    },
    after: { state: "done", stageAt: 3, sendBacks: 0 },
  },
];

/** Two new items of the tiny flow on checkout, made through the SDK; `prepare` brings the first where a move applies. */
function itemsFor(name: string, prepare: (sdk: Factory, id: string) => Promise<unknown>): Promise<string[]> {
  return withSdk(async (sdk) => {
    const ids: string[] = [];
    for (const title of [`To ${name}`, `Not to ${name}`])
      ids.push((await sdk.work.createWorkItem({ line: "checkout", title, flow: "tiny" })).id);
    await prepare(sdk, ids[0] as string);
    return ids;
  });
}

describe("factory work <move> --idempotency-key", () => {
  it.each(MOVES)(
    "$move: moves a retried item once, and refuses the key for another item naming the flag",
    SLOW,
    async ({ move, args, prepare, after }) => {
      const [id, other] = (await itemsFor(move, prepare)) as [string, string];
      const key = `ci-${move}-10`;
      const run = (target: string) =>
        factory("work", move, target, ...args, "--idempotency-key", key, "--json");
      const verb = move === "back" ? "send back" : move;

      const first = await run(id);
      expect(first.code, first.stderr).toBe(0);
      const retried = await run(id);
      expect(retried.code, retried.stderr).toBe(0);
      expect(JSON.parse(retried.stdout)).toEqual(JSON.parse(first.stdout));
      const moved = await itemOf(id);
      expect(moved).toMatchObject({
        state: after.state,
        stage: moved?.stages[after.stageAt],
        sendBacks: after.sendBacks,
        version: (JSON.parse(first.stdout) as WorkItem).version,
      });

      const untouched = await itemOf(other);
      const reused = await run(other);
      expect(reused.code).toBe(1);
      expect(firstLine(reused)).toBe(
        `error: E_IDEMPOTENCY_CONFLICT: --idempotency-key: idempotency key "${key}" was already used to ${verb} work item ${id}, not to ${verb} work item ${other}; use a new key`,
      );
      expect(await itemOf(other)).toEqual(untouched);
    },
  );

  it.each(MOVES)(
    "$move: a malformed --idempotency-key or --expected-version is E_USAGE naming the flag, moving nothing",
    SLOW,
    async ({ move, args, prepare }) => {
      const [id] = (await itemsFor(`${move} with bad flags`, prepare)) as [string, string];
      const before = await itemOf(id);
      const empty = await factory("work", move, id, ...args, "--idempotency-key", "");
      expect(empty.code).toBe(2);
      expect(firstLine(empty)).toBe('error: E_USAGE: --idempotency-key: must not be empty (got "")');
      const fraction = await factory("work", move, id, ...args, "--expected-version", "1.5");
      expect(fraction.code).toBe(2);
      expect(firstLine(fraction)).toBe(
        'error: E_USAGE: --expected-version: must be a whole number (got "1.5")',
      );
      expect(await itemOf(id)).toEqual(before);
    },
  );
});

describe("factory work <move> --expected-version", () => {
  it(
    "moves an item still at that version, and refuses one that changed since with E_CONCURRENCY_CONFLICT",
    SLOW,
    async () => {
      const [id] = (await itemsFor("advance at a version", async () => {})) as [string, string];
      const seen = (await itemOf(id))?.version as number;
      const advanced = await factory("work", "advance", id, "--expected-version", String(seen), "--json");
      expect(advanced.code, advanced.stderr).toBe(0);
      expect((JSON.parse(advanced.stdout) as WorkItem).version).toBe(seen + 1);

      const stale = await factory(
        "work",
        "block",
        id,
        "--reason",
        "waits",
        "--expected-version",
        String(seen),
      );
      expect(stale.code).toBe(1);
      expect(firstLine(stale)).toMatch(
        new RegExp(
          `^error: E_CONCURRENCY_CONFLICT: work item ${id} changed while trying to block it: expected version ${seen}, found ${seen + 1} `,
        ),
      );
      expect(await itemOf(id)).toMatchObject({ state: "active", version: seen + 1 });
    },
  );

  it.each([
    ["0", "must be at least 1"],
    ["-3", "must be at least 1"],
    ["two", "must be a whole number"],
  ])("refuses %j as E_USAGE: %s", SLOW, async (value, problem) => {
    const [id] = (await itemsFor(`advance at version ${value}`, async () => {})) as [string, string];
    const refused = await factory("work", "advance", id, "--expected-version", value);
    expect(refused.code).toBe(2);
    expect(firstLine(refused)).toBe(`error: E_USAGE: --expected-version: ${problem} (got "${value}")`);
    expect((await itemOf(id))?.stage).toBe((await itemOf(id))?.stages[0]);
  });
});

describe("factory knowledge capture, revise and retract --idempotency-key", () => {
  /** A note captured through the SDK; its id. */
  const note = (title: string) =>
    withSdk(async (sdk) => {
      const captured = await sdk.knowledge.capture({
        kind: "note",
        title,
        body: `${title}: as measured.`,
        source: { system: "test" },
      });
      return captured.id;
    });
  const documentOf = (id: string) => withSdk((sdk) => sdk.knowledge.get(id));

  it(
    "captures a retried document once, and refuses the key for another body naming the flag",
    SLOW,
    async () => {
      const capture = (body: string) =>
        factory(
          "knowledge",
          "capture",
          "--kind",
          "note",
          "--title",
          "Refunds settle in five days",
          "--body",
          body,
          "--idempotency-key",
          "ci-run-20",
          "--json",
        );
      const first = await capture("Card refunds settle in five business days.");
      expect(first.code, first.stderr).toBe(0);
      const retried = await capture("Card refunds settle in five business days.");
      expect(retried.code, retried.stderr).toBe(0);
      expect(idOf(retried)).toBe(idOf(first));

      const other = await capture("Card refunds settle in three business days.");
      expect(other.code).toBe(1);
      expect(firstLine(other)).toBe(
        `error: E_IDEMPOTENCY_CONFLICT: --idempotency-key: idempotency key "ci-run-20" was already used to capture a different document (${idOf(first)}); use a new key`,
      );
      const titles = await withSdk(async (sdk) =>
        (await sdk.knowledge.list()).map((document) => document.title),
      );
      expect(titles.filter((title) => title === "Refunds settle in five days")).toHaveLength(1);
    },
  );

  it(
    "records a retried revision once, and refuses the key for another title naming the flag",
    SLOW,
    async () => {
      const id = await note("Retries double charge");
      const revise = (title: string) =>
        factory(
          "knowledge",
          "revise",
          id,
          "--title",
          title,
          "--reason",
          "clearer",
          "--idempotency-key",
          "ci-run-21",
          "--json",
        );
      const first = await revise("Retries charge twice");
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({ changed: true });
      const retried = await revise("Retries charge twice");
      expect(retried.code, retried.stderr).toBe(0);
      expect(JSON.parse(retried.stdout)).toMatchObject({ changed: false });

      const other = await revise("Retries charge the card twice");
      expect(other.code).toBe(1);
      expect(firstLine(other)).toBe(
        `error: E_IDEMPOTENCY_CONFLICT: --idempotency-key: idempotency key "ci-run-21" was already used for another write, not to revise ${id}; use a new key`,
      );
      const document = await documentOf(id);
      expect(document?.revisions.map((revision) => revision.title)).toEqual([
        "Retries double charge",
        "Retries charge twice",
      ]);
    },
  );

  it(
    "retracts a document with a key once, and refuses the key for another document naming the flag",
    SLOW,
    async () => {
      const [id, other] = [await note("Old refund window"), await note("Old payout window")];
      const retract = (target: string) =>
        factory("knowledge", "retract", target, "--reason", "outdated", "--idempotency-key", "ci-run-22");
      const first = await retract(id);
      expect(first.code, first.stderr).toBe(0);
      const retried = await retract(id);
      expect(retried.code, retried.stderr).toBe(0);
      expect(retried.stdout).toMatch(/\(nothing written\)\n$/);

      const reused = await retract(other);
      expect(reused.code).toBe(1);
      expect(firstLine(reused)).toBe(
        `error: E_IDEMPOTENCY_CONFLICT: --idempotency-key: idempotency key "ci-run-22" was already used for another write, not to retract ${other}; use a new key`,
      );
      expect((await documentOf(id))?.retracted?.reason).toBe("outdated");
      expect((await documentOf(other))?.retracted).toBeUndefined();
    },
  );

  it.each([
    [["knowledge", "capture", "--kind", "note", "--title", "Keyless", "--body", "Nothing."]],
    [["knowledge", "revise", "<id>", "--title", "Keyless", "--reason", "clearer"]],
    [["knowledge", "retract", "<id>", "--reason", "outdated"]],
  ])(
    "a malformed --idempotency-key is E_USAGE naming the flag for factory %j, writing nothing",
    SLOW,
    async (args) => {
      const id = await note("Kept as it is");
      const empty = await factory(
        ...args.map((arg) => (arg === "<id>" ? id : arg)),
        "--idempotency-key",
        " ",
      );
      expect(empty.code).toBe(2);
      expect(firstLine(empty)).toBe('error: E_USAGE: --idempotency-key: must not be empty (got " ")');
      const document = await documentOf(id);
      expect(document?.revisions).toHaveLength(1);
      expect(document?.retracted).toBeUndefined();
      const titles = await withSdk(async (sdk) => (await sdk.knowledge.list()).map((found) => found.title));
      expect(titles).not.toContain("Keyless");
    },
  );
});

import { WorkSentBack } from "@software-factory/core";
import { openFactory } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

let item: string;
const server = useSeededServer("agent-audit-test", async ({ factory }) => {
  item = (await factory.work.createWorkItem({ line: "checkout", title: "Apple Pay" })).id;
});
const { call, refused } = server;

describe("advance_work_item with an argument its move does not use", () => {
  it("refuses to with advance, naming it, instead of moving to the next stage", async () => {
    expect(await refused("advance_work_item", { id: item, move: "advance", to: "release" })).toBe(
      'E_VALIDATION: advance_work_item input is invalid: to: move "advance" does not take to (only back does)',
    );
    expect(await refused("advance_work_item", { id: item, to: "release" })).toContain(
      'to: move "advance" does not take to',
    );
  });

  it("refuses reason and overrideWipReason with the moves that ignore them, naming each", async () => {
    expect(await refused("advance_work_item", { id: item, move: "complete", reason: "shipped" })).toBe(
      'E_VALIDATION: advance_work_item input is invalid: reason: move "complete" does not take reason (back, block, unblock and drop do)',
    );
    expect(
      await refused("advance_work_item", {
        id: item,
        move: "block",
        reason: "waiting",
        to: "design",
        overrideWipReason: "urgent",
      }),
    ).toBe(
      'E_VALIDATION: advance_work_item input is invalid: to: move "block" does not take to (only back does); overrideWipReason: move "block" does not take overrideWipReason (advance and back do)',
    );
  });

  it("still takes each argument with the moves that use it", async () => {
    const advanced = await call("advance_work_item", { id: item, overrideWipReason: "release train" });
    expect(advanced.structuredContent).toMatchObject({ id: item, stage: "requirements" });
    const blocked = await call("advance_work_item", { id: item, move: "block", reason: "waiting" });
    expect(blocked.structuredContent).toMatchObject({ state: "blocked" });
    const unblocked = await call("advance_work_item", { id: item, move: "unblock", reason: "answered" });
    expect(unblocked.structuredContent).toMatchObject({ state: "active" });
    const back = await call("advance_work_item", { id: item, move: "back", reason: "unclear", to: "intake" });
    expect(back.structuredContent).toMatchObject({ id: item, stage: "intake", state: "active" });
  });

  it("takes the cause of a send-back with back only, and records it", async () => {
    const created = await call("create_work_item", { line: "checkout", title: "Card on file" });
    const own = created.structuredContent?.id as string;
    expect(await refused("advance_work_item", { id: own, cause: "upstream" })).toBe(
      'E_VALIDATION: advance_work_item input is invalid: cause: move "advance" does not take cause (only back does)',
    );
    expect(
      await refused("advance_work_item", { id: own, move: "back", reason: "spec", cause: "weather" }),
    ).toContain("cause: ");
    await call("advance_work_item", { id: own });
    const back = await call("advance_work_item", {
      id: own,
      move: "back",
      reason: "spec",
      cause: "upstream",
    });
    expect(back.structuredContent).toMatchObject({ id: own, stage: "intake" });
    const factory = await openFactory({ dir: server.dir });
    try {
      const sentBack = await factory.log.read({ subjects: [own], types: [WorkSentBack.type] });
      expect(sentBack.map((event) => (event.data as { cause: string }).cause)).toEqual(["upstream"]);
    } finally {
      await factory.close();
    }
  });
});

describe("calls that give nothing to work on", () => {
  it("impact_of_change {} is refused like who_owns {}, not answered empty", async () => {
    expect(await refused("impact_of_change", {})).toBe(
      "E_VALIDATION: impact_of_change input is invalid: (root): give paths, gitRange or lines",
    );
    expect(await refused("impact_of_change", { paths: [], lines: [] })).toContain(
      "give paths, gitRange or lines",
    );
    expect(await refused("who_owns", {})).toBe(
      "E_VALIDATION: who_owns input is invalid: (root): give paths or line",
    );
    const impact = await call("impact_of_change", { paths: ["/src/checkout/cart.ts"] });
    expect(impact.structuredContent?.affected).toEqual(
      expect.arrayContaining([expect.objectContaining({ line: "search" })]),
    );
  });

  it("name no single field when any of several would do", async () => {
    expect(await refused("get_context", {})).toBe(
      "E_VALIDATION: get_context input is invalid: (root): give a workItem, line, paths or question",
    );
    expect(await refused("route_signal", {})).toBe(
      "E_VALIDATION: route_signal input is invalid: (root): give signal (an id) or text",
    );
    const [hit] = ((await call("list_knowledge", {})).structuredContent?.documents ?? []) as { id: string }[];
    expect(await refused("revise_knowledge", { id: hit?.id, reason: "typo" })).toBe(
      "E_VALIDATION: revise_knowledge input is invalid: (root): nothing to revise: give title, body, tags, lines or decision",
    );
  });
});

describe("get_metrics over a window that ends before it starts", () => {
  it("names since and until as given, not the SDK's from and to", async () => {
    expect(await refused("get_metrics", { since: "2026-12-01", until: "2026-01-01" })).toBe(
      'E_VALIDATION: get_metrics input is invalid: until: must be after since (got since "2026-12-01", until "2026-01-01")',
    );
    expect(await refused("get_metrics", { since: "2999-01-01" })).toBe(
      'E_VALIDATION: get_metrics input is invalid: since: must be before now, the end of the window without until (got "2999-01-01")',
    );
    expect((await call("get_metrics", { since: "2026-01-01", until: "2026-12-01" })).isError).toBeUndefined();
  });

  it("ends the window of since without until at the call, not after the answer came", async () => {
    const before = Date.now();
    const { window } = (await call("get_metrics", { since: "30d" })).structuredContent as {
      window: { from: string; to: string };
    };
    const received = Date.now();
    // The end is exclusive: 1 ms after the call's now, so events stamped at that ms count.
    const now = Date.parse(window.to) - 1;
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(received);
    expect(Date.parse(window.to) - Date.parse(window.from)).toBe(30 * 86_400_000 + 1);
  });
});

describe("search_knowledge with a cursor no page gave", () => {
  it("refuses a malformed cursor once, as not a nextCursor", async () => {
    expect(await refused("search_knowledge", { query: "x", cursor: "abc" })).toBe(
      "E_VALIDATION: search_knowledge input is invalid: cursor: cursor is the nextCursor of the previous page",
    );
  });
});

describe("advance_work_item with expectedVersion", () => {
  it("moves an item once when two agents move it from the version they read", async () => {
    const created = await call("create_work_item", { line: "checkout", title: "Gift cards" });
    const own = created.structuredContent?.id as string;
    const version = created.structuredContent?.version as number;
    const first = await call("advance_work_item", { id: own, expectedVersion: version });
    expect(first.structuredContent).toMatchObject({ stage: "requirements", version: version + 1 });
    expect(await refused("advance_work_item", { id: own, expectedVersion: version })).toMatch(
      new RegExp(
        `^E_CONCURRENCY_CONFLICT: work item ${own} changed while trying to advance it: expected version ${version}, found ${version + 1}`,
      ),
    );
    expect(
      await refused("advance_work_item", { id: own, move: "block", reason: "x", expectedVersion: 0 }),
    ).toMatch(/^E_VALIDATION: advance_work_item input is invalid: expectedVersion: /);
    const blocked = await call("advance_work_item", {
      id: own,
      move: "block",
      reason: "waiting",
      expectedVersion: version + 1,
    });
    expect(blocked.structuredContent).toMatchObject({ state: "blocked", stage: "requirements" });
  });
});

describe("a factory left as it was", () => {
  it("shows the refused moves wrote nothing: only the four moves taken are in the log", async () => {
    const factory = await openFactory({ dir: server.dir });
    try {
      expect(factory.work.get(item)).toMatchObject({ stage: "intake", state: "active" });
      const events = await factory.log.read({ subjects: [item] });
      expect(events.map((event) => event.type)).toEqual([
        "work.created",
        "work.advanced",
        "work.blocked",
        "work.unblocked",
        "work.sent.back",
      ]);
    } finally {
      await factory.close();
    }
  });
});

/**
 * `assign_work_item`: the SDK's `assign` over MCP, with the moves'
 * idempotency key and expected version. A real client over stdio to the
 * built `factory-mcp`, on a real SQLite factory.
 */
import { describe, expect, it } from "vitest";
import { connectToServer, useSeededServer } from "./fixtures.js";

interface Item {
  id: string;
  owner?: string;
  contributors: string[];
  state: string;
  version: number;
}

const server = useSeededServer("assign-work-item-test");
const { call, refused } = server;

/** A tool's answer that must not be an error (checked). */
async function ok(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await call(name, args);
  expect(result.isError, result.content[0]?.text).toBeUndefined();
  return result.structuredContent as Record<string, unknown>;
}

/** A new item on checkout (owned by ana, the line's owner), made with create_work_item, as list_work answers it. */
async function createItem(title: string): Promise<Item> {
  const created = await ok("create_work_item", { line: "checkout", title });
  return { ...created, alreadyCreated: undefined } as unknown as Item;
}

/** The item as list_work answers it now. */
async function itemNow(id: string): Promise<Item | undefined> {
  const { items } = (await ok("list_work", { line: "checkout", limit: 100 })) as { items: Item[] };
  return items.find((item) => item.id === id);
}

describe("assign_work_item", () => {
  it("hands an item to another owner, then adds contributors to those it has", async () => {
    const item = await createItem("Pay by link");
    expect(item).toMatchObject({ owner: "ana", contributors: [], version: 1 });

    const handed = await ok("assign_work_item", { id: item.id, owner: "bo" });
    expect(handed).toMatchObject({ id: item.id, owner: "bo", contributors: [], state: "active", version: 2 });
    const joined = await ok("assign_work_item", { id: item.id, contributors: ["ana"] });
    expect(joined).toMatchObject({ owner: "bo", contributors: ["ana"], version: 3 });
    const both = await ok("assign_work_item", { id: item.id, owner: "ana", contributors: ["bo"] });
    expect(both).toMatchObject({ owner: "ana", contributors: ["ana", "bo"], version: 4 });

    expect(await itemNow(item.id)).toEqual(both);
  });

  it("refuses an unknown item or operator with E_NOT_FOUND naming the argument, and writes nothing", async () => {
    const item = await createItem("Pay by bank transfer");

    expect(await refused("assign_work_item", { id: "wi_nope", owner: "bo" })).toBe(
      'E_NOT_FOUND: id: no work item "wi_nope"; list_work lists them',
    );
    // As create_work_item and list_work refuse an owner: the argument, then the operators close to it.
    expect(await refused("assign_work_item", { id: item.id, owner: "zed" })).toBe(
      'E_NOT_FOUND: owner: no operator "zed" in the floor plan (factory://floorplan lists the operators)',
    );
    expect(await refused("assign_work_item", { id: item.id, owner: "anna" })).toBe(
      'E_NOT_FOUND: owner: no operator "anna" in the floor plan (did you mean "ana"?)',
    );
    expect(await refused("assign_work_item", { id: item.id, contributors: ["bo", "boo"] })).toBe(
      'E_NOT_FOUND: contributors[1]: no operator "boo" in the floor plan (did you mean "bo"?)',
    );

    expect(await itemNow(item.id)).toEqual(item);
  });

  it("refuses malformed arguments with E_VALIDATION naming them, and writes nothing", async () => {
    const item = await createItem("Pay in instalments");

    expect(await refused("assign_work_item", { id: item.id })).toBe(
      "E_VALIDATION: assign_work_item input is invalid: (root): nothing to assign: give owner or contributors",
    );
    expect(await refused("assign_work_item", { id: item.id, owner: "Ana Lima" })).toMatch(
      /^E_VALIDATION: assign_work_item input is invalid: owner: operator id must be/,
    );
    expect(await refused("assign_work_item", { id: item.id, owner: "bo", expectedVersion: 0 })).toMatch(
      /^E_VALIDATION: assign_work_item input is invalid: expectedVersion: /,
    );
    expect(await refused("assign_work_item", { id: item.id, owner: "bo", idempotencyKey: "" })).toMatch(
      /^E_VALIDATION: assign_work_item input is invalid: idempotencyKey: /,
    );
    expect(await refused("assign_work_item", { id: item.id, contributor: "bo" })).toContain(
      'unknown argument "contributor"; assign_work_item takes id, owner, contributors, expectedVersion, idempotencyKey',
    );

    expect(await itemNow(item.id)).toEqual(item);
  });

  it("refuses to assign a dropped item with E_ILLEGAL_TRANSITION naming it", async () => {
    const item = await createItem("Pay with points");
    const dropped = await ok("advance_work_item", { id: item.id, move: "drop", reason: "not now" });

    expect(await refused("assign_work_item", { id: item.id, owner: "bo" })).toMatch(
      new RegExp(`^E_ILLEGAL_TRANSITION: .*${item.id}`),
    );
    expect(await itemNow(item.id)).toEqual(dropped);
  });
});

describe("assign_work_item with expectedVersion", () => {
  it("assigns an item still at the version read, and refuses a stale version with E_CONCURRENCY_CONFLICT", async () => {
    const item = await createItem("Refund by link");

    const assigned = await ok("assign_work_item", { id: item.id, owner: "bo", expectedVersion: 1 });
    expect(assigned).toMatchObject({ owner: "bo", version: 2 });
    const stale = await refused("assign_work_item", { id: item.id, owner: "ana", expectedVersion: 1 });
    expect(stale).toMatch(/^E_CONCURRENCY_CONFLICT: .*expected version 1, found 2/);

    expect(await itemNow(item.id)).toEqual(assigned);
  });
});

describe("assign_work_item with an idempotency key", () => {
  it("answers a retry with the first call's item, and refuses the key for another item or owner", async () => {
    const [item, other] = [await createItem("Refund by card"), await createItem("Refund in store")];
    const request = { id: item.id, contributors: ["bo"], expectedVersion: 1, idempotencyKey: "assign-1" };

    const first = await ok("assign_work_item", request);
    expect(first).toMatchObject({ contributors: ["bo"], version: 2 });
    expect(await ok("assign_work_item", request)).toEqual(first);

    expect(await refused("assign_work_item", { ...request, id: other.id, expectedVersion: 1 })).toContain(
      `E_IDEMPOTENCY_CONFLICT: idempotency key "assign-1" was already used to assign work item ${item.id}, not to assign work item ${other.id}`,
    );
    expect(
      await refused("assign_work_item", { id: item.id, owner: "bo", idempotencyKey: "assign-1" }),
    ).toContain('E_IDEMPOTENCY_CONFLICT: idempotency key "assign-1" was already used to assign work item');

    expect(await itemNow(item.id)).toEqual(first);
    expect(await itemNow(other.id)).toEqual(other);
  });
});

describe("tools/list by group", () => {
  it("offers assign_work_item in the work group only, link_knowledge and unlink_knowledge in the knowledge group only", async () => {
    const offered = async (groups: string) => {
      const client = await connectToServer("groups-test", ["--dir", server.dir, "--tools", groups]);
      try {
        return (await client.listTools()).tools;
      } finally {
        await client.close();
      }
    };
    const added = ["assign_work_item", "link_knowledge", "unlink_knowledge"];
    const addedIn = async (groups: string) =>
      (await offered(groups)).map((tool) => tool.name).filter((name) => added.includes(name));

    const work = await offered("work");
    expect(work.map((tool) => tool.name).filter((name) => added.includes(name))).toEqual([
      "assign_work_item",
    ]);
    const assign = work.find((tool) => tool.name === "assign_work_item");
    expect(assign?.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: true });
    expect(assign?.inputSchema).toMatchObject({ additionalProperties: false, required: ["id"] });

    expect(await addedIn("knowledge")).toEqual(["link_knowledge", "unlink_knowledge"]);
    expect(await addedIn("floorplan,standards,skills,import")).toEqual([]);
  });
});

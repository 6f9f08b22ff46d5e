/**
 * `factory work artifact --artifact <id>` naming an artifact of another work
 * item is refused, saying to pass `--move` (the SDK says `move: true`), and
 * with `--move` moves it there. The built bin on a real SQLite file; results
 * checked through the SDK.
 */
import type { RecordedArtifact, WorkItem } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { firstLine, SLOW, useShopFactory } from "./shopFactory.js";

const { factory, ok, createItem, withSdk } = useShopFactory("factory-work-artifact-move-", { refresh: true });

describe("factory work artifact --move", () => {
  it("refuses an artifact of another work item naming --move, and moves it with --move", SLOW, async () => {
    const first = await createItem("Pay by link");
    const created = await ok("work", "create", "--line", "payments", "--json", "Refunds");
    const second = (JSON.parse(created.stdout) as WorkItem).id;
    const record = (item: string, ...flags: string[]) =>
      factory(
        "work",
        "artifact",
        item,
        "--kind",
        "requirement",
        "--title",
        "Link",
        "--artifact",
        "REQ-9",
        ...flags,
      );
    expect((await record(first)).code).toBe(0);
    const head = await withSdk((opened) => opened.log.head());

    const refused = await record(second);

    expect(refused.code).toBe(2);
    expect(firstLine(refused)).toBe(
      `error: E_USAGE: <id>: artifact "REQ-9" belongs to work item ${first} on line checkout, not work item ${second}; record it under an id of its own, or pass --move to move it to ${second}`,
    );
    expect(await withSdk((opened) => opened.log.head())).toBe(head);

    const moved = await record(second, "--move", "--json");

    expect(moved.code, moved.stderr).toBe(0);
    expect((JSON.parse(moved.stdout) as RecordedArtifact).artifact).toMatchObject({
      id: "REQ-9",
      version: 2,
      workItem: second,
      line: "payments",
    });
    expect(await withSdk(async (opened) => opened.work.artifactsOf(first))).toEqual([]);
  });
});

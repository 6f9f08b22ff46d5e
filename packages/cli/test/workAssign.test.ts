/**
 * `factory work assign`: the SDK's `assign` from a shell, with the moves'
 * `--idempotency-key` and `--expected-version`. The built bin, run as a
 * subprocess, on a real SQLite file, checked through the SDK.
 */
import type { WorkItem } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { firstLine, SLOW, useShopFactory } from "./shopFactory.js";

const { factory, createItem, withSdk } = useShopFactory("factory-work-assign-", { refresh: true });

/** A work item as the SDK reads it from the file the bin wrote. */
const itemOf = (id: string): Promise<WorkItem | undefined> => withSdk(async (opened) => opened.work.get(id));

describe("factory work assign", () => {
  it("hands an item to another owner and adds contributors, in text and in JSON", SLOW, async () => {
    const id = await createItem("Pay by link");
    const handed = await factory("work", "assign", id, "--owner", "bo");
    expect(handed.code, handed.stderr).toBe(0);
    expect(handed.stdout).toBe(`${id} is owned by bo\n`);

    const joined = await factory("work", "assign", id, "--contributor", "ana", "--json");
    expect(joined.code, joined.stderr).toBe(0);
    expect(JSON.parse(joined.stdout)).toMatchObject({ id, owner: "bo", contributors: ["ana"] });

    const text = await factory("work", "assign", id, "--owner", "ana", "--contributor", "bo");
    expect(text.stdout, text.stderr).toBe(`${id} is owned by ana (contributors: ana, bo)\n`);
    expect(await itemOf(id)).toMatchObject({ owner: "ana", contributors: ["ana", "bo"] });
  });

  it("refuses malformed flags with E_USAGE naming the flag, before anything is written", SLOW, async () => {
    const id = await createItem("Pay in instalments");
    const before = await itemOf(id);

    const malformed = await factory("work", "assign", id, "--owner", "Ana Lima");
    expect(malformed.code).toBe(2);
    expect(firstLine(malformed)).toBe(
      'error: E_USAGE: --owner: operator id must be 1-64 chars of [a-z0-9._-], starting with a letter or digit (got "Ana Lima")',
    );
    const blank = await factory("work", "assign", id, "--contributor", " ");
    expect(blank.code).toBe(2);
    expect(firstLine(blank)).toBe('error: E_USAGE: --contributor: must not be empty (got " ")');
    const nothing = await factory("work", "assign", id);
    expect(nothing.code).toBe(2);
    expect(firstLine(nothing)).toBe("error: E_USAGE: nothing to assign: give --owner or --contributor");
    const version = await factory("work", "assign", id, "--owner", "bo", "--expected-version", "0");
    expect(version.code).toBe(2);
    expect(firstLine(version)).toBe('error: E_USAGE: --expected-version: must be at least 1 (got "0")');
    const key = await factory("work", "assign", id, "--owner", "bo", "--idempotency-key", "");
    expect(key.code).toBe(2);
    expect(firstLine(key)).toBe('error: E_USAGE: --idempotency-key: must not be empty (got "")');

    expect(await itemOf(id)).toEqual(before);
  });

  it(
    "refuses an unknown item, owner or contributor with E_NOT_FOUND naming the argument or flag",
    SLOW,
    async () => {
      const id = await createItem("Pay by bank transfer");
      const before = await itemOf(id);

      const item = await factory("work", "assign", "wi_nope", "--owner", "bo");
      expect(item.code).toBe(1);
      expect(firstLine(item)).toBe('error: E_NOT_FOUND: <id>: no work item "wi_nope"');
      const owner = await factory("work", "assign", id, "--owner", "nobody");
      expect(owner.code).toBe(1);
      expect(firstLine(owner)).toBe('error: E_NOT_FOUND: --owner: no operator "nobody" in this factory');
      const contributor = await factory("work", "assign", id, "--contributor", "bo", "--contributor", "zed");
      expect(contributor.code).toBe(1);
      expect(firstLine(contributor)).toBe(
        'error: E_NOT_FOUND: --contributor: no operator "zed" in this factory',
      );

      expect(await itemOf(id)).toEqual(before);
    },
  );

  it("refuses to assign a dropped item with E_ILLEGAL_TRANSITION naming it", SLOW, async () => {
    const id = await createItem("Pay with points");
    expect((await factory("work", "drop", id, "--reason", "not now")).code).toBe(0);
    const refused = await factory("work", "assign", id, "--owner", "bo");
    expect(refused.code).toBe(1);
    expect(firstLine(refused)).toMatch(new RegExp(`^error: E_ILLEGAL_TRANSITION: .*${id}`));
    expect((await itemOf(id))?.owner).toBe("ana");
  });
});

describe("factory work assign --idempotency-key and --expected-version", () => {
  it(
    "assigns a retried command once, and refuses the key for another item naming the flag",
    SLOW,
    async () => {
      const [id, other] = [await createItem("Refund by link"), await createItem("Refund by card")];
      const assign = (target: string) =>
        factory(
          "work",
          "assign",
          target,
          "--contributor",
          "bo",
          "--idempotency-key",
          "ci-assign-1",
          "--json",
        );

      const first = await assign(id);
      expect(first.code, first.stderr).toBe(0);
      const retried = await assign(id);
      expect(retried.code, retried.stderr).toBe(0);
      expect(JSON.parse(retried.stdout)).toEqual(JSON.parse(first.stdout));
      const assigned = JSON.parse(first.stdout) as WorkItem;
      expect(await itemOf(id)).toMatchObject({ contributors: ["bo"], version: assigned.version });

      const untouched = await itemOf(other);
      const reused = await assign(other);
      expect(reused.code).toBe(1);
      expect(firstLine(reused)).toBe(
        `error: E_IDEMPOTENCY_CONFLICT: --idempotency-key: idempotency key "ci-assign-1" was already used to assign work item ${id}, not to assign work item ${other}; use a new key`,
      );
      expect(await itemOf(other)).toEqual(untouched);
    },
  );

  it("assigns an item still at that version, and refuses one that changed since", SLOW, async () => {
    const id = await createItem("Refund in store credit");
    const seen = (await itemOf(id))?.version as number;
    const assigned = await factory("work", "assign", id, "--owner", "bo", "--expected-version", String(seen));
    expect(assigned.code, assigned.stderr).toBe(0);

    const stale = await factory("work", "assign", id, "--owner", "ana", "--expected-version", String(seen));
    expect(stale.code).toBe(1);
    expect(firstLine(stale)).toMatch(
      new RegExp(
        `^error: E_CONCURRENCY_CONFLICT: work item ${id} changed while trying to assign it: expected version ${seen}, found ${seen + 1} `,
      ),
    );
    expect(await itemOf(id)).toMatchObject({ owner: "bo", version: seen + 1 });
  });
});

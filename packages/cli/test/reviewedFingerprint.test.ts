/**
 * `factory work review --reviewed-fingerprint`: a review names the version
 * the reviewer read (the fingerprint `work show` prints after a suspect
 * link), and is refused when upstream was revised since. `factory` run as a
 * shell would (runFactory), on a real SQLite file; results read through the SDK.
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { firstLine, SLOW, useShopFactory } from "./shopFactory.js";

const { cwd, factory, ok, createItem, withSdk } = useShopFactory("factory-reviewed-fingerprint-", {
  refresh: true,
});

const head = () => withSdk((opened) => opened.log.head());

beforeAll(() => {
  writeFileSync(join(cwd(), "run.json"), JSON.stringify({ runId: "ci-78", passed: 4, failed: 0 }));
});

describe("factory work review --reviewed-fingerprint", () => {
  it(
    "refuses a review of the version work show printed once upstream was revised, naming the fingerprint to review, and takes the current one",
    SLOW,
    async () => {
      const id = await createItem("Refund by mail");
      const requirement = (body: string) =>
        ok(
          "work",
          "artifact",
          id,
          "--kind",
          "requirement",
          "--title",
          "Refunds",
          "--artifact",
          "REQ-3",
          "--fields",
          body,
        );
      await requirement('{"body":"Refund within 14 days."}');
      await ok(
        "work",
        "artifact",
        id,
        "--kind",
        "testEvidence",
        "--title",
        "CI run 78",
        "--artifact",
        "RUN-78",
        "--fields",
        "@run.json",
      );
      await ok("work", "link", "RUN-78", "REQ-3", "--type", "verifies");
      const revised = await requirement('{"body":"Refund within 30 days."}');
      const v2 = await withSdk(async (opened) => opened.work.artifact("REQ-3")?.fingerprint as string);
      const link = await withSdk(async (opened) => opened.work.suspectLinks({ item: id })[0]?.id as string);
      const suspectAt = (fingerprint: string, version: number) =>
        `  suspect  ${link} RUN-78 verifies REQ-3 after REQ-3 v${version} ${fingerprint}\n`;
      expect(revised.stdout).toContain(suspectAt(v2, 2));
      // The reviewer reads the link and the fingerprint to name.
      expect((await ok("work", "show", id)).stdout).toContain(suspectAt(v2, 2));

      // Someone revises REQ-3 before the review is sent.
      await requirement('{"body":"Refund within 45 days."}');
      const v3 = await withSdk(async (opened) => opened.work.artifact("REQ-3")?.fingerprint as string);
      const before = await head();
      const stale = await factory("work", "review", link, "--verdict", "keep", "--reviewed-fingerprint", v2);
      expect(stale.code).toBe(1);
      expect(firstLine(stale)).toBe(
        `error: E_CONCURRENCY_CONFLICT: trace link ${link} was reviewed at fingerprint "${v2}", but its latest upstream change is REQ-3 version 3, fingerprint ${v3}; review that version and name its fingerprint`,
      );
      expect(await head()).toBe(before);
      expect((await ok("work", "show", id)).stdout).toContain(suspectAt(v3, 3));

      const reviewed = await ok("work", "review", link, "--verdict", "keep", "--reviewed-fingerprint", v3);
      expect(reviewed.stdout).toBe(`${link} reviewed (keep): RUN-78 verifies REQ-3 is no longer suspect\n`);
      expect(await withSdk(async (opened) => opened.work.traceLink(link))).toMatchObject({
        suspect: false,
        verifiedFingerprint: v3,
      });
    },
  );

  it("names --reviewed-fingerprint when its value is refused, and writes nothing", SLOW, async () => {
    const id = await createItem("Refund by phone");
    await ok(
      "work",
      "artifact",
      id,
      "--kind",
      "requirement",
      "--title",
      "Phone",
      "--artifact",
      "REQ-4",
      "--fields",
      '{"body":"a"}',
    );
    await ok(
      "work",
      "artifact",
      id,
      "--kind",
      "design",
      "--title",
      "IVR",
      "--artifact",
      "DES-4",
      "--fields",
      '{"body":"b"}',
    );
    const made = await ok("work", "link", "DES-4", "REQ-4", "--type", "derivesFrom", "--json");
    const link = (JSON.parse(made.stdout) as { id: string }).id;
    const before = await head();

    const long = await factory(
      "work",
      "review",
      link,
      "--verdict",
      "keep",
      "--reviewed-fingerprint",
      "f".repeat(201),
    );
    expect(long.code).toBe(2);
    expect(firstLine(long)).toBe(
      `error: E_USAGE: --reviewed-fingerprint: reviewedFingerprint is at most 200 characters (got "${"f".repeat(60)}"... (201 characters))`,
    );
    expect(await head()).toBe(before);
  });
});

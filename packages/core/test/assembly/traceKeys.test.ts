/**
 * Retried trace link writes land once. A review retried with its idempotency
 * key (a CI step run again, an agent retrying after a dropped connection)
 * returns the first review, from any process, so an `adapted` verdict counts
 * as rework once; the key reused for another review or write is an
 * IdempotencyConflictError naming what differs. Linking ends that are linked
 * so already returns their link and writes nothing.
 */
import { type AssemblyLine, type TraceLink, ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { changeSet, conflict, openTestFactory, type TestFactory, testRun } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

async function count(type: string): Promise<number> {
  return (await factory.log.read({ types: [type] })).length;
}

/** A `tiny` work item with a requirement REQ-1 and a design derived from it. */
async function designed(line: AssemblyLine) {
  const item = await line.createWorkItem({ line: "checkout", title: "Pay later", flow: "tiny" });
  await line.recordArtifact({
    id: "REQ-1",
    kind: "requirement",
    title: "Pay later",
    fields: { body: "pay within 14 days" },
    workItem: item.id,
  });
  const design = await line.recordArtifact({
    id: "DES-1",
    kind: "design",
    title: "Deferred charges",
    fields: { body: "charge on day 14" },
    workItem: item.id,
  });
  const link = await line.link({ from: design.artifact.id, to: "REQ-1", type: "derivesFrom" });
  return { item, link };
}

/** Records a new version of REQ-1, which makes the design's link suspect. */
async function reviseRequirement(line: AssemblyLine, body: string): Promise<void> {
  await line.recordArtifact({ id: "REQ-1", kind: "requirement", title: "Pay later", fields: { body } });
}

describe("reviewing a link with an idempotency key", () => {
  it("returns the first review to a retry, here and from another process, and counts an adapted link as rework once", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const { item, link } = await designed(line);
    await reviseRequirement(line, "pay within 30 days");
    const review = { verdict: "adapted", note: "charge on day 30" } as const;

    const first = await line.reviewLink(link.id, review, { idempotencyKey: "review-1" });
    expect(first).toMatchObject({ id: link.id, suspect: false });
    expect(await line.reviewLink(link.id, review, { idempotencyKey: "review-1" })).toEqual(first);
    const { line: other } = await factory.reopen();
    expect(await other.reviewLink(link.id, review, { idempotencyKey: "review-1" })).toEqual(first);
    expect(await count("trace.reviewed")).toBe(1);

    await line.advance(item.id);
    await line.recordArtifact({ kind: "changeSet", title: "Charges", fields: changeSet, workItem: item.id });
    await line.advance(item.id);
    await line.recordArtifact({ kind: "testEvidence", title: "CI", fields: testRun(), workItem: item.id });
    await line.advance(item.id);
    const week = { from: new Date("2026-03-01T00:00:00Z"), to: new Date("2026-03-08T00:00:00Z") };
    const measured = (await line.measures(week)).yield;
    expect(measured).toMatchObject({ delivered: 1, firstPass: 0 });
    expect(measured.rework.adaptedLinks).toBe(1);
  });

  it("reviews once when two processes retry the same key at once", async () => {
    factory = await openTestFactory();
    const { link } = await designed(factory.line);
    await reviseRequirement(factory.line, "pay within 30 days");
    const { line: other } = await factory.reopen();
    const review = { verdict: "adapted" } as const;
    const links = await Promise.all([
      factory.line.reviewLink(link.id, review, { idempotencyKey: "review-2" }),
      other.reviewLink(link.id, review, { idempotencyKey: "review-2" }),
      factory.line.reviewLink(link.id, review, { idempotencyKey: "review-2" }),
    ]);
    expect(links.map((reviewed) => [reviewed.id, reviewed.suspect])).toEqual([
      [link.id, false],
      [link.id, false],
      [link.id, false],
    ]);
    expect(await count("trace.reviewed")).toBe(1);
  });

  it("refuses the key for another verdict, note, link or write, naming it, and writes nothing", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const { link } = await designed(line);
    const test = await line.recordArtifact({ id: "TEST-1", kind: "test", title: "Day 14", fields: {} });
    const tested = await line.link({ from: test.artifact.id, to: "REQ-1", type: "verifies" });
    await line.reviewLink(link.id, { verdict: "keep", note: "still right" }, { idempotencyKey: "k1" });

    const verdict = await conflict(
      line.reviewLink(link.id, { verdict: "adapted", note: "still right" }, { idempotencyKey: "k1" }),
    );
    expect(verdict).toMatchObject({ code: "E_IDEMPOTENCY_CONFLICT", key: "k1" });
    expect(verdict.message).toBe(
      `idempotency key "k1" was already used to review trace link ${link.id} with a different verdict; use a new key`,
    );
    const note = await conflict(line.reviewLink(link.id, { verdict: "keep" }, { idempotencyKey: "k1" }));
    expect(note.message).toContain(`review trace link ${link.id} with a different note;`);
    const another = await conflict(line.reviewLink(tested.id, { verdict: "keep" }, { idempotencyKey: "k1" }));
    expect(another.message).toBe(
      `idempotency key "k1" was already used to review trace link ${link.id}, not to review trace link ${tested.id}; use a new key`,
    );
    const deployment = await conflict(line.recordDeployment({ version: "v1" }, { idempotencyKey: "k1" }));
    expect(deployment.message).toContain(
      `was already used to review trace link ${link.id}, not to record deployment`,
    );
    const deployed = await line.recordDeployment({ version: "v1" }, { idempotencyKey: "k2" });
    const review = await conflict(line.reviewLink(link.id, { verdict: "keep" }, { idempotencyKey: "k2" }));
    expect(review.message).toContain(
      `was already used to record deployment ${deployed}, not to review trace link ${link.id}`,
    );

    expect(await count("trace.reviewed")).toBe(1);
    expect(await count("deployment.recorded")).toBe(1);
    await expect(
      line.reviewLink(link.id, { verdict: "keep" }, { idempotencyKey: "" }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("linking ends that are linked already", () => {
  it("returns their link, suspect or not, and writes nothing; after an obsolete review it links anew", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const { link } = await designed(line);
    const again = { from: "DES-1", to: "REQ-1", type: "derivesFrom" } as const;

    expect(await line.link(again)).toEqual(link);
    const [same, verifies, twice] = await line.linkAll([
      again,
      { from: "DES-1", to: "REQ-1", type: "satisfies" },
      { from: "DES-1", to: "REQ-1", type: "satisfies" },
    ]);
    expect(same).toEqual(link);
    expect(verifies?.id).not.toBe(link.id);
    expect(twice).toEqual(verifies);
    expect(await count("trace.linked")).toBe(2);

    await reviseRequirement(line, "pay within 30 days");
    expect(await line.link(again)).toMatchObject({ id: link.id, suspect: true });
    await line.reviewLink(link.id, { verdict: "obsolete" });
    const anew = await line.link(again);
    expect(anew).toMatchObject({ suspect: false, obsolete: false });
    expect(anew.id).not.toBe(link.id);
    expect(await count("trace.linked")).toBe(3);
  });

  it("links once when two processes link the same ends at once", async () => {
    factory = await openTestFactory();
    await designed(factory.line);
    await factory.line.recordArtifact({ id: "TEST-1", kind: "test", title: "Day 14", fields: {} });
    const { line: other } = await factory.reopen();
    await other.refresh();
    const verifies = { from: "TEST-1", to: "REQ-1", type: "verifies" } as const;
    const links: TraceLink[] = await Promise.all([
      factory.line.link(verifies),
      other.link(verifies),
      factory.line.link(verifies),
    ]);
    expect(new Set(links.map((made) => made.id)).size).toBe(1);
    expect(await count("trace.linked")).toBe(2);
  });
});

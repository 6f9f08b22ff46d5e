import {
  AssemblyLineService,
  ConcurrencyConflictError,
  EventLogService,
  TraceReviewed,
  ValidationError,
} from "@software-factory/core";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

const requirement = (body: string) => ({
  id: "REQ-1",
  kind: "requirement",
  title: "Retry",
  fields: { body },
});
const design = (body: string) => ({ id: "DES-1", kind: "design", title: "Queue", fields: { body } });
const evidence = {
  id: "TEST-1",
  kind: "testEvidence",
  title: "Retries",
  fields: { runId: "r1", passed: 3, failed: 0 },
};

/** REQ-1 <- DES-1 <- TEST-1, then REQ-1 revised: both links suspect for REQ-1 version 2. */
async function revisedChain(f: TestFactory) {
  await f.line.recordArtifacts([requirement("Retry up to 3 times"), design("SQS"), evidence]);
  const [designed, verified] = await f.line.linkAll([
    { from: "DES-1", to: "REQ-1", type: "derivesFrom" },
    { from: "TEST-1", to: "DES-1", type: "verifies" },
  ]);
  const v2 = await f.line.recordArtifact(requirement("Retry up to 5 times"));
  return { designed: designed?.id as string, verified: verified?.id as string, v2: v2.artifact.fingerprint };
}

describe("reviewLink with reviewedFingerprint, the version the reviewer read", () => {
  it("refuses a review of a version revised since it was read, naming the current fingerprint, through an up-to-date line", async () => {
    factory = await openTestFactory();
    const { designed, v2 } = await revisedChain(factory);
    // Bob reads the link (a CLI run, an agent's list_suspect_links): its latest change is REQ-1 at v2.
    expect(factory.line.traceLink(designed)?.causes.at(-1)).toMatchObject({
      artifact: "REQ-1",
      version: 2,
      to: v2,
    });
    // Alice revises REQ-1 meanwhile; Bob's review goes through a line opened after that (a later CLI run).
    const v3 = (await factory.line.recordArtifact(requirement("Retry up to 7 times"))).artifact.fingerprint;
    const { log: bobLog, line: bob } = await factory.reopen();

    const review = bob.reviewLink(designed, { verdict: "keep", reviewedFingerprint: v2 });

    await expect(review).rejects.toBeInstanceOf(ConcurrencyConflictError);
    await expect(review).rejects.toThrow(
      `trace link ${designed} was reviewed at fingerprint "${v2}", but its latest upstream change is REQ-1 version 3, fingerprint ${v3}; review that version and name its fingerprint`,
    );
    await expect(review).rejects.toMatchObject({ expected: 1, actual: 2 });
    expect(await bobLog.read({ types: [TraceReviewed.type] })).toEqual([]);
    expect(bob.traceLink(designed)).toMatchObject({ suspect: true });

    // Named as it is now, the review lands and the link is verified against v3.
    expect(await bob.reviewLink(designed, { verdict: "keep", reviewedFingerprint: v3 })).toMatchObject({
      suspect: false,
      causes: [],
      verifiedFingerprint: v3,
    });
  });

  it("covers a change further up: the fingerprint named is the last cause's, whichever artifact it is", async () => {
    factory = await openTestFactory();
    const { verified, v2 } = await revisedChain(factory);
    // TEST-1 verifies DES-1, suspect for REQ-1's change two hops up; DES-1 itself did not change.
    expect(factory.line.traceLink(verified)?.causes.at(-1)).toMatchObject({
      artifact: "REQ-1",
      hops: 2,
      to: v2,
    });
    const designFingerprint = factory.line.artifact("DES-1")?.fingerprint as string;

    await expect(
      factory.line.reviewLink(verified, { verdict: "keep", reviewedFingerprint: designFingerprint }),
    ).rejects.toThrow(`its latest upstream change is REQ-1 version 2, fingerprint ${v2}`);
    await factory.line.recordArtifact(requirement("Retry up to 7 times"));
    await expect(
      factory.line.reviewLink(verified, { verdict: "keep", reviewedFingerprint: v2 }),
    ).rejects.toThrow(/its latest upstream change is REQ-1 version 3/);
    const v3 = factory.line.traceLink(verified)?.causes.at(-1)?.to as string;
    expect(
      await factory.line.reviewLink(verified, { verdict: "keep", reviewedFingerprint: v3 }),
    ).toMatchObject({
      suspect: false,
      verifiedFingerprint: designFingerprint,
    });
  });

  it("names the upstream's fingerprint for a link that is not suspect, and refuses a fingerprint for a work item upstream", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    await line.recordArtifacts([requirement("Retry up to 3 times"), design("SQS")]);
    const link = await line.link({ from: "DES-1", to: "REQ-1", type: "derivesFrom" });
    const current = line.artifact("REQ-1")?.fingerprint as string;

    await expect(
      line.reviewLink(link.id, { verdict: "keep", reviewedFingerprint: "f".repeat(64) }),
    ).rejects.toThrow(
      `trace link ${link.id} was reviewed at fingerprint "${"f".repeat(64)}", but its upstream REQ-1 is at fingerprint ${current}`,
    );
    expect(await line.reviewLink(link.id, { verdict: "keep", reviewedFingerprint: current })).toMatchObject({
      verifiedFingerprint: current,
    });

    const item = await line.createWorkItem({ line: "web", title: "Retries" });
    const toItem = await line.link({ from: "DES-1", to: item.id, type: "implements" });
    const refused = line.reviewLink(toItem.id, { verdict: "keep", reviewedFingerprint: current });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ issues: [{ path: "reviewedFingerprint" }] });
    await expect(refused).rejects.toThrow(`upstream ${item.id} is no artifact`);
  });

  it("refuses an empty fingerprint as invalid input, and a review naming none clears the link as before", async () => {
    factory = await openTestFactory();
    const { designed } = await revisedChain(factory);
    await factory.line.recordArtifact(requirement("Retry up to 7 times"));

    await expect(
      factory.line.reviewLink(designed, { verdict: "keep", reviewedFingerprint: "" }),
    ).rejects.toThrow("link review is invalid: reviewedFingerprint: reviewedFingerprint must not be empty");
    expect(await factory.line.reviewLink(designed, { verdict: "keep" })).toMatchObject({ suspect: false });
  });

  it("fails in the Effect face's typed channel with ConcurrencyConflictError, on the same file", async () => {
    factory = await openTestFactory();
    const { designed, v2 } = await revisedChain(factory);
    const v3 = (await factory.line.recordArtifact(requirement("Retry up to 7 times"))).artifact.fingerprint;
    const layer = AssemblyLineService.layer().pipe(
      Layer.provide(EventLogService.layer({ path: factory.path, actor: "carol" })),
    );
    const review = (reviewedFingerprint: string) =>
      Effect.gen(function* () {
        const work = yield* AssemblyLineService;
        return yield* work.reviewLink(designed, { verdict: "adapted", reviewedFingerprint });
      });

    const stale = await Effect.runPromise(Effect.provide(Effect.flip(review(v2)), layer));
    expect(stale).toBeInstanceOf(ConcurrencyConflictError);
    expect(stale.message).toContain(`REQ-1 version 3, fingerprint ${v3}`);
    const landed = await Effect.runPromise(Effect.provide(review(v3), layer));
    expect(landed).toMatchObject({ suspect: false, verifiedFingerprint: v3 });
  });
});

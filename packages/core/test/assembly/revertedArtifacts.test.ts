import { type AssemblyLine, TraceRestored } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

const body = "Customers pay by a link sent by email.\nThe link expires after 24 hours.";
const changedBody = body.replace("24", "48");

/** REQ-4 <- DES-1 <- TASK-1 <- TEST-1: three links, each verified against its upstream's first version. */
async function chain(line: AssemblyLine) {
  await line.recordArtifacts([
    { id: "REQ-4", kind: "requirement", title: "Pay by link", fields: { body } },
    { id: "DES-1", kind: "design", title: "Link tokens", fields: { body: "JWT in the URL" } },
    { id: "TASK-1", kind: "task", title: "Issue tokens", fields: { body: "endpoint" } },
    { id: "TEST-1", kind: "test", title: "Token expiry", fields: { body: "expires" } },
  ]);
  return line.linkAll([
    { from: "DES-1", to: "REQ-4", type: "derivesFrom" },
    { from: "TASK-1", to: "DES-1", type: "derivesFrom" },
    { from: "TEST-1", to: "TASK-1", type: "verifies" },
  ]);
}

const requirement = (text: string) => ({
  id: "REQ-4",
  kind: "requirement",
  title: "Pay by link",
  fields: { body: text },
});

describe("an artifact reverted to the fingerprint its links were verified against", () => {
  it("makes those links clean again, down the chain, and a trace.restored event says why", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const links = await chain(line);
    const first = line.artifact("REQ-4")?.fingerprint;
    const changed = await line.recordArtifact(requirement(changedBody));
    expect(changed.suspected).toHaveLength(3);

    const reverted = await line.recordArtifact(requirement(body));
    expect(reverted).toMatchObject({
      changed: true,
      suspected: [],
      artifact: { version: 3, fingerprint: first },
    });
    expect(line.suspectLinks()).toEqual([]);
    for (const link of links)
      expect(line.traceLink(link.id)).toMatchObject({
        suspect: false,
        causes: [],
        verifiedFingerprint: link.verifiedFingerprint,
      });

    const restored = (await log.read({ types: [TraceRestored.type] })).filter(TraceRestored.is);
    expect(restored).toHaveLength(1);
    expect(restored[0]).toMatchObject({ subject: "REQ-4", data: { fingerprint: first, version: 3 } });

    // Another process folding the whole log reads the same.
    const other = await factory.reopen();
    expect(other.line.suspectLinks()).toEqual([]);
  });

  it("keeps a link suspect for another upstream change that was not undone", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const [toReq, toDesign] = await chain(line);
    await line.recordArtifact(requirement(changedBody));
    await line.recordArtifact({
      id: "DES-1",
      kind: "design",
      title: "Link tokens",
      fields: { body: "opaque ids" },
    });
    await line.recordArtifact(requirement(body));

    expect(line.traceLink(toReq?.id as string)).toMatchObject({ suspect: false, causes: [] });
    const design = line.traceLink(toDesign?.id as string);
    expect(design?.suspect).toBe(true);
    expect(design?.causes.map((cause) => [cause.artifact, cause.hops])).toEqual([["DES-1", 1]]);
  });

  it("keeps a link suspect that was reviewed against the changed version, and restores the others", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const [toReq, toDesign, toTask] = await chain(line);
    const changed = await line.recordArtifact(requirement(changedBody));
    await line.reviewLink(toReq?.id as string, { verdict: "keep" });

    const reverted = await line.recordArtifact(requirement(body));
    // Reviewed at version 2, the link is verified against it now: going back is a change.
    expect(line.traceLink(toReq?.id as string)).toMatchObject({
      suspect: true,
      verifiedFingerprint: changed.artifact.fingerprint,
    });
    expect(reverted.suspected.map((link) => link.id)).toEqual([toReq?.id]);
    // The links further down were not reviewed: their suspicion began at version 1, which is back.
    expect(line.traceLink(toDesign?.id as string)?.suspect).toBe(false);
    expect(line.traceLink(toTask?.id as string)?.suspect).toBe(false);
    expect(await log.read({ types: [TraceRestored.type] })).toHaveLength(1);

    // Back at a fingerprint no suspicion began at: the links stay suspect and no event is written.
    await line.reviewLink(toReq?.id as string, { verdict: "keep" });
    await line.recordArtifact(requirement("Something else entirely"));
    await line.recordArtifact(requirement(changedBody));
    expect(line.suspectLinks()).toHaveLength(3);
    expect(await log.read({ types: [TraceRestored.type] })).toHaveLength(1);
  });

  it("restores links within one batch that changes and reverts, and across writers on one file", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    await chain(line);
    await line.recordArtifacts([
      requirement(changedBody),
      requirement("Something else entirely"),
      requirement(body),
    ]);
    expect(line.suspectLinks()).toEqual([]);

    const other = await factory.reopen();
    await other.line.recordArtifact(requirement(changedBody));
    await line.refresh();
    expect(line.suspectLinks()).toHaveLength(3);
    await line.recordArtifact(requirement(`${body}\n`));
    await other.line.refresh();
    expect(other.line.suspectLinks()).toEqual([]);
  });
});

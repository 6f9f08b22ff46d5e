import { DEFAULT_PIPELINE, fingerprintArtifact, TraceReviewed } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { changeSet, openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

const body = "Customers pay by a link sent by email.\nThe link expires after 24 hours.";

/** Records REQ-4 (outside a work item) again with `text` as its body, titled `title`. */
const recordRequirement = (text: string, title = "Pay by link") =>
  factory.line.recordArtifact({ id: "REQ-4", kind: "requirement", title, fields: { body: text } });

/** REQ-4 <- design <- task <- test: a chain of four artifacts, three links. */
async function chain(f: TestFactory) {
  const { line } = f;
  const item = await line.createWorkItem({ line: "checkout", title: "Pay by link", flow: "full" });
  const req = await line.recordArtifact({
    id: "REQ-4",
    kind: "requirement",
    title: "Pay by link",
    fields: { body },
    workItem: item.id,
    stage: "requirements",
  });
  const onItem = (kind: string, title: string, text: string, stage: string) =>
    line.recordArtifact({ kind, title, fields: { body: text }, workItem: item.id, stage });
  const design = await onItem("design", "Link tokens", "JWT in the URL", "design");
  const task = await onItem("task", "Issue tokens", "endpoint", "implementation");
  const test = await onItem("test", "Token expiry test", "expires", "testing");
  const l1 = await line.link({ from: design.artifact.id, to: "REQ-4", type: "derivesFrom" });
  const l2 = await line.link({ from: task.artifact.id, to: design.artifact.id, type: "derivesFrom" });
  const l3 = await line.link({ from: test.artifact.id, to: task.artifact.id, type: "verifies" });
  return { item, req, design, task, test, links: [l1, l2, l3] };
}

describe("artifacts and trace links", () => {
  it("fingerprints ignore reflowed paragraphs and formatting", () => {
    const reflowed = "Customers pay by a **link** sent by email. The link\n   expires after 24 hours.  ";
    expect(fingerprintArtifact("Pay by link", { body })).toBe(
      fingerprintArtifact("Pay by link", { body: reflowed }),
    );
    expect(fingerprintArtifact("Pay by link", { body })).not.toBe(
      fingerprintArtifact("Pay by link", { body: body.replace("24", "48") }),
    );
    expect(fingerprintArtifact("x", { body, owner: "a" }, ["body"])).toBe(
      fingerprintArtifact("x", { body, owner: "b" }, ["body"]),
    );
  });

  it("records the upstream fingerprint on each link and versions artifacts", async () => {
    factory = await openTestFactory();
    const { req, links } = await chain(factory);
    expect(req.artifact).toMatchObject({ id: "REQ-4", version: 1, kind: "requirement", recordedBy: "alice" });
    expect(links[0]).toMatchObject({
      to: "REQ-4",
      type: "derivesFrom",
      verifiedFingerprint: req.artifact.fingerprint,
      suspect: false,
    });
    const same = await recordRequirement(body);
    expect(same).toMatchObject({ changed: false, suspected: [] });
    expect(same.artifact.version).toBe(1);
    const reflowed = await recordRequirement(body.replace("\n", " "));
    expect(reflowed).toMatchObject({ changed: true, suspected: [] });
    expect(reflowed.artifact.version).toBe(2);
    expect(factory.line.suspectLinks()).toEqual([]);
  });

  it("reports no links suspected by a reflowed version that follows a change", async () => {
    factory = await openTestFactory();
    const { links } = await chain(factory);
    const changed = await recordRequirement(body.replace("24", "48"));
    expect(changed.suspected).toHaveLength(3);
    const reflowed = await recordRequirement(body.replace("24", "48").replace("\n", " "));
    expect(reflowed).toMatchObject({ changed: true, suspected: [], artifact: { version: 3 } });
    expect(reflowed.artifact.fingerprint).toBe(changed.artifact.fingerprint);
    // The links stay suspect for the change before: the reflow neither adds a cause nor lifts one.
    expect(factory.line.suspectLinks().map((link) => [link.id, link.causes.length])).toEqual(
      links.map((link) => [link.id, 1]),
    );
    // In one batch, the change names the links it made suspect and the reflow after it none.
    const requirement = (text: string) => ({
      id: "REQ-4",
      kind: "requirement",
      title: "Pay by link",
      fields: { body: text },
    });
    const batch = await factory.line.recordArtifacts([
      requirement(body.replace("24", "72")),
      requirement(body.replace("24", "72").replace("\n", " ")),
    ]);
    expect(batch.map((recorded) => [recorded.artifact.version, recorded.suspected.length])).toEqual([
      [5, 3],
      [5, 0],
    ]);
  });

  it("marks the whole chain downstream suspect when the requirement changes, then clears it by review", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const { item, req, links } = await chain(factory);
    factory.clock.advance(60_000);
    const changed = await recordRequirement(body.replace("24", "48"));
    expect(changed.artifact.version).toBe(2);
    expect(changed.suspected.map((link) => link.id)).toEqual(links.map((link) => link.id));
    expect(changed.suspected.map((link) => link.causes[0]?.hops)).toEqual([1, 2, 3]);
    expect(changed.suspected[2]?.causes[0]).toMatchObject({
      artifact: "REQ-4",
      from: req.artifact.fingerprint,
      to: changed.artifact.fingerprint,
      version: 2,
      at: "2026-03-02T09:01:00.000Z",
    });
    expect(line.suspectLinks({ item: item.id })).toHaveLength(3);
    expect(line.suspectLinks({ line: "checkout" })).toHaveLength(3);
    expect(line.suspectLinks({ line: "search" })).toHaveLength(0);

    const [l1, l2, l3] = links;
    const reviewed = await line.reviewLink(l1?.id as string, {
      verdict: "adapted",
      note: "design updated",
      actor: "olivia",
    });
    expect(reviewed).toMatchObject({
      suspect: false,
      causes: [],
      verifiedFingerprint: changed.artifact.fingerprint,
    });
    await line.reviewLink(l2?.id as string, { verdict: "keep" });
    expect(line.suspectLinks().map((link) => link.id)).toEqual([l3?.id]);
    await line.reviewLink(l3?.id as string, { verdict: "obsolete" });
    expect(line.suspectLinks()).toEqual([]);

    const reviews = (await log.read({ types: [TraceReviewed.type] })).filter(TraceReviewed.is);
    expect(reviews[0]).toMatchObject({
      actor: "olivia",
      subject: l1?.id,
      data: {
        verdict: "adapted",
        from: req.artifact.fingerprint,
        to: changed.artifact.fingerprint,
        note: "design updated",
      },
    });

    // An obsolete link carries no more suspicion: changing the task now only reaches nothing.
    const task = await line.recordArtifact({
      id: l3?.to as string,
      kind: "task",
      title: "Issue tokens",
      fields: { body: "endpoint v2" },
    });
    expect(task.suspected).toEqual([]);
  });

  it("follows the per-link-type policy: one hop for direct, nothing for none", async () => {
    factory = await openTestFactory({
      pipeline: { ...DEFAULT_PIPELINE, propagation: { derivesFrom: "direct", verifies: "none" } },
    });
    const { links } = await chain(factory);
    const changed = await recordRequirement(body, "Pay by link v2");
    expect(changed.suspected.map((link) => link.id)).toEqual([links[0]?.id]);
  });

  it("walks a requirement's chain both ways and traces an item from its signal to feedback", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const signal = await line.captureSignal({
      text: "Customers want to pay later",
      source: "support",
      severity: "high",
      line: "checkout",
    });
    const { item, design, task, test } = await chain(factory);
    await line.link({ from: "REQ-4", to: signal.id, type: "addresses" });
    const code = await line.recordArtifact({
      kind: "changeSet",
      title: "Tokens",
      fields: changeSet,
      workItem: item.id,
      stage: "implementation",
    });
    await line.link({ from: code.artifact.id, to: "REQ-4", type: "implements" });
    const feedback = await line.recordArtifact({
      kind: "feedback",
      title: "Fewer abandoned carts",
      fields: { metric: "-12%" },
      stage: "operate",
    });
    await line.link({ from: feedback.artifact.id, to: code.artifact.id, type: "derivesFrom" });

    const down = line.walk("REQ-4", "downstream");
    expect(new Set(down.nodes)).toEqual(
      new Set([
        design.artifact.id,
        code.artifact.id,
        task.artifact.id,
        feedback.artifact.id,
        test.artifact.id,
      ]),
    );
    expect(down.nodes).not.toContain(signal.id);
    const up = line.walk(feedback.artifact.id, "upstream");
    expect(up.nodes).toEqual([code.artifact.id, "REQ-4", signal.id]);

    const trace = line.trace(item.id);
    expect(trace.upstream).toContain(signal.id);
    expect(trace.downstream).toContain(feedback.artifact.id);
    expect(trace.artifacts.map((artifact) => artifact.stage)).toEqual([
      "requirements",
      "design",
      "implementation",
      "implementation",
      "testing",
      "operate",
    ]);
    expect(trace.signals.map((s) => s.id)).toEqual([signal.id]);
  });

  it("makes what was built under a standard suspect when the standard changes", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const { design, task } = await chain(factory);
    const standard = (text: string) =>
      line.recordArtifact({
        id: "STD-security",
        kind: "standard",
        title: "Token handling",
        fields: { body: text },
      });
    await standard("rotate keys yearly");
    await line.link({ from: design.artifact.id, to: "STD-security", type: "satisfies" });
    const changed = await standard("rotate keys every 90 days");
    // The design link to the standard, and through the design the task and its test.
    expect(changed.suspected.map((link) => [link.from, link.causes[0]?.hops])).toEqual([
      [design.artifact.id, 1],
      [task.artifact.id, 2],
      [expect.stringMatching(/^art_/), 3],
    ]);
  });

  it("refuses links to ends that do not exist", async () => {
    factory = await openTestFactory();
    await expect(factory.line.link({ from: "REQ-1", to: "REQ-2", type: "derivesFrom" })).rejects.toThrow(
      /from: "REQ-1" is no artifact, work item or signal/,
    );
  });
});

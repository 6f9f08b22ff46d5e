/**
 * `record_artifact` and `review_link`: the SDK's `recordArtifact` and
 * `reviewLink` (with its idempotency key) over MCP, with `link_artifacts` and `list_suspect_links` in
 * the flow that keeps a line synchronized. A real client over stdio to the
 * built `factory-mcp`, on a real SQLite factory.
 */
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

interface Artifact {
  id: string;
  kind: string;
  title: string;
  workItem?: string;
  line?: string;
  stage?: string;
  version: number;
  fingerprint: string;
  recordedBy: string;
}

interface Link {
  id: string;
  from: string;
  to: string;
  type: string;
  suspect: boolean;
  causes: { artifact: string; hops: number }[];
  obsolete: boolean;
}

interface Recorded {
  artifact: Artifact;
  changed: boolean;
  suspected: Link[];
}

const server = useSeededServer("artifact-tools-test");
const { call, refused } = server;

/** A tool's answer that must not be an error (checked). */
async function ok(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await call(name, args);
  expect(result.isError, result.content[0]?.text).toBeUndefined();
  return result.structuredContent as Record<string, unknown>;
}

/** Records an artifact with record_artifact and returns its answer. */
async function record(args: Record<string, unknown>): Promise<Recorded> {
  return (await ok("record_artifact", args)) as unknown as Recorded;
}

/** A new work item on checkout, made with create_work_item; answers its id. */
async function createItem(title: string): Promise<string> {
  return (await ok("create_work_item", { line: "checkout", title })).id as string;
}

/** The suspect links of a work item, as list_suspect_links answers them. */
async function suspectLinksOf(item: string): Promise<Link[]> {
  return (await ok("list_suspect_links", { workItem: item })).items as Link[];
}

describe("record_artifact", () => {
  it("records an artifact of a work item, in the item's line and stage, as the server's actor", async () => {
    const item = await createItem("Pay by link");

    const recorded = await record({
      id: "REQ-pay-link",
      kind: "requirement",
      title: "Customers pay by a link",
      fields: { body: "A customer pays with a link sent by email." },
      workItem: item,
    });

    expect(recorded).toEqual({
      artifact: {
        id: "REQ-pay-link",
        kind: "requirement",
        title: "Customers pay by a link",
        workItem: item,
        line: "checkout",
        stage: "intake",
        version: 1,
        fingerprint: expect.stringMatching(/^[0-9a-f]{16,}$/),
        recordedAt: expect.any(String),
        recordedBy: "agent",
      },
      changed: true,
      suspected: [],
    });
  });

  it("records a code change and test results with their evidence fields, in the stage given", async () => {
    const item = await createItem("Pay by QR code");

    const change = await record({
      id: "CHG-qr",
      kind: "changeSet",
      title: "QR payment endpoint",
      fields: { commit: "9fceb02d0ae5", paths: ["src/checkout/qr.ts"] },
      workItem: item,
      stage: "implementation",
    });
    const tests = await record({
      id: "TEST-qr",
      kind: "testEvidence",
      title: "QR payment tests",
      fields: { runId: "ci-812", passed: 42, failed: 0 },
      workItem: item,
      stage: "testing",
    });

    expect(change.artifact).toMatchObject({ kind: "changeSet", stage: "implementation", version: 1 });
    expect(tests.artifact).toMatchObject({ kind: "testEvidence", stage: "testing", version: 1 });
  });

  it("answers without the fields it was sent, so a long body does not come back", async () => {
    const item = await createItem("Design the vault");
    const body = "The vault keeps one token per card. ".repeat(5000);

    const answer = await call("record_artifact", {
      id: "DES-vault",
      kind: "design",
      title: "Card vault",
      fields: { body },
      workItem: item,
    });

    expect(answer.structuredContent?.artifact).toMatchObject({ id: "DES-vault", version: 1 });
    expect(answer.structuredContent?.artifact).not.toHaveProperty("fields");
    expect(answer.content[0]?.text.length).toBeLessThan(1000);
  });

  it("answers a retry with the same content unchanged and writes no new version", async () => {
    const args = { id: "REQ-retry", kind: "requirement", title: "Retries", fields: { body: "Once." } };

    const first = await record(args);
    const retry = await record(args);

    expect(first.changed).toBe(true);
    expect(retry).toEqual({ ...first, changed: false });
  });
});

describe("record_artifact, link_artifacts, list_suspect_links and review_link", () => {
  it("turns a link suspect when the requirement changes, and clears it on review", async () => {
    const item = await createItem("Save cards for later");
    const requirement = await record({
      id: "REQ-save-card",
      kind: "requirement",
      title: "Save a card",
      fields: { body: "A customer can save a card for later payments." },
      workItem: item,
    });
    const design = await record({
      id: "DES-save-card",
      kind: "design",
      title: "Card vault",
      fields: { body: "Cards are tokenised by the provider; we keep the token." },
      workItem: item,
    });
    const link = (await ok("link_artifacts", {
      from: design.artifact.id,
      to: requirement.artifact.id,
      type: "derivesFrom",
    })) as unknown as Link;
    expect(link).toMatchObject({ from: "DES-save-card", to: "REQ-save-card", suspect: false });
    expect(await suspectLinksOf(item)).toEqual([]);

    const revised = await record({
      id: "REQ-save-card",
      kind: "requirement",
      title: "Save a card",
      fields: { body: "A customer can save up to three cards for later payments." },
      workItem: item,
    });

    expect(revised.artifact.version).toBe(2);
    expect(revised.artifact.fingerprint).not.toBe(requirement.artifact.fingerprint);
    expect(revised.suspected).toEqual([
      expect.objectContaining({ id: link.id, suspect: true, causes: [expect.objectContaining({ hops: 1 })] }),
    ]);
    expect((await suspectLinksOf(item)).map((suspect) => suspect.id)).toEqual([link.id]);
    // Each filter says "only": with both it answered the links of either, this one for the payments line.
    expect(await refused("list_suspect_links", { workItem: item, line: "payments" })).toBe(
      "E_VALIDATION: list_suspect_links input is invalid: (root): give workItem or line, not both: a work item's links are among its line's",
    );

    const reviewed = await ok("review_link", {
      id: link.id,
      verdict: "adapted",
      note: "the vault holds up to three tokens",
    });

    expect(reviewed).toMatchObject({ id: link.id, suspect: false, causes: [], obsolete: false });
    expect(reviewed.verifiedFingerprint).toBe(revised.artifact.fingerprint);
    expect(await suspectLinksOf(item)).toEqual([]);
  });

  it("keeps a work item out of release while its link is suspect, and lets it in once the link is reviewed", async () => {
    const item = (await ok("create_work_item", { line: "checkout", title: "Pay later", flow: "tiny" })).id;
    await record({ id: "REQ-later", kind: "requirement", title: "Pay within 30 days", workItem: item });
    await ok("advance_work_item", { id: item });
    await record({
      id: "CHG-later",
      kind: "changeSet",
      title: "Deferred payment",
      fields: { commit: "0badc0ffee", paths: ["src/checkout/later.ts"] },
      workItem: item,
    });
    const link = (await ok("link_artifacts", {
      from: "CHG-later",
      to: "REQ-later",
      type: "implements",
    })) as unknown as Link;
    await ok("advance_work_item", { id: item });
    await record({
      id: "TEST-later",
      kind: "testEvidence",
      title: "Deferred payment tests",
      fields: { runId: "ci-901", passed: 12, failed: 0 },
      workItem: item,
    });
    await record({ id: "REQ-later", kind: "requirement", title: "Pay within 14 days", workItem: item });

    expect(await refused("advance_work_item", { id: item })).toMatch(
      /^E_GATE_FAILED: .*link CHG-later implements REQ-later is suspect/,
    );
    await ok("review_link", {
      id: link.id,
      verdict: "adapted",
      note: "the change reads the limit from config",
    });
    const released = await ok("advance_work_item", { id: item });

    expect(released).toMatchObject({ id: item, stage: "release" });
  });

  it("reviews a link as obsolete: later changes upstream no longer make it suspect", async () => {
    const item = await createItem("Gift cards");
    await record({ id: "REQ-gift", kind: "requirement", title: "Gift cards", workItem: item });
    await record({ id: "DES-gift", kind: "design", title: "Gift card codes", workItem: item });
    const link = (await ok("link_artifacts", { from: "DES-gift", to: "REQ-gift", type: "derivesFrom" })) as {
      id: string;
    };

    const reviewed = await ok("review_link", { id: link.id, verdict: "obsolete" });
    const changed = await record({
      id: "REQ-gift",
      kind: "requirement",
      title: "Gift cards, v2",
      workItem: item,
    });

    expect(reviewed).toMatchObject({ id: link.id, suspect: false, obsolete: true });
    expect(changed.suspected).toEqual([]);
    expect(await suspectLinksOf(item)).toEqual([]);
  });

  it("reviews a link that is not suspect as the SDK does: accepted, and the link stays clear", async () => {
    const item = await createItem("Wallet payments");
    await record({ id: "REQ-wallet", kind: "requirement", title: "Wallets", workItem: item });
    await record({ id: "DES-wallet", kind: "design", title: "Wallet button", workItem: item });
    const link = (await ok("link_artifacts", {
      from: "DES-wallet",
      to: "REQ-wallet",
      type: "derivesFrom",
    })) as unknown as Link;

    const reviewed = await ok("review_link", { id: link.id, verdict: "keep" });

    expect(reviewed).toMatchObject({ id: link.id, suspect: false, obsolete: false, causes: [] });
  });

  it("links the same ends once, and reviews once when retried with an idempotencyKey; the key with another verdict is E_IDEMPOTENCY_CONFLICT", async () => {
    const item = await createItem("Refund to wallet");
    await record({ id: "REQ-refund", kind: "requirement", title: "Refund within 14 days", workItem: item });
    await record({ id: "DES-refund", kind: "design", title: "Wallet refunds", workItem: item });
    const ends = { from: "DES-refund", to: "REQ-refund", type: "derivesFrom" };
    const link = (await ok("link_artifacts", ends)) as unknown as Link;
    expect(await ok("link_artifacts", ends)).toEqual(link);
    await record({ id: "REQ-refund", kind: "requirement", title: "Refund within 30 days", workItem: item });

    const review = {
      id: link.id,
      verdict: "adapted",
      note: "refunds wait 30 days",
      idempotencyKey: "agent-7",
    };
    const reviewed = await ok("review_link", review);
    expect(reviewed).toMatchObject({ id: link.id, suspect: false });
    expect(await ok("review_link", review)).toEqual(reviewed);
    expect(await refused("review_link", { ...review, verdict: "keep" })).toBe(
      `E_IDEMPOTENCY_CONFLICT: idempotency key "agent-7" was already used to review trace link ${link.id} with a different verdict; use a new key`,
    );

    const log = await openEventLog({ path: join(server.dir, "factory.db") });
    try {
      expect(await log.read({ types: ["trace.reviewed"], subjects: [link.id] })).toHaveLength(1);
      const linked = await log.read({ types: ["trace.linked"] });
      expect(linked.filter((event) => (event.data as { from: string }).from === "DES-refund")).toHaveLength(
        1,
      );
    } finally {
      await log.close();
    }
  });
});

describe("refusals of record_artifact and review_link", () => {
  it("refuses an unknown work item, line or stage with E_NOT_FOUND naming the argument, and writes nothing", async () => {
    const base = { id: "REQ-refused", kind: "requirement", title: "Refused" };

    expect(await refused("record_artifact", { ...base, workItem: "wi_nope" })).toBe(
      'E_NOT_FOUND: workItem: no work item "wi_nope"; list_work lists them',
    );
    expect(await refused("record_artifact", { ...base, line: "nowhere" })).toMatch(
      /^E_NOT_FOUND: line: no line "nowhere" in the floor plan/,
    );
    expect(await refused("record_artifact", { ...base, stage: "shipping" })).toMatch(
      /^E_NOT_FOUND: stage: no stage "shipping"; the stages are intake, requirements, design/,
    );

    // Nothing was recorded: the first recording of the id is version 1.
    expect((await record(base)).artifact.version).toBe(1);
  });

  it("refuses malformed arguments with E_VALIDATION naming them", async () => {
    expect(await refused("record_artifact", { kind: "requirement", title: "No id" })).toMatch(
      /^E_VALIDATION: record_artifact input is invalid: id: /,
    );
    expect(await refused("record_artifact", { id: "has space", kind: "requirement", title: "t" })).toMatch(
      /^E_VALIDATION: record_artifact input is invalid: id: artifact id must be 1-128 chars/,
    );
    expect(await refused("record_artifact", { id: "X-1", kind: "Design Doc", title: "t" })).toMatch(
      /^E_VALIDATION: record_artifact input is invalid: kind: artifact kind must be a camelCase word/,
    );
    expect(await refused("record_artifact", { id: "X-1", kind: "design", title: " " })).toMatch(
      /^E_VALIDATION: record_artifact input is invalid: title: title must not be empty/,
    );
    expect(
      await refused("record_artifact", {
        id: "X-1",
        kind: "design",
        title: "t",
        fields: { body: "x".repeat(200_001) },
      }),
    ).toMatch(
      /^E_VALIDATION: record_artifact input is invalid: fields: fields are at most 200000 characters/,
    );
    expect(await refused("record_artifact", { id: "X-1", kind: "design", title: "t", body: "b" })).toContain(
      'unknown argument "body"; record_artifact takes id, kind, title, fields, workItem, line, move, stage, fingerprintFields',
    );
    expect(await refused("review_link", { id: "link_x", verdict: "approve" })).toMatch(
      /^E_VALIDATION: review_link input is invalid: verdict: /,
    );
    expect(await refused("review_link", { id: "link_x" })).toMatch(
      /^E_VALIDATION: review_link input is invalid: verdict: /,
    );
  });

  it("refuses evidence without its fields, and an id recorded as another kind, with E_VALIDATION", async () => {
    expect(
      await refused("record_artifact", {
        id: "CHG-bad",
        kind: "changeSet",
        title: "No commit",
        fields: { paths: ["src/checkout/pay.ts"] },
      }),
    ).toMatch(/^E_VALIDATION: .*commit/);
    expect(
      await refused("record_artifact", {
        id: "TEST-bad",
        kind: "testEvidence",
        title: "No counts",
        fields: { runId: "ci-1" },
      }),
    ).toMatch(/^E_VALIDATION: .*passed/);
    await record({ id: "REQ-kind", kind: "requirement", title: "A requirement" });
    expect(await refused("record_artifact", { id: "REQ-kind", kind: "design", title: "A design" })).toMatch(
      /^E_VALIDATION: .*kind: artifact "REQ-kind" is a requirement, not a design/,
    );
  });

  it("refuses to link an end it does not have with E_NOT_FOUND naming the end, as an unknown id elsewhere", async () => {
    await record({ id: "REQ-end", kind: "requirement", title: "A requirement" });
    expect(await refused("link_artifacts", { from: "DES-nope", to: "REQ-end", type: "satisfies" })).toBe(
      'E_NOT_FOUND: from: no artifact, work item or signal "DES-nope"; record_artifact, list_work and capture_signal give ids',
    );
    expect(await refused("link_artifacts", { from: "REQ-end", to: "REQ-nope", type: "derivesFrom" })).toBe(
      'E_NOT_FOUND: to: no artifact, work item or signal "REQ-nope"; record_artifact, list_work and capture_signal give ids',
    );
  });

  it("refuses to review an unknown link with E_NOT_FOUND naming id", async () => {
    expect(await refused("review_link", { id: "link_nope", verdict: "keep" })).toBe(
      'E_NOT_FOUND: id: no trace link "link_nope"; list_suspect_links and link_artifacts give link ids',
    );
  });
});

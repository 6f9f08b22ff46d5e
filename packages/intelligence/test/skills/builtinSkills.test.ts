import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Factory,
  installBasicStandards,
  installBuiltinStandards,
  openFactory,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let factory: Factory;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-builtin-skills-"));
  factory = await openFactory({ dir, actor: "ana", durability: "normal" });
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: [
      {
        id: "checkout",
        name: "Checkout",
        description: "Cart, payment and order confirmation",
        owner: "ana",
        paths: ["/src/checkout/"],
        dependsOn: ["payments"],
      },
      { id: "payments", description: "Card payments and refunds", owner: "bo", paths: ["/src/payments/"] },
      { id: "search", description: "Product search and autocomplete", owner: "bo", paths: ["/src/search/"] },
    ],
  });
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Review {
  readonly workItem: string;
  readonly pass: boolean;
  readonly findings: readonly string[];
}

/** REQ-1 verified by TEST-1 of the work item, then revised: the link turns suspect. */
async function suspectLinkTo(item: string, title: string): Promise<void> {
  await factory.work.recordArtifact({ id: "REQ-1", kind: "requirement", title, fields: { body: "v1" } });
  await factory.work.recordArtifact({ id: "TEST-1", kind: "test", title: "pays", workItem: item });
  await factory.work.link({ from: "TEST-1", to: "REQ-1", type: "verifies" });
  await factory.work.recordArtifact({ id: "REQ-1", kind: "requirement", title, fields: { body: "v2" } });
}

const review = async (item: string): Promise<Review> =>
  (await factory.skills.run("review-item", { workItem: item })).output as Review;

describe("review-item", () => {
  beforeEach(() => {
    installBasicStandards(factory);
    installBuiltinStandards(factory);
  });

  it("passes a work item that meets the standards, with no findings", async () => {
    const item = await factory.work.createWorkItem({
      line: "checkout",
      title: "Pay by link",
      kind: "feature",
    });
    await factory.work.recordArtifact({
      id: "REQ-1",
      kind: "requirement",
      title: "Pay by link",
      workItem: item.id,
      fields: {
        body: [
          "When the customer picks pay by link, the checkout shall email a payment link.",
          "",
          "## Acceptance criteria",
          "- Given a cart, when the customer picks pay by link, then an email with the link is sent",
        ].join("\n"),
      },
    });

    expect(await review(item.id)).toEqual({ workItem: item.id, pass: true, findings: [] });
  });

  it("fails a work item whose requirement breaks the standards, naming each finding and its fix", async () => {
    const item = await factory.work.createWorkItem({ line: "checkout", title: "Pay later", kind: "feature" });
    await factory.work.recordArtifact({
      id: "REQ-2",
      kind: "requirement",
      title: "Pay later",
      workItem: item.id,
      fields: { body: "Customers can pay later." },
    });

    const result = await review(item.id);

    expect(result.pass).toBe(false);
    expect(result.findings).toEqual([
      "error: requirement REQ-2 (Pay later) has no acceptance criteria (add an `## Acceptance criteria` section of Given/When/Then items, or an acceptanceCriteria list)",
      'warning: requirement REQ-2 (Pay later) has no "shall" statement (state it in an EARS pattern, as in: When <trigger>, the <system> shall <response>.)',
    ]);
  });

  it("reports blocked work as a warning and a suspect link as a failure, once each", async () => {
    const item = await factory.work.createWorkItem({
      line: "checkout",
      title: "Retry payments",
      kind: "bug",
    });
    await factory.work.recordArtifact({
      id: "REQ-3",
      kind: "requirement",
      title: "Retry payments",
      fields: {
        body: "The checkout shall retry a failed payment.\n\n## Acceptance criteria\n- Given a failed payment, when it is retried, then it succeeds",
      },
    });
    await factory.work.recordArtifact({ id: "TEST-3", kind: "test", title: "retries", workItem: item.id });
    await factory.work.link({ from: "TEST-3", to: "REQ-3", type: "verifies" });
    await factory.work.block(item.id, { reason: "waiting for the payment provider's sandbox" });
    expect(await review(item.id)).toEqual({
      workItem: item.id,
      pass: true,
      findings: [
        `warning: work item ${item.id} (Retry payments) is blocked: waiting for the payment provider's sandbox`,
      ],
    });

    await factory.work.recordArtifact({
      id: "REQ-3",
      kind: "requirement",
      title: "Retry payments",
      fields: {
        body: "The checkout shall retry a failed payment twice.\n\n## Acceptance criteria\n- Given a failed payment, when it is retried twice, then it succeeds",
      },
    });
    const suspect = await review(item.id);

    expect(suspect).toEqual({
      workItem: item.id,
      pass: false,
      findings: [
        `warning: work item ${item.id} (Retry payments) is blocked: waiting for the payment provider's sandbox`,
        "error: link TEST-3 verifies REQ-3 is suspect: REQ-3 changed (v2) after the link was made (review the link: keep, adapted or obsolete)",
      ],
    });
  });

  it("includes the findings of the item's line, as a standards gate does", async () => {
    await factory.floorplan.applyPlan({ lines: [{ id: "orphan" }] }, { mode: "merge", source: "inferred" });
    const item = await factory.work.createWorkItem({ line: "orphan", title: "Tidy up", kind: "chore" });

    expect(await review(item.id)).toEqual({
      workItem: item.id,
      pass: false,
      findings: [
        "error: line orphan has no owner (add `owner:` to the line in factory.yaml (or import with --owner))",
        "warning: line orphan has no description (add `description:` to the line in factory.yaml)",
        "warning: line orphan claims no code paths (add `paths:` (CODEOWNERS patterns))",
      ],
    });
  });

  it("refuses an unknown work item as not found, recording the run as invalid input rather than a failure of the skill", async () => {
    await expect(review("wi_nope")).rejects.toMatchObject({
      _tag: "NotFoundError",
      code: "E_NOT_FOUND",
      message: 'workItem: no work item "wi_nope"',
      field: "workItem",
    });
    const [ran] = await factory.log.read({ types: ["skill.ran"] });
    expect(ran?.data).toMatchObject({ outcome: "invalid-input", error: 'workItem: no work item "wi_nope"' });
  });
});

describe("review-item in a factory with no standards installed", () => {
  it("still fails an item on a suspect link, and passes it once the link is reviewed", async () => {
    const item = await factory.work.createWorkItem({
      line: "checkout",
      title: "Pay by link",
      kind: "feature",
    });
    await suspectLinkTo(item.id, "Pay");

    expect(await review(item.id)).toEqual({
      workItem: item.id,
      pass: false,
      findings: [
        "error: link TEST-1 verifies REQ-1 is suspect: REQ-1 changed (v2) after the link was made (review the link: keep, adapted or obsolete)",
      ],
    });

    const [link] = factory.work.suspectLinks({ item: item.id });
    await factory.work.reviewLink(link?.id as string, { verdict: "keep" });
    expect(await review(item.id)).toEqual({ workItem: item.id, pass: true, findings: [] });
  });
});

interface Draft {
  readonly markdown: string;
  readonly line: string | null;
  readonly knowledge: readonly string[];
}

const draft = async (signal: string): Promise<Draft> =>
  (await factory.skills.run("draft-requirement", { signal })).output as Draft;

describe("draft-requirement", () => {
  it("links the knowledge of the signal's line and the product-wide knowledge its text matches, not the rest", async () => {
    const retries = await factory.knowledge.capture({
      kind: "decision",
      title: "Card payments are retried three times",
      body: "When the card payment provider times out, checkout retries the card payment three times before showing an error.",
      source: { system: "meeting", author: "ana" },
      lines: ["checkout"],
      decision: { status: "accepted", context: "flaky provider", decision: "retry three times" },
    });
    const timeouts = await factory.knowledge.capture({
      kind: "note",
      title: "Payment provider timeouts",
      body: "The card payment provider times out under load; its timeout is 30 seconds.",
      source: { system: "wiki" },
    });
    const holidays = await factory.knowledge.capture({
      kind: "note",
      title: "Office holidays",
      body: "The office closes between Christmas and New Year.",
      source: { system: "wiki" },
    });
    const autocomplete = await factory.knowledge.capture({
      kind: "note",
      title: "Autocomplete ranking",
      body: "Autocomplete ranks products by popularity and freshness of the catalogue.",
      source: { system: "wiki" },
      lines: ["search"],
    });
    const signal = await factory.work.captureSignal({
      text: "The card payment times out at checkout and the customer sees an error",
      source: "support",
      customer: "acme",
      severity: "high",
      line: "checkout",
    });

    const result = await draft(signal.id);

    expect(result.line).toBe("checkout");
    expect(result.knowledge).toEqual(expect.arrayContaining([retries.id, timeouts.id]));
    expect(result.knowledge).not.toContain(autocomplete.id);
    expect(result.knowledge).not.toContain(holidays.id);
    expect(result.markdown).toContain(`- Card payments are retried three times (${retries.id})`);
    expect(result.markdown).toContain(`- Payment provider timeouts (${timeouts.id})`);
    expect(result.markdown).not.toContain("Autocomplete ranking");
  });

  it("writes an EARS skeleton with placeholders, the signal quoted, and acceptance criteria to fill", async () => {
    const signal = await factory.work.captureSignal({
      text: "Refunds to expired cards fail",
      source: "support",
      customer: "acme",
      severity: "high",
      line: "payments",
    });

    const { markdown, line, knowledge } = await draft(signal.id);

    expect(line).toBe("payments");
    expect(knowledge).toEqual([]);
    expect(markdown.split("\n\n")).toEqual([
      "# Requirement: <short title>",
      `Source signal: ${signal.id} (support, acme, severity high)`,
      "> Refunds to expired cards fail",
      "Line: payments",
      "## Statements (EARS)",
      "- Ubiquitous: The <system> shall <capability>.",
      "- Event-driven: When <trigger>, the <system> shall <response>.",
      "- Unwanted behaviour: If <undesired condition>, then the <system> shall <mitigation>.",
      "- State-driven: While <state>, the <system> shall <behaviour>.",
      "## Acceptance criteria",
      "- Given <context>, when <action>, then <observable outcome>.",
      "## Read first",
      "- (no linked knowledge found)",
    ]);
  });

  it("routes an unrouted signal to its most likely line", async () => {
    const signal = await factory.work.captureSignal({
      text: "Autocomplete suggests products that are out of the catalogue",
      source: "support",
    });

    const { line, markdown } = await draft(signal.id);

    expect(line).toBe("search");
    expect(markdown).toContain("Line: search");
  });

  it("drafts a skeleton whose statements the EARS standard accepts once the placeholders are filled", async () => {
    installBuiltinStandards(factory);
    const signal = await factory.work.captureSignal({
      text: "Refunds fail",
      source: "support",
      line: "payments",
    });
    const { markdown } = await draft(signal.id);
    const filled = markdown
      .replaceAll("<system>", "refund service")
      .replace(/<[^<>]+>/g, (placeholder) => placeholder.slice(1, -1));
    const item = await factory.work.createWorkItem({ line: "payments", title: "Refunds", kind: "bug" });
    await factory.work.recordArtifact({
      id: "REQ-9",
      kind: "requirement",
      title: "Refunds",
      workItem: item.id,
      fields: { body: filled },
    });

    const findings = await factory.standards.check({ kind: "artifact", id: "REQ-9" });

    expect(findings).toEqual([]);
  });

  it("refuses an unknown signal", async () => {
    await expect(draft("sig_nope")).rejects.toThrow('no signal "sig_nope"');
  });
});

describe("summarize-line", () => {
  it("summarizes a line with work: owner, dependencies, work by stage, blocked work, suspect links and knowledge", async () => {
    const first = await factory.work.createWorkItem({
      line: "checkout",
      title: "Pay by link",
      kind: "feature",
    });
    const second = await factory.work.createWorkItem({
      line: "checkout",
      title: "Retry payments",
      kind: "bug",
    });
    await factory.work.createWorkItem({ line: "payments", title: "Refund to expired cards", kind: "bug" });
    await factory.work.block(second.id, { reason: "waiting for sandbox" });
    await suspectLinkTo(first.id, "Pay by link");
    await factory.knowledge.capture({
      kind: "note",
      title: "Payment links expire after a day",
      body: "A payment link is valid for 24 hours.",
      source: { system: "wiki" },
      lines: ["checkout"],
    });
    const stage = factory.work.get(first.id)?.stage;

    const { output } = await factory.skills.run("summarize-line", { line: "checkout" });

    expect(output).toEqual({
      line: "checkout",
      summary: [
        "# Checkout",
        "Cart, payment and order confirmation",
        "Owner: ana; depends on: payments; used by: nobody.",
        `Work in flight: 2 in ${stage} (1 blocked).`,
        "Suspect trace links: 1.",
        "Recent knowledge:\n- Payment links expire after a day (note)",
      ].join("\n\n"),
    });
  });

  it("says so when a line has no work, no knowledge and no owner", async () => {
    await factory.floorplan.applyPlan({ lines: [{ id: "orphan" }] }, { mode: "merge", source: "inferred" });

    const { output } = await factory.skills.run("summarize-line", { line: "orphan" });

    expect((output as { summary: string }).summary).toBe(
      [
        "# orphan",
        "Owner: nobody (assign one); depends on: nothing; used by: nobody.",
        "Work in flight: none.",
        "Suspect trace links: 0.",
        "No knowledge linked yet.",
      ].join("\n\n"),
    );
  });

  it("refuses an unknown line", async () => {
    await expect(factory.skills.run("summarize-line", { line: "nope" })).rejects.toMatchObject({
      _tag: "NotFoundError",
      entity: "line",
      id: "nope",
      message: 'line: no line "nope"',
      field: "line",
    });
  });
});

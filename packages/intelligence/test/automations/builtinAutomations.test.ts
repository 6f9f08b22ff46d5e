import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DependencyDeclInput, PlanInput } from "@software-factory/floorplan";
import {
  builtinAutomations,
  type Factory,
  makeBuiltinAutomations,
  openFactory,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let factory: Factory;

function plan(searchDependsOn: DependencyDeclInput[] = []): PlanInput {
  return {
    product: { id: "shop" },
    operators: [{ id: "ana" }, { id: "bo" }, { id: "cy" }, { id: "dee" }],
    lines: [
      {
        id: "checkout",
        description: "Cart, payment and order confirmation",
        owner: "ana",
        paths: ["/src/checkout/"],
      },
      { id: "payments", description: "Card payments and refunds", owner: "bo", paths: ["/src/payments/"] },
      {
        id: "search",
        description: "Product search",
        owner: "cy",
        paths: ["/src/search/"],
        dependsOn: searchDependsOn,
      },
      {
        id: "mobile",
        description: "The mobile app",
        owner: "dee",
        dependsOn: [{ line: "checkout", kind: "event" }],
      },
      {
        id: "docs",
        description: "Documentation site",
        owner: "bo",
        dependsOn: [{ line: "checkout", kind: "library" }],
      },
    ],
  };
}

async function open(withAutomations = true): Promise<Factory> {
  return openFactory({ dir, actor: "ana", ...(withAutomations ? { automations: builtinAutomations } : {}) });
}

/** Waits until every built-in automation has handled every event of its types up to the log's head. */
async function settle(target: Factory): Promise<void> {
  await target.automations?.idle();
}

async function inbox(operator: string) {
  return factory.inbox.list(operator, { limit: 500 });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-builtin-automations-"));
  factory = await open();
  await factory.floorplan.applyPlan(plan());
  await settle(factory);
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("route-new-signals", () => {
  it("routes a new signal the router is sure about and tells the line's owner once", async () => {
    const signal = await factory.work.captureSignal({
      text: "Refunds crash with a stack trace in src/payments/refund.ts",
      source: "support",
      severity: "high",
    });
    await settle(factory);
    await factory.work.refresh();
    expect(factory.work.signal(signal.id)?.line).toBe("payments");
    const routed = await factory.log.read({ types: ["signal.routed"], subjects: [signal.id] });
    expect(routed.map((event) => event.actor)).toEqual(["automation:route-new-signals"]);
    const notes = await inbox("bo");
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      ref: { kind: "signal", id: signal.id },
      reason: "owner of payments",
      from: "automation:route-new-signals",
    });
    expect(notes[0]?.title).toContain("New high signal for payments");
    expect(notes[0]?.body).toContain("src/payments/refund.ts");
  });

  it("leaves a signal it is not sure about for a person and tells nobody", async () => {
    const signal = await factory.work.captureSignal({
      text: "Something feels slow today",
      source: "support",
    });
    await settle(factory);
    expect(factory.work.signal(signal.id)?.line).toBeUndefined();
    for (const operator of ["ana", "bo", "cy", "dee"]) {
      expect((await inbox(operator)).filter((note) => note.ref?.kind === "signal")).toEqual([]);
    }
  });

  it("tells the owner of the line a signal was captured for, without routing it again", async () => {
    const signal = await factory.work.captureSignal({
      text: "Customers ask for gift cards",
      source: "sales-call",
      line: "checkout",
    });
    await settle(factory);
    expect(await factory.log.read({ types: ["signal.routed"], subjects: [signal.id] })).toHaveLength(1);
    expect((await inbox("ana")).map((note) => note.ref)).toEqual([{ kind: "signal", id: signal.id }]);
  });

  it("tells the owner when a person routes a signal later, and the new owner when it is re-routed", async () => {
    const signal = await factory.work.captureSignal({
      text: "Something feels slow today",
      source: "support",
    });
    await settle(factory);
    expect(await inbox("bo")).toEqual([]);

    await factory.work.routeSignal(signal.id, "payments");
    await settle(factory);
    await factory.work.routeSignal(signal.id, "checkout");
    await settle(factory);

    expect((await inbox("bo")).map((note) => [note.ref, note.reason])).toEqual([
      [{ kind: "signal", id: signal.id }, "owner of payments"],
    ]);
    const [note] = await inbox("ana");
    expect(note).toMatchObject({ ref: { kind: "signal", id: signal.id }, reason: "owner of checkout" });
    expect(note?.body).toContain("Routed to checkout by ana.");
  });

  it("honours a stricter threshold", async () => {
    await factory.close();
    factory = await openFactory({
      dir,
      actor: "ana",
      automations: makeBuiltinAutomations({ autoRoute: { minScore: 100 } }),
    });
    const signal = await factory.work.captureSignal({
      text: "Refunds fail in src/payments/refund.ts",
      source: "support",
    });
    await settle(factory);
    expect(factory.work.signal(signal.id)?.line).toBeUndefined();
    expect(await inbox("bo")).toEqual([]);
  });

  it("after a close and reopen, handles the signals captured meanwhile once and the earlier ones not again", async () => {
    const before = await factory.work.captureSignal({
      text: "Refund button broken in src/payments/ui.ts",
      source: "support",
    });
    await settle(factory);
    await factory.close();
    factory = await open(false);
    const meanwhile = await factory.work.captureSignal({
      text: "Declined cards in src/payments/card.ts",
      source: "support",
    });
    await factory.close();
    factory = await open();
    await settle(factory);
    await factory.close();
    factory = await open();
    await settle(factory);
    const notes = await inbox("bo");
    expect(notes.map((note) => note.ref?.id).sort()).toEqual([before.id, meanwhile.id].sort());
    const routed = await factory.log.read({ types: ["signal.routed"] });
    expect(routed.map((event) => event.subject).sort()).toEqual([before.id, meanwhile.id].sort());
  });
});

describe("notify-suspect-owners", () => {
  /** Records REQ-1 again (outside its work item) with `body`. */
  const reviseRequirement = (body: string) =>
    factory.work.recordArtifact({ id: "REQ-1", kind: "requirement", title: "Pay by link", fields: { body } });

  async function requirementWithDownstream() {
    const upstream = await factory.work.createWorkItem({
      line: "checkout",
      title: "Pay by link",
      kind: "feature",
    });
    const downstream = await factory.work.createWorkItem({
      line: "search",
      title: "Search paid orders",
      kind: "feature",
    });
    await factory.work.recordArtifact({
      id: "REQ-1",
      kind: "requirement",
      title: "Pay by link",
      fields: { body: "The system shall send a payment link." },
      workItem: upstream.id,
    });
    await factory.work.recordArtifact({
      id: "DES-1",
      kind: "design",
      title: "Paid order index",
      fields: { body: "Index orders by payment status." },
      workItem: downstream.id,
    });
    await factory.work.recordArtifact({
      id: "RUN-1",
      kind: "runbook",
      title: "Payment link outage runbook",
      fields: { body: "Restart the link service." },
      line: "payments",
    });
    await factory.work.link({ from: "DES-1", to: "REQ-1", type: "derivesFrom" });
    await factory.work.link({ from: "RUN-1", to: "REQ-1", type: "derivesFrom" });
    return { upstream, downstream };
  }

  it("tells the downstream work item's owner, else the line's owner, once per revision", async () => {
    const { downstream } = await requirementWithDownstream();
    await reviseRequirement("The system shall send a payment link by email and SMS.");
    await settle(factory);
    const cy = await inbox("cy");
    expect(cy).toHaveLength(1);
    expect(cy[0]).toMatchObject({
      ref: { kind: "artifact", id: "REQ-1" },
      reason: `owner of ${downstream.id}`,
    });
    expect(cy[0]?.title).toBe("Pay by link changed (v2): 1 downstream item needs review");
    expect(cy[0]?.body).toContain("Paid order index (DES-1)");
    const bo = await inbox("bo");
    expect(bo.map((note) => note.reason)).toEqual(["owner of payments"]);
    expect(await inbox("ana")).toEqual([]);

    // Recording the same content again is no revision; a second change is one more notification.
    await reviseRequirement("The system shall send a payment link by email and SMS.");
    await reviseRequirement("The system shall send a payment link by email.");
    await settle(factory);
    expect((await inbox("cy")).map((note) => note.title)).toEqual([
      "Pay by link changed (v2): 1 downstream item needs review",
      "Pay by link changed (v3): 1 downstream item needs review",
    ]);
  });

  it("tells nobody about links already reviewed when the automation catches up after a restart", async () => {
    await requirementWithDownstream();
    await factory.close();
    factory = await open(false);
    await reviseRequirement("Links expire after a day.");
    const [designLink] = factory.work.linksOf("DES-1");
    await factory.work.reviewLink(designLink?.id ?? "", { verdict: "keep" });
    await factory.close();
    factory = await open();
    await settle(factory);
    expect(await inbox("cy")).toEqual([]);
    expect((await inbox("bo")).map((note) => note.title)).toEqual([
      "Pay by link changed (v2): 1 downstream item needs review",
    ]);
  });
});

describe("notify-contract-changes", () => {
  it("tells the owners of lines depending on a contract when an api dependency is declared, changed or removed", async () => {
    // mobile was declared with its event dependency on checkout by the first plan: no contract changed, nobody is told.
    expect(await inbox("dee")).toEqual([]);
    await factory.floorplan.applyPlan(plan([{ line: "checkout", kind: "api", contract: "openapi v1" }]));
    await settle(factory);
    const declared = (await inbox("cy")).at(-1);
    expect(declared?.title).toBe("Contract of checkout changed: search started depending on checkout");
    expect(declared?.body).toContain('api contract "openapi v1"');
    expect((await inbox("dee")).map((note) => note.reason)).toEqual(["owner of mobile"]);

    await factory.floorplan.applyPlan(plan([{ line: "checkout", kind: "api", contract: "openapi v2" }]));
    await settle(factory);
    expect((await inbox("cy")).at(-1)?.body).toContain(
      'was api contract "openapi v1", medium criticality, now api contract "openapi v2", medium criticality',
    );

    await factory.floorplan.applyPlan(plan());
    await settle(factory);
    expect((await inbox("cy")).map((note) => note.title)).toEqual([
      "Contract of checkout changed: search started depending on checkout",
      "Contract of checkout changed: search changed its dependency on checkout",
      "Contract of checkout changed: search stopped depending on checkout",
    ]);
    expect(await inbox("dee")).toHaveLength(3);
    expect(await inbox("ana")).toEqual([]);
  });

  it("ignores dependencies without a contract (ui, library, infra)", async () => {
    await factory.floorplan.applyPlan(plan([{ line: "checkout", kind: "library" }]));
    await settle(factory);
    expect(await inbox("cy")).toEqual([]);
    expect(await inbox("dee")).toEqual([]);
  });

  it("catches up on contract changes made while it was not running, once", async () => {
    await factory.close();
    factory = await open(false);
    await factory.floorplan.applyPlan(plan([{ line: "checkout", kind: "data", contract: "orders table" }]));
    await factory.close();
    factory = await open();
    await settle(factory);
    await factory.close();
    factory = await open();
    await settle(factory);
    expect((await inbox("cy")).map((note) => note.title)).toEqual([
      "Contract of checkout changed: search started depending on checkout",
    ]);
  });
});

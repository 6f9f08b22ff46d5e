import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Factory, openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let factory: Factory;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-route-"));
  factory = await openFactory({ dir, actor: "ana" });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: [
      { id: "billing", owner: "ana", description: "Charges customers" },
      { id: "identity", owner: "bo", description: "Accounts of customers" },
    ],
  });
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("factory.route", () => {
  it("refuses an input that is neither a text nor { signal } with a ValidationError, before looking anything up", async () => {
    for (const input of [3, null, { signal: 3 }, { text: "x" }]) {
      await expect(factory.route(input as unknown as string)).rejects.toMatchObject({
        _tag: "ValidationError",
        code: "E_VALIDATION",
        message: expect.stringContaining("route input is invalid"),
      });
    }
    await expect(factory.route({ signal: "sig_nope" })).rejects.toMatchObject({ _tag: "NotFoundError" });
  });

  it("uses the knowledge linked to a line, and sees knowledge captured later", async () => {
    expect((await factory.route("dunning emails go out twice"))[0]?.reasons ?? []).not.toContain(
      "the knowledge linked to it matches the text",
    );
    await factory.knowledge.capture({
      kind: "runbook",
      title: "Dunning",
      body: "When a card fails, dunning emails remind the customer; proration applies to upgrades.",
      source: { system: "wiki" },
      lines: ["billing"],
    });

    const [top] = await factory.route("dunning emails go out twice");

    expect(top?.line).toBe("billing");
    expect(top?.reasons).toContain("the knowledge linked to it matches the text");
  });

  it("routes a captured signal by id, learns from routed signals and takes corrections", async () => {
    const first = await factory.work.captureSignal({
      text: "SAML login loops for customers' accounts of tenant acme",
      source: "support",
    });
    const byId = await factory.route({ signal: first.id });
    expect(byId[0]?.line).toBe("identity");
    expect(byId).toEqual(await factory.route(first.text));
    await factory.work.routeSignal(first.id, "billing");
    expect((await factory.route("SAML login loops again for tenant globex"))[0]?.line).toBe("billing");

    await factory.work.routeSignal(first.id, "identity");

    expect((await factory.route("SAML login loops again for tenant globex"))[0]?.line).toBe("identity");
    expect(
      (await factory.route({ signal: first.id })).flatMap((candidate) => candidate.reasons).join(" "),
    ).not.toContain("SAML login loops for customers");
    await expect(factory.route({ signal: "sig_missing" })).rejects.toThrow('no signal "sig_missing"');
  });

  it("matches file names listed by a line's code documents", async () => {
    await factory.knowledge.capture({
      kind: "code",
      title: "identity source files",
      body: "src/identity/samlAssertionConsumer.ts\nsrc/identity/passwordReset.ts\nnot a path, a sentence",
      source: { system: "repo" },
      lines: ["identity"],
    });

    const [top] = await factory.route("samlAssertionConsumer rejects the assertion");

    expect(top?.line).toBe("identity");
    expect(top?.reasons.join(" ")).toContain("src/identity/samlAssertionConsumer.ts");
    expect(top?.reasons).not.toContain("the knowledge linked to it matches the text");
  });
});

describe("factory.route and automatic routing", () => {
  const cites = async (title: string) =>
    (await factory.route("quantum widget charges customers")).some((candidate) =>
      candidate.reasons.some((reason) => reason.includes(title)),
    );

  it("learns the signals the route-new-signals automation routed, which it routes only when the router is confident", async () => {
    await factory.close();
    const { makeBuiltinAutomations } = await import("@software-factory/intelligence");
    // Route every new signal automatically, whatever the router's confidence.
    factory = await openFactory({
      dir,
      actor: "ana",
      automations: makeBuiltinAutomations({ autoRoute: { minScore: 0, minLead: 1 } }),
    });
    const signal = await factory.work.captureSignal({
      text: "Quantum widget charges customers twice",
      source: "support",
    });
    await factory.automations?.idle();
    await factory.work.refresh();

    expect(factory.work.signal(signal.id)).toMatchObject({ routedBy: "automation:route-new-signals" });
    expect(await cites("Quantum widget charges customers twice")).toBe(true);
  });

  it("learns a signal another automation routed only once someone makes work from it", async () => {
    await factory.close();
    const { defineAutomation } = await import("@software-factory/intelligence");
    const everythingToBilling = defineAutomation({
      name: "everything-to-billing",
      description: "Routes every new signal to billing.",
      on: ["signal.captured"],
      run: async (event, { emit }) => {
        emit({ type: "signal.routed", subject: event.subject, data: { line: "billing" } });
      },
    });
    factory = await openFactory({ dir, actor: "ana", automations: [everythingToBilling] });
    const signal = await factory.work.captureSignal({
      text: "Quantum widget charges customers twice",
      source: "support",
    });
    await factory.automations?.idle();
    await factory.work.refresh();
    expect(factory.work.signal(signal.id)).toMatchObject({
      line: "billing",
      routedBy: "automation:everything-to-billing",
    });

    expect(await cites("Quantum widget charges customers twice")).toBe(false);

    await factory.work.createWorkItem({
      line: "billing",
      title: "Stop the double charge",
      signals: [signal.id],
    });

    expect(await cites("Quantum widget charges customers twice")).toBe(true);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

const HOUR = 3_600_000;

describe("the deployment an incident is blamed on", () => {
  it("names the deployment the change fail rate counts the incident against, or none", async () => {
    factory = await openTestFactory();
    const { line, clock } = factory;
    const from = clock.now();
    const release = await line.recordDeployment({ line: "checkout", version: "v1" });
    clock.advance(HOUR);
    const caused = await line.openIncident({ title: "Card payments fail", deployment: release });
    clock.advance(HOUR);
    const fix = await line.recordDeployment({ line: "checkout", version: "v1.1", remediates: [caused] });
    await line.recordDeployment({ line: "checkout", environment: "staging", version: "v1.2" });
    clock.advance(HOUR);
    const timeout = await line.openIncident({ title: "Card payments time out", line: "checkout" });
    await line.recordDeployment({ line: "billing", environment: "staging", version: "b1" });
    const billing = await line.openIncident({ title: "Invoices late", line: "billing" });
    const loose = await line.openIncident({ title: "Something is off" });
    clock.advance(HOUR);
    await line.recordDeployment({ line: "billing", version: "b2" });

    expect(line.incident(caused)?.blamedOn).toBe(release);
    expect(line.incident(timeout)?.blamedOn).toBe(fix);
    expect(line.incident(billing)?.blamedOn).toBeUndefined();
    expect(line.incident(loose)?.blamedOn).toBeUndefined();
    expect(line.incidents().map((incident) => incident.blamedOn)).toEqual([
      release,
      fix,
      undefined,
      undefined,
    ]);
    expect((await factory.reopen()).line.incident(timeout)?.blamedOn).toBe(fix);

    const to = new Date(clock.now().getTime() + 1);
    const checkout = await line.measures({ from, to, line: "checkout" });
    expect(checkout.dora?.changeFailRate).toBe(1);
    const billed = await line.measures({ from, to, line: "billing" });
    expect(billed.dora?.changeFailRate).toBe(0);
  });
});

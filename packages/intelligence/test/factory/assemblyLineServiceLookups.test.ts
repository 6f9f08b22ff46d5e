import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssemblyLineService } from "@software-factory/core";
import { FactoryService, type FactoryServices } from "@software-factory/intelligence";
import { Effect } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "assembly-line-service-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run<A, E>(program: Effect.Effect<A, E, FactoryServices>): Promise<A> {
  const plan = {
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", owner: "ana", paths: ["/src/checkout/"], wipLimit: 3 }],
  };
  const withPlan = Effect.gen(function* () {
    const factory = yield* FactoryService;
    yield* Effect.promise(() => factory.floorplan.applyPlan(plan));
    return yield* program;
  });
  return Effect.runPromise(Effect.provide(withPlan, FactoryService.layer({ dir })));
}

describe("AssemblyLineService lookups", () => {
  it("looks up one artifact, link, signal, deployment and incident, walks links and counts WIP, as the Promise face does", async () => {
    const answers = await run(
      Effect.gen(function* () {
        const work = yield* AssemblyLineService;
        const item = yield* work.createWorkItem({ line: "checkout", title: "Pay by link" });
        yield* work.recordArtifact({
          id: "REQ-1",
          kind: "requirement",
          title: "Pay by link",
          workItem: item.id,
        });
        yield* work.recordArtifact({ id: "TEST-1", kind: "test", title: "pays", workItem: item.id });
        const link = yield* work.link({ from: "TEST-1", to: "REQ-1", type: "verifies" });
        const signal = yield* work.captureSignal({
          text: "Links expire",
          source: "support",
          line: "checkout",
        });
        const deployment = yield* work.recordDeployment({ line: "checkout", version: "v1" });
        const incident = yield* work.openIncident({ title: "Pay links 500", line: "checkout" });
        yield* work.advance(item.id); // out of intake, where items count toward the line's WIP
        return {
          artifact: (yield* work.artifact("REQ-1"))?.title,
          unknownArtifact: yield* work.artifact("REQ-9"),
          artifactsOf: (yield* work.artifactsOf(item.id)).map((artifact) => artifact.id),
          artifacts: (yield* work.artifacts).map((artifact) => artifact.id),
          traceLink: (yield* work.traceLink(link.id))?.to,
          linksOf: (yield* work.linksOf("REQ-1")).map((found) => found.id),
          upstream: (yield* work.walk("TEST-1", "upstream")).nodes,
          signal: (yield* work.signal(signal.id))?.text,
          deployment: (yield* work.deployment(deployment))?.version,
          incident: (yield* work.incident(incident))?.title,
          wip: yield* work.wipOf("checkout"),
          wipLimit: yield* work.wipLimitOf("checkout"),
          linkId: link.id,
        };
      }),
    );

    expect(answers).toMatchObject({
      artifact: "Pay by link",
      unknownArtifact: undefined,
      artifactsOf: ["REQ-1", "TEST-1"],
      artifacts: ["REQ-1", "TEST-1"],
      traceLink: "REQ-1",
      linksOf: [answers.linkId],
      upstream: ["REQ-1"],
      signal: "Links expire",
      deployment: "v1",
      incident: "Pay links 500",
      wip: 1,
      wipLimit: 3,
    });
  });

  it("registers a gate for the life of a scope: it refuses moves inside, and is gone once the scope closes", async () => {
    const outcome = await run(
      Effect.gen(function* () {
        const work = yield* AssemblyLineService;
        const item = yield* work.createWorkItem({ line: "checkout", title: "Pay by link" });
        const refused = yield* Effect.scoped(
          Effect.gen(function* () {
            yield* work.registerGate({
              name: "not-yet",
              stages: ["*"],
              check: () => ({ pass: false, findings: [{ message: "wait for the review" }] }),
            });
            return yield* Effect.flip(work.advance(item.id));
          }),
        );
        const advanced = yield* work.advance(item.id);
        return { refused: refused._tag, message: refused.message, stage: advanced.stage };
      }),
    );

    expect(outcome).toEqual({
      refused: "GateFailedError",
      message: expect.stringContaining("wait for the review"),
      stage: "requirements",
    });
  });
});

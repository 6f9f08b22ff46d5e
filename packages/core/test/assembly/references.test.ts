import {
  INPUT_LIMITS,
  LINK_TYPES,
  type LineDirectory,
  NotFoundError,
  ValidationError,
} from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

/**
 * A directory of lines and operators that learns new ones only when
 * refreshed, as a floor plan learns another process's declarations.
 */
function directory(lines: string[], operators: string[]) {
  const pending = { lines: [] as string[], operators: [] as string[] };
  const known: Required<LineDirectory> = {
    ownerOf: (line) => (lines.includes(line) ? operators[0] : undefined),
    wipLimitOf: () => undefined,
    hasLine: (line) => lines.includes(line),
    hasOperator: (operator) => operators.includes(operator),
    lines: () => lines.map((id) => ({ id })),
    refresh: async () => {
      lines.push(...pending.lines.splice(0));
      operators.push(...pending.operators.splice(0));
    },
  };
  return { known, pending };
}

async function notFound(promise: Promise<unknown>): Promise<NotFoundError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(NotFoundError);
  return error as NotFoundError;
}

describe("referential integrity of lines and operators", () => {
  it("refuses a work item on an unknown line, owner or contributor, naming the field and the id, and writes nothing", async () => {
    factory = await openTestFactory({ lines: directory(["checkout"], ["alice", "bob"]).known });
    const { line, log } = factory;
    const before = await log.head();

    const onGhost = await notFound(line.createWorkItem({ line: "ghost", title: "x" }));
    expect(onGhost).toMatchObject({ code: "E_NOT_FOUND", entity: "line", id: "ghost", field: "line" });
    expect(onGhost.message).toContain('"ghost"');
    expect(
      await notFound(line.createWorkItem({ line: "checkout", title: "x", owner: "ghost" })),
    ).toMatchObject({
      entity: "operator",
      id: "ghost",
      field: "owner",
    });
    expect(
      await notFound(line.createWorkItem({ line: "checkout", title: "x", contributors: ["bob", "eve"] })),
    ).toMatchObject({ entity: "operator", id: "eve", field: "contributors[1]" });
    expect(await log.head()).toBe(before);

    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link", contributors: ["bob"] });
    expect(item).toMatchObject({ line: "checkout", owner: "alice", contributors: ["bob"] });
  });

  it("refuses assigning an unknown owner or contributor", async () => {
    factory = await openTestFactory({ lines: directory(["checkout"], ["alice", "bob"]).known });
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link" });
    expect(await notFound(line.assign(item.id, { owner: "ghost" }))).toMatchObject({ field: "owner" });
    expect(await notFound(line.assign(item.id, { contributors: ["nobody"] }))).toMatchObject({
      field: "contributors[0]",
    });
    expect((await line.assign(item.id, { owner: "bob" })).owner).toBe("bob");
    expect(line.get(item.id)?.version).toBe(2);
  });

  it("refuses capturing or routing a signal to an unknown line, and recording an artifact on one", async () => {
    factory = await openTestFactory({ lines: directory(["checkout"], ["alice"]).known });
    const { line, log } = factory;
    expect(
      await notFound(line.captureSignal({ text: "hello", source: "support", line: "ghost7" })),
    ).toMatchObject({ entity: "line", id: "ghost7", field: "line" });
    expect(line.signals()).toEqual([]);
    const signal = await line.captureSignal({ text: "hello", source: "support" });
    const head = await log.head();
    expect(await notFound(line.routeSignal(signal.id, "ghost3"))).toMatchObject({ id: "ghost3" });
    expect(
      await notFound(line.recordArtifact({ kind: "requirement", title: "R", line: "nope" })),
    ).toMatchObject({
      field: "line",
    });
    expect(
      await notFound(
        line.recordArtifacts([
          { kind: "requirement", title: "R", line: "checkout" },
          { kind: "requirement", title: "S", line: "nope" },
        ]),
      ),
    ).toMatchObject({ field: "artifacts[1].line" });
    expect(await log.head()).toBe(head);
    expect((await line.routeSignal(signal.id, "checkout")).line).toBe("checkout");
  });

  it("catches the directory up before checking, so a line declared elsewhere a moment ago is accepted", async () => {
    const { known, pending } = directory(["checkout"], ["alice"]);
    factory = await openTestFactory({ lines: known });
    pending.lines.push("search");
    pending.operators.push("carol");
    const item = await factory.line.createWorkItem({ line: "search", title: "Facets", owner: "carol" });
    expect(item).toMatchObject({ line: "search", owner: "carol" });
  });

  it("accepts any line and operator without a directory, or with one that cannot tell", async () => {
    factory = await openTestFactory();
    expect((await factory.line.createWorkItem({ line: "anything", title: "x", owner: "zed" })).line).toBe(
      "anything",
    );
    const partial = await factory.reopen({
      lines: { ownerOf: () => undefined, wipLimitOf: () => undefined },
    });
    const signal = await partial.line.captureSignal({ text: "t", source: "s", line: "elsewhere" });
    expect(signal.line).toBe("elsewhere");
  });
});

describe("a work item from a signal that does not exist", () => {
  // An unknown signal in signals[i] is a not-found, as an unknown line or owner
  // is: the same error class, entity, id and field.
  it("is a NotFoundError naming the signal and its place, and nothing is written", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const known = await line.captureSignal({ text: "Refunds take a week", source: "sales-call" });
    const before = await log.head();

    const thrown = await notFound(
      line.createWorkItem({ line: "payments", title: "Instant refunds", signals: [known.id, "sig_nope"] }),
    );

    expect(thrown).toMatchObject({
      code: "E_NOT_FOUND",
      entity: "signal",
      id: "sig_nope",
      field: "signals[1]",
    });
    expect(thrown.message).toBe('work item: signals[1] names an unknown signal "sig_nope"; capture it first');
    expect(await log.head()).toBe(before);
    expect(line.list({})).toEqual([]);
    expect(line.signal(known.id)?.workItems).toEqual([]);
  });
});

describe("trace link types and self-links", () => {
  it("accepts only the fixed link types and refuses an end linked to itself", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "x" });
    const requirement = await line.recordArtifact({ kind: "requirement", title: "R" });
    const banana = line.link({ from: item.id, to: requirement.artifact.id, type: "banana" as never });
    await expect(banana).rejects.toBeInstanceOf(ValidationError);
    await expect(banana).rejects.toThrow(/unknown link type "banana"; link types: derivesFrom/);
    const self = line.link({ from: item.id, to: item.id, type: "derivesFrom" });
    await expect(self).rejects.toBeInstanceOf(ValidationError);
    await expect(self).rejects.toMatchObject({ issues: [{ path: "to" }] });
    expect(line.linksOf(item.id)).toEqual([]);
    for (const type of LINK_TYPES) {
      expect((await line.link({ from: item.id, to: requirement.artifact.id, type })).type).toBe(type);
    }
  });
});

describe("input limits", () => {
  it("refuses a title or a signal text past the limits, naming the field", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const long = line.createWorkItem({ line: "checkout", title: "x".repeat(INPUT_LIMITS.title + 1) });
    await expect(long).rejects.toBeInstanceOf(ValidationError);
    await expect(long).rejects.toMatchObject({ issues: [{ path: "title" }] });
    const text = line.captureSignal({ text: "y".repeat(100_000), source: "support" });
    await expect(text).rejects.toMatchObject({ issues: [{ path: "text" }] });
    expect(line.list()).toEqual([]);
    expect(line.signals()).toEqual([]);
    const atLimit = await line.createWorkItem({ line: "checkout", title: "x".repeat(INPUT_LIMITS.title) });
    expect(atLimit.title).toHaveLength(INPUT_LIMITS.title);
  });

  it("bounds the optional reason of an unblock and the note of an incident's resolution", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "x" });
    await line.block(item.id, { reason: "waiting on legal" });
    const tooLong = "z".repeat(INPUT_LIMITS.reason + 1);
    await expect(line.unblock(item.id, { reason: tooLong })).rejects.toMatchObject({
      issues: [{ path: "reason" }],
    });
    expect((await line.unblock(item.id, { reason: "legal said yes" })).state).toBe("active");
    const incident = await line.openIncident({ title: "Checkout down" });
    await expect(line.resolveIncident(incident, { note: tooLong })).rejects.toBeInstanceOf(ValidationError);
    await line.resolveIncident(incident, { note: "rolled back" });
  });
});

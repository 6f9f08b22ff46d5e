/**
 * `readAutomationFailures` reads the failed handlings of every automation
 * that ran on a factory from its log, in a process that runs none of them:
 * each with its event's type, subject and time, the error, whether it was
 * permanent, the attempts, the retries that failed too, and when; a retry
 * that goes well takes its event off the list.
 */
import { ValidationError } from "@software-factory/core";
import {
  defineAutomation,
  type Factory,
  PermanentFailureError,
  readAutomationFailures,
} from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";
import { CAPTURED, handledMarkEvents, source } from "./capturedDocuments.js";

const { folder, open } = useTempFactories();

/** Whether the pager is up: `tell-pager` fails while it is not. */
let pagerUp = false;

/** Fails every attempt while the pager is down (2 attempts). */
const tellPager = defineAutomation({
  name: "tell-pager",
  description: "Pages the on-call operator about each captured document.",
  on: [CAPTURED],
  retry: { attempts: 2, backoffMs: 1 },
  run: () => {
    if (!pagerUp) throw Object.assign(new Error("the pager is down"), { code: "E_PAGER_DOWN" });
  },
});

/** Refuses every document at once, saying retrying will not help. */
const refuses = defineAutomation({
  name: "refuses",
  description: "Files each captured document with a team that does not exist.",
  on: [CAPTURED],
  run: () => {
    throw new PermanentFailureError({ message: "no such team" });
  },
});

/** Handles every document well, emitting nothing: its positions are all the log records of it. */
const quiet = defineAutomation({
  name: "quiet",
  description: "Reads each captured document.",
  on: [CAPTURED],
  run: () => {},
});

/** The `at` of the last `automation.handled` mark of an automation on an event. */
async function lastMarkAt(factory: Factory, automation: string, event: string): Promise<string | undefined> {
  const marks = (await handledMarkEvents(factory)).filter(
    (mark) => mark.data.automation === automation && mark.data.event === event,
  );
  return marks.at(-1)?.at;
}

describe("reading the automations' failures from the log", () => {
  it("lists every automation's failed handlings with their events, in a process that runs none of them", async () => {
    pagerUp = false;
    const dir = folder("factory-read-automation-failures-");
    const running = await open({ dir, automations: [tellPager, refuses, quiet] });
    await running.knowledge.capture({ kind: "note", title: "First", body: "b", source });
    await running.knowledge.capture({ kind: "note", title: "Second", body: "b", source });
    await running.automations?.idle();
    const [first, second] = await running.log.read({ types: [CAPTURED] });
    if (first === undefined || second === undefined) throw new Error("two documents were captured");
    // A retry that fails again is counted; the pager's first failure is then retried well.
    expect((await running.automations?.retry("tell-pager", second.id))?.outcome).toBe("error");
    pagerUp = true;
    expect((await running.automations?.retry("tell-pager", first.id))?.outcome).toBe("ok");
    pagerUp = false;
    await running.close();

    const reader = await open({ dir });
    const pagerAt = await lastMarkAt(reader, "tell-pager", second.id);
    const refusedAt = [
      await lastMarkAt(reader, "refuses", first.id),
      await lastMarkAt(reader, "refuses", second.id),
    ];
    const event = (stored: typeof first) => ({
      id: stored.id,
      seq: stored.seq,
      type: CAPTURED,
      subject: stored.subject,
      at: stored.at,
    });
    const refusal = { code: "E_PERMANENT_FAILURE", message: "no such team" };
    const pagerDown = { code: "E_PAGER_DOWN", message: "the pager is down" };

    expect(await readAutomationFailures(reader.log)).toEqual({
      automations: ["quiet", "refuses", "tell-pager"],
      failures: [
        {
          automation: "refuses",
          event: event(first),
          error: refusal,
          permanent: true,
          attempts: 1,
          retries: 0,
          failedAt: refusedAt[0],
        },
        {
          automation: "refuses",
          event: event(second),
          error: refusal,
          permanent: true,
          attempts: 1,
          retries: 0,
          failedAt: refusedAt[1],
        },
        {
          automation: "tell-pager",
          event: event(second),
          error: pagerDown,
          permanent: false,
          attempts: 2,
          retries: 1,
          failedAt: pagerAt,
        },
      ],
      count: 3,
    });
    const pagerOnly = await readAutomationFailures(reader.log, "tell-pager");
    expect(pagerOnly.automations).toEqual(["quiet", "refuses", "tell-pager"]);
    expect(pagerOnly.failures.map((failure) => [failure.automation, failure.event.id])).toEqual([
      ["tell-pager", second.id],
    ]);
  });

  it("lists the same failures, in the same order, as the runner of the automations", async () => {
    pagerUp = false;
    const factory = await open({
      dir: folder("factory-read-automation-failures-"),
      automations: [tellPager, refuses],
    });
    await factory.knowledge.capture({ kind: "note", title: "Only", body: "b", source });
    await factory.automations?.idle();

    const listed = (await readAutomationFailures(factory.log)).failures.map((failure) => ({
      automation: failure.automation,
      event: failure.event.id,
      eventSeq: failure.event.seq,
      error: failure.error,
      ...(failure.permanent ? { permanent: true } : {}),
    }));
    expect(listed.map((failure) => failure.automation)).toEqual(["refuses", "tell-pager"]);
    expect(await factory.automations?.failures()).toEqual(listed);
  });

  it("refuses an automation that is no name, naming it", async () => {
    const factory = await open({ dir: folder("factory-read-automation-failures-") });
    const refused = await readAutomationFailures(factory.log, "").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).issues.map((issue) => issue.path)).toEqual(["automation"]);
  });
});

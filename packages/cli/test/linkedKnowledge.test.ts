/**
 * A document linked to a work item is seen from the work item: `work show`
 * lists the documents linked to it (text and JSON), and `knowledge show`
 * names what a document's links point at and the documents linked to it. The
 * CLI on a real SQLite factory, the documents written through the CLI.
 */
import { describe, expect, it } from "vitest";
import { SLOW, useShopFactory } from "./shopFactory.js";

const { ok, createItem } = useShopFactory("factory-linked-knowledge-", { actor: "ana" });

/** Captures a document through the CLI; its id. */
async function capture(kind: string, title: string): Promise<string> {
  const body = `${title}: what was said about it.`;
  const captured = await ok(
    "knowledge",
    "capture",
    "--kind",
    kind,
    "--title",
    title,
    "--body",
    body,
    "--json",
  );
  return JSON.parse(captured.stdout).id as string;
}

describe("knowledge linked to a work item", () => {
  it("is listed by work show, in text and JSON, with whether each document is current", SLOW, async () => {
    const item = await createItem("Dunning v2");
    const requirement = await capture("requirement", "REQ-DUN-5 retry schedule");
    const old = await capture("note", "Old retry plan");
    await ok("knowledge", "link", requirement, "--type", "informs", "--target", item);
    await ok("knowledge", "link", old, "--type", "relatesTo", "--target", item);
    await ok("knowledge", "retract", old, "--reason", "wrong numbers");

    const shown = JSON.parse((await ok("work", "show", item, "--json")).stdout);
    expect(shown.knowledge).toEqual([
      {
        id: requirement,
        title: "REQ-DUN-5 retry schedule",
        kind: "requirement",
        linkType: "informs",
        current: true,
      },
      {
        id: old,
        title: "Old retry plan",
        kind: "note",
        linkType: "relatesTo",
        current: false,
        status: "retracted",
      },
    ]);
    const text = (await ok("work", "show", item)).stdout;
    expect(text).toContain(`  knowledge informs ${requirement} "REQ-DUN-5 retry schedule" [requirement]\n`);
    expect(text).toContain(`  knowledge relatesTo ${old} "Old retry plan" [note]  retracted\n`);
  });

  it(
    "is named both ways by knowledge show: the title of what a link points at, and the documents linked to it",
    SLOW,
    async () => {
      const item = await createItem("Card retries");
      const requirement = await capture("requirement", "REQ-PAY-2 card retries");
      const call = await capture("conversation", "Call with Acme about retries");
      await ok("knowledge", "link", call, "--type", "evidenceFor", "--target", requirement);
      await ok("knowledge", "link", requirement, "--type", "informs", "--target", item);
      await ok("knowledge", "link", requirement, "--type", "relatesTo", "--target", "payments");

      const text = (await ok("knowledge", "show", requirement)).stdout;
      expect(text).toContain(`link:      informs ${item} work item "Card retries"\n`);
      expect(text).toContain(`link:      relatesTo payments line "Card payments and refunds"\n`);
      expect(text).toContain(
        `linked from: evidenceFor ${call} "Call with Acme about retries" [conversation]\n`,
      );
      const callText = (await ok("knowledge", "show", call)).stdout;
      expect(callText).toContain(`link:      evidenceFor ${requirement} document "REQ-PAY-2 card retries"\n`);
      expect(callText).not.toContain("linked from:");

      const json = JSON.parse((await ok("knowledge", "show", requirement, "--json")).stdout);
      expect(json.linkedFrom).toEqual([
        {
          id: call,
          title: "Call with Acme about retries",
          kind: "conversation",
          linkType: "evidenceFor",
          current: true,
        },
      ]);
    },
  );

  it("are named by knowledge show --as-of as they were linked then, each as it read then", SLOW, async () => {
    const requirement = await capture("requirement", "REQ-PAY-3 refund window");
    const call = await capture("conversation", "Call with Acme about refunds");
    const note = await capture("note", "Refund window notes");
    await ok("knowledge", "link", call, "--type", "evidenceFor", "--target", requirement);
    await ok("knowledge", "link", note, "--type", "relatesTo", "--target", requirement);
    const asOf = new Date().toISOString();
    // What follows is recorded after that instant, in a later millisecond.
    while (new Date().toISOString() <= asOf);
    await ok("knowledge", "unlink", note, "--type", "relatesTo", "--target", requirement);
    await ok("knowledge", "retract", call, "--reason", "wrong customer");

    const then = (await ok("knowledge", "show", requirement, "--as-of", asOf)).stdout;
    expect(then).toContain(
      `linked from: evidenceFor ${call} "Call with Acme about refunds" [conversation]\n`,
    );
    expect(then).toContain(`linked from: relatesTo ${note} "Refund window notes" [note]\n`);
    const json = JSON.parse((await ok("knowledge", "show", requirement, "--as-of", asOf, "--json")).stdout);
    expect(json.linkedFrom.map((linked: { id: string }) => linked.id).sort()).toEqual([call, note].sort());
    expect(json.linkedFrom.every((linked: { current: boolean }) => linked.current)).toBe(true);
    // Now the note's link is gone and the call is retracted.
    const now = (await ok("knowledge", "show", requirement)).stdout;
    expect(now).toContain(
      `linked from: evidenceFor ${call} "Call with Acme about refunds" [conversation]  retracted\n`,
    );
    expect(now).not.toContain(note);
  });
});

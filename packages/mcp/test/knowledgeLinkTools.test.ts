/**
 * `link_knowledge` and `unlink_knowledge`: the SDK's `link` and `unlink`
 * over MCP. A real client over stdio to the built `factory-mcp`, on a real
 * SQLite factory.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

interface Linked {
  id: string;
  seq: number;
  revision: number;
  links: { type: string; target: string }[];
}

let refunds: string;
let disputes: string;
const server = useSeededServer("knowledge-link-tools-test", async ({ factory }) => {
  refunds = (await factory.work.createWorkItem({ line: "payments", title: "Refunds" })).id;
  disputes = (await factory.work.createWorkItem({ line: "payments", title: "Disputes" })).id;
});
const { call, refused } = server;

/** A tool's answer that must not be an error (checked). */
async function ok(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await call(name, args);
  expect(result.isError, result.content[0]?.text).toBeUndefined();
  return result.structuredContent as Record<string, unknown>;
}

/** A new note made with capture_knowledge; its id. */
async function capture(title: string): Promise<string> {
  return (await ok("capture_knowledge", { kind: "note", title, body: `${title}.` })).id as string;
}

const link = async (args: Record<string, unknown>) => (await ok("link_knowledge", args)) as unknown as Linked;
const unlink = async (args: Record<string, unknown>) =>
  (await ok("unlink_knowledge", args)) as unknown as Linked;

/** The links of a document as get_document reads them now. */
async function linksOf(id: string): Promise<unknown> {
  return (await ok("get_document", { id })).links;
}

describe("link_knowledge and unlink_knowledge", () => {
  it("add a typed link to a document or an artifact, and remove it, answering the document's links", async () => {
    const [note, runbook] = [await capture("Refund window"), await capture("Refund runbook")];

    const linked = await link({ id: note, type: "relatesTo", target: runbook });
    expect(linked).toEqual({
      id: note,
      seq: expect.any(Number),
      revision: 1,
      links: [{ type: "relatesTo", target: runbook }],
    });
    const toItem = await link({ id: note, type: "informs", target: refunds });
    expect(toItem.links).toEqual([
      { type: "relatesTo", target: runbook },
      { type: "informs", target: refunds },
    ]);
    expect(await linksOf(note)).toEqual(toItem.links);

    const unlinked = await unlink({ id: note, type: "relatesTo", target: runbook });
    expect(unlinked).toMatchObject({
      id: note,
      revision: 1,
      links: [{ type: "informs", target: refunds }],
    });
    expect(await linksOf(note)).toEqual(unlinked.links);
  });

  it("change nothing for a link the document already has, or one it does not have", async () => {
    const [note, runbook] = [await capture("Chargebacks"), await capture("Chargeback runbook")];
    const linked = await link({ id: note, type: "relatesTo", target: runbook });

    expect(await link({ id: note, type: "relatesTo", target: runbook })).toEqual(linked);
    expect((await unlink({ id: note, type: "evidenceFor", target: runbook })).links).toEqual(linked.links);
    expect(await linksOf(note)).toEqual(linked.links);
  });

  it("refuse an unknown document with E_NOT_FOUND naming the argument, and malformed arguments with E_VALIDATION", async () => {
    const note = await capture("Payouts");
    for (const tool of ["link_knowledge", "unlink_knowledge"]) {
      expect(await refused(tool, { id: "doc_nope", type: "relatesTo", target: note })).toBe(
        'E_NOT_FOUND: id: no document "doc_nope"; search_knowledge and list_knowledge give ids',
      );
      expect(await refused(tool, { id: note, type: "Relates to", target: "wi_x" })).toMatch(
        new RegExp(`^E_VALIDATION: ${tool} input is invalid: type: `),
      );
      expect(await refused(tool, { id: note, type: "relatesTo" })).toMatch(
        new RegExp(`^E_VALIDATION: ${tool} input is invalid: target: `),
      );
      expect(await refused(tool, { id: note, type: "relatesTo", target: "x".repeat(201) })).toMatch(
        new RegExp(`^E_VALIDATION: ${tool} input is invalid: target: `),
      );
      expect(await refused(tool, { id: note, type: "relatesTo", target: "wi_x", kind: "note" })).toContain(
        `unknown argument "kind"; ${tool} takes id, type, target, idempotencyKey`,
      );
    }
    expect(await linksOf(note)).toEqual([]);
  });

  it("refuse a link to what the factory does not have, naming target, and write nothing", async () => {
    const note = await capture("Payout schedule");
    const [signal, artifact] = [
      (await ok("capture_signal", { text: "Payouts are late", source: "support" })).id as string,
      (
        (await ok("record_artifact", { id: "req-payouts", kind: "requirement", title: "Payouts" }))
          .artifact as {
          id: string;
        }
      ).id,
    ];
    for (const target of ["doc_01NOPE", "wi_01NOPE", `${refunds}X`]) {
      expect(await refused("link_knowledge", { id: note, type: "informs", target })).toBe(
        `E_NOT_FOUND: target: no document, work item, signal or artifact "${target}"; list_knowledge, list_work, capture_signal and record_artifact give ids`,
      );
    }
    expect(
      await refused("capture_knowledge", {
        kind: "note",
        title: "Payout fees",
        body: "Fees.",
        links: [
          { type: "informs", target: refunds },
          { type: "informs", target: "wi_01NOPE" },
        ],
      }),
    ).toBe(
      'E_NOT_FOUND: links[1].target: no document, work item, signal or artifact "wi_01NOPE"; list_knowledge, list_work, capture_signal and record_artifact give ids',
    );
    expect(await linksOf(note)).toEqual([]);
    const titles = ((await ok("list_knowledge", {})).documents as { title: string }[]).map(
      (doc) => doc.title,
    );
    expect(titles).not.toContain("Payout fees");
    for (const target of [signal, artifact, refunds]) await link({ id: note, type: "relatesTo", target });
    expect(await linksOf(note)).toHaveLength(3);
  });

  it("refuse a new link to a retracted document, and any change to a retracted one, with E_RETRACTED; unlink one made before", async () => {
    const [note, wrong, gone] = [
      await capture("Refund fees"),
      await capture("Refunds are free"),
      await capture("Old fees"),
    ];
    await link({ id: note, type: "relatesTo", target: wrong });
    await link({ id: gone, type: "relatesTo", target: note });
    await ok("retract_knowledge", { id: wrong, reason: "refunds cost a fee" });
    await ok("retract_knowledge", { id: gone, reason: "superseded by the fee table" });

    expect(await refused("link_knowledge", { id: note, type: "informs", target: wrong })).toMatch(
      new RegExp(`^E_RETRACTED: link of ${note}: target names document ${wrong} .*refunds cost a fee`),
    );
    expect(await refused("link_knowledge", { id: gone, type: "informs", target: note })).toMatch(
      new RegExp(`^E_RETRACTED: document ${gone} .*cannot be linked`),
    );
    expect(await refused("unlink_knowledge", { id: gone, type: "relatesTo", target: note })).toMatch(
      new RegExp(`^E_RETRACTED: document ${gone} .*cannot be unlinked`),
    );
    expect(await linksOf(gone)).toEqual([{ type: "relatesTo", target: note }]);
    expect(await linksOf(note)).toEqual([{ type: "relatesTo", target: wrong }]);

    expect((await unlink({ id: note, type: "relatesTo", target: wrong })).links).toEqual([]);
  });
});

describe("link_knowledge and unlink_knowledge with an idempotency key", () => {
  it("answer a retry with the first call's document, and refuse the key for another link", async () => {
    const [note, runbook] = [await capture("Dispute window"), await capture("Dispute runbook")];
    const linkRequest = { id: note, type: "relatesTo", target: runbook, idempotencyKey: "link-1" };

    const linked = await link(linkRequest);
    expect(await link(linkRequest)).toEqual(linked);
    expect(await refused("link_knowledge", { ...linkRequest, target: disputes })).toContain(
      'E_IDEMPOTENCY_CONFLICT: idempotency key "link-1" was already used',
    );

    const unlinkRequest = { id: note, type: "relatesTo", target: runbook, idempotencyKey: "unlink-1" };
    const unlinked = await unlink(unlinkRequest);
    expect(unlinked.links).toEqual([]);
    expect(await unlink(unlinkRequest)).toEqual(unlinked);
    // A link the document has, so that unlinking it would write.
    await link({ id: note, type: "informs", target: disputes });
    const other = { id: note, type: "informs", target: disputes };
    expect(await refused("unlink_knowledge", { ...other, idempotencyKey: "unlink-1" })).toContain(
      'E_IDEMPOTENCY_CONFLICT: idempotency key "unlink-1" was already used',
    );
    expect(await refused("unlink_knowledge", { ...other, idempotencyKey: "link-1" })).toContain(
      'E_IDEMPOTENCY_CONFLICT: idempotency key "link-1" was already used',
    );

    expect(await linksOf(note)).toEqual([{ type: "informs", target: disputes }]);
  });
});

/**
 * `review_link` with `reviewedFingerprint`: an agent names the version it
 * read in `list_suspect_links` (the last cause's `to`), and the review is
 * refused when another process revised upstream meanwhile. A real client
 * over stdio to the built `factory-mcp`, on a real SQLite factory, revised
 * through the SDK in this process.
 */
import { openFactory } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

interface Link {
  id: string;
  suspect: boolean;
  verifiedFingerprint?: string;
  causes: { artifact: string; version: number; to: string }[];
}

const server = useSeededServer("reviewed-fingerprint-test");
const { call, refused } = server;

async function ok(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await call(name, args);
  expect(result.isError, result.content[0]?.text).toBeUndefined();
  return result.structuredContent as Record<string, unknown>;
}

/** Records REQ-wallet with this title through another process's SDK: the server learns of it from the file. */
async function reviseElsewhere(item: string, title: string): Promise<string> {
  const factory = await openFactory({ dir: server.dir, actor: "alice" });
  try {
    const recorded = await factory.work.recordArtifact({
      id: "REQ-wallet",
      kind: "requirement",
      title,
      workItem: item,
    });
    return recorded.artifact.fingerprint;
  } finally {
    await factory.close();
  }
}

describe("review_link with reviewedFingerprint", () => {
  it("refuses a review of the version list_suspect_links showed once upstream was revised, naming the current fingerprint, then takes that one", async () => {
    const item = (await ok("create_work_item", { line: "checkout", title: "Refund to wallet" })).id as string;
    const requirement = { id: "REQ-wallet", kind: "requirement", workItem: item };
    await ok("record_artifact", { ...requirement, title: "Refund within 14 days" });
    await ok("record_artifact", {
      id: "DES-wallet",
      kind: "design",
      title: "Wallet refunds",
      workItem: item,
    });
    await ok("link_artifacts", { from: "DES-wallet", to: "REQ-wallet", type: "derivesFrom" });
    await ok("record_artifact", { ...requirement, title: "Refund within 30 days" });

    const [listed] = (await ok("list_suspect_links", { workItem: item })).items as Link[];
    const read = listed?.causes.at(-1);
    expect(read).toMatchObject({ artifact: "REQ-wallet", version: 2 });
    const id = listed?.id as string;
    const v3 = await reviseElsewhere(item, "Refund within 45 days");

    expect(await refused("review_link", { id, verdict: "keep", reviewedFingerprint: read?.to })).toBe(
      `E_CONCURRENCY_CONFLICT: trace link ${id} was reviewed at fingerprint "${read?.to}", but its latest upstream change is REQ-wallet version 3, fingerprint ${v3}; review that version and name its fingerprint`,
    );
    const [again] = (await ok("list_suspect_links", { workItem: item })).items as Link[];
    expect(again?.causes.at(-1)).toMatchObject({ version: 3, to: v3 });

    const reviewed = (await ok("review_link", {
      id,
      verdict: "adapted",
      reviewedFingerprint: v3,
    })) as unknown as Link;
    expect(reviewed).toMatchObject({ id, suspect: false, causes: [], verifiedFingerprint: v3 });
  });

  it("refuses a reviewedFingerprint over 200 characters as invalid input naming it", async () => {
    const text = await refused("review_link", {
      id: "link_x",
      verdict: "keep",
      reviewedFingerprint: "f".repeat(201),
    });
    expect(text).toMatch(/^E_VALIDATION: review_link input is invalid: reviewedFingerprint: /);
  });
});

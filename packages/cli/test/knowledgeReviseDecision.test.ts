/**
 * `factory knowledge revise` with a decision's fields (`--context`,
 * `--decision`, `--consequences`, `--status`, `--option`): the fix `factory
 * check` names for a decision recorded without consequences, run from a
 * shell. The built bin, as a subprocess, on a real SQLite file, checked
 * through the SDK.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type RunResult, runCliCapturing } from "./runFactory.js";
import { firstLine, SLOW, useShopFactory } from "./shopFactory.js";

const { cwd, factory, ok, withSdk } = useShopFactory("factory-knowledge-revise-decision-", { actor: "ana" });
const idOf = (result: RunResult) => (JSON.parse(result.stdout) as { id: string }).id;

/** A decision recorded through the bin without `--consequences`; its id. */
const decideWithoutConsequences = async (title: string) =>
  idOf(
    await ok(
      "--json",
      "knowledge",
      "decide",
      "--title",
      title,
      "--context",
      "Checkout needs one store.",
      "--decision",
      "SQLite in WAL mode.",
      "--option",
      "SQLite",
      "--line",
      "checkout",
    ),
  );

/** The findings of `recorded-decision-is-complete` for one document, as `factory check --json` gives them. */
async function findingsOf(id: string) {
  const checked = await factory("--json", "check", "--rule", "recorded-decision-is-complete");
  const { findings } = JSON.parse(checked.stdout) as {
    findings: { target: { id: string }; hint?: string }[];
  };
  return findings.filter((finding) => finding.target.id === id);
}

describe("factory knowledge revise with a decision's fields", () => {
  it("fills the consequences factory check asks for, with the command its hint names", SLOW, async () => {
    const id = await decideWithoutConsequences("Store the log in SQLite");
    const [finding] = await findingsOf(id);
    expect(finding?.hint).toContain(`factory knowledge revise ${id} --reason "..." --consequences "..."`);

    const revised = await ok(
      "knowledge",
      "revise",
      id,
      "--reason",
      "consequences were missing",
      "--consequences",
      "One writer at a time; readers never block.",
    );
    expect(revised.stdout).toBe(`revised ${id}: revision 2\n`);
    expect(await findingsOf(id)).toEqual([]);
    const document = await withSdk((sdk) => sdk.knowledge.get(id));
    expect(document?.decision).toEqual({
      status: "proposed",
      context: "Checkout needs one store.",
      options: [{ title: "SQLite", pros: [], cons: [] }],
      decision: "SQLite in WAL mode.",
      consequences: "One writer at a time; readers never block.",
    });
    expect(document?.body).toContain("One writer at a time; readers never block.");
  });

  it("changes the status and replaces the options, keeping the fields not given", SLOW, async () => {
    const id = await decideWithoutConsequences("Queue the payments");
    await ok(
      "knowledge",
      "revise",
      id,
      "--reason",
      "accepted at the review",
      "--status",
      "accepted",
      "--option",
      '{"title":"PostgreSQL","cons":["one more service"]}',
      "--option",
      "SQLite",
    );
    const document = await withSdk((sdk) => sdk.knowledge.get(id));
    expect(document?.decision).toEqual({
      status: "accepted",
      context: "Checkout needs one store.",
      options: [
        { title: "PostgreSQL", pros: [], cons: ["one more service"] },
        { title: "SQLite", pros: [], cons: [] },
      ],
      decision: "SQLite in WAL mode.",
      consequences: "",
    });
  });

  it("keeps both fields when two runs revise different decision fields at once", SLOW, async () => {
    const id = await decideWithoutConsequences("Retry the webhooks");
    const dir = join(cwd(), ".factory");
    const revise = (...flags: string[]) =>
      runCliCapturing(["--dir", dir, "knowledge", "revise", id, "--reason", "reviewed", ...flags]);

    const runs = await Promise.all([
      revise("--status", "accepted"),
      revise("--consequences", "A webhook may arrive twice."),
    ]);

    expect(runs.map((run) => run.code)).toEqual([0, 0]);
    const document = await withSdk((sdk) => sdk.knowledge.get(id));
    expect(document?.revisions).toHaveLength(3);
    expect(document?.decision).toMatchObject({
      status: "accepted",
      decision: "SQLite in WAL mode.",
      consequences: "A webhook may arrive twice.",
    });
  });

  it(
    "refuses a decision's field on a document that is no decision, and a status a revision cannot set",
    SLOW,
    async () => {
      const note = idOf(
        await ok("--json", "knowledge", "capture", "--kind", "note", "--title", "Timeouts", "--body", "30 s"),
      );
      const onNote = await factory("knowledge", "revise", note, "--reason", "why", "--consequences", "none");
      expect(onNote.code).toBe(2);
      expect(firstLine(onNote)).toContain(`--consequences: ${note} is a note, not a decision`);

      const id = await decideWithoutConsequences("Cache the cart");
      const superseded = await factory(
        "knowledge",
        "revise",
        id,
        "--reason",
        "why",
        "--status",
        "superseded",
      );
      expect(superseded.code).toBe(2);
      expect(firstLine(superseded)).toContain("--status");
      expect(superseded.stderr).toContain("must be one of proposed, accepted, rejected");
    },
  );
});

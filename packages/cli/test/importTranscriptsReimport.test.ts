/**
 * `factory import transcripts` run again over what people curated since: a
 * revision made by hand stays while the transcript is unchanged, and a
 * retracted conversation stays out with a warning (the audit's findings 1
 * and 5, for transcripts).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
const SLOW = { timeout: 240_000 };

const CALL_VTT = `WEBVTT

00:00:01.000 --> 00:00:04.000
<v Ana Diaz>Customers abandon the cart when Klarna is missing.
`;

/** Imports call.vtt and answers its document's id. */
async function imported(): Promise<{ id: string; outcome: string; stderr: string }> {
  const run = await factory("import", "transcripts", "call.vtt", "--json");
  const [entry] = JSON.parse(run.stdout) as { id: string; outcome: string }[];
  return { id: entry?.id as string, outcome: entry?.outcome as string, stderr: run.stderr };
}

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-transcripts-reimport-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  writeFileSync(join(cwd, "call.vtt"), CALL_VTT);
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory import transcripts run again over curated conversations", () => {
  it("keeps a knowledge revise of an unchanged transcript", SLOW, async () => {
    const { id } = await imported();
    await factory("knowledge", "revise", id, "--body", "Ana: Klarna is missing.", "--reason", "summary");

    const again = await imported();

    expect(again).toMatchObject({ id, outcome: "unchanged", stderr: "" });
    const shown = JSON.parse((await factory("knowledge", "show", id, "--json")).stdout);
    expect(shown.body).toBe("Ana: Klarna is missing.");
  });

  it(
    "skips a retracted conversation's unchanged transcript with a warning naming the retraction",
    SLOW,
    async () => {
      const { id } = await imported();
      await factory("--actor", "bob", "knowledge", "retract", id, "--reason", "recorded without consent");
      const at = JSON.parse((await factory("knowledge", "show", id, "--json")).stdout).retracted.at;

      const again = await imported();

      expect(again).toMatchObject({ id, outcome: "unchanged" });
      expect(again.stderr).toMatch(
        new RegExp(
          `^warning: call\\.vtt skipped: its document ${id} \\("[^"]+"\\) was retracted at ${at} by bob \\("recorded without consent"\\), and the source is unchanged since it was last imported: delete it, or edit it to capture it again as a new document\\n$`,
        ),
      );
      expect((await factory("search", "Klarna")).stdout).toMatch(/^no documents match/);
    },
  );
});

/**
 * A move refused for missing evidence says, after its error line, how to
 * record that evidence, and the command it gives works.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-evidence-hints-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory work advance without the evidence a stage needs", () => {
  it("names the commands that record it, after the error line", async () => {
    const created = await factory("work", "create", "--line", "checkout", "Refund", "links", "--json");
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect((await factory("work", "advance", id)).code).toBe(0);
    expect((await factory("work", "advance", id)).code).toBe(0);

    const noChange = await factory("work", "advance", id);
    expect(noChange.code).toBe(1);
    const [first, hint] = noChange.stderr.split("\n");
    expect(first).toMatch(/^error: E_EVIDENCE_MISSING: .*no changeSet artifact$/);
    expect(hint).toBe(
      `  record a changeSet: commit with a "Factory-Item: ${id}" trailer and run factory import git, or factory work artifact ${id} --kind changeSet --title <title> --fields '{"commit":"<sha>","paths":["<path>"]}'`,
    );
    const recorded = await factory(
      ...`work artifact ${id} --kind changeSet --title Links`.split(" "),
      "--fields",
      '{"commit":"9c4e1a7","paths":["src/checkout/refund.ts"]}',
    );
    expect(recorded.code).toBe(0);
    expect((await factory("work", "advance", id)).code).toBe(0);

    const noTests = await factory("work", "advance", id);
    expect(noTests.code).toBe(1);
    expect(noTests.stderr.split("\n")[1]).toBe(
      `  record testEvidence with no failed test: factory import junit <report.xml> --work-item ${id}, or factory work artifact ${id} --kind testEvidence --title <title> --fields '{"runId":"<id>","passed":<n>,"failed":0}'`,
    );
  });
});

describe("factory work advance into release past a suspect link", () => {
  it("says how to find and review the link, after the error line", async () => {
    const created = await factory("work", "create", "--line", "checkout", "Retry", "progress", "--json");
    const { id } = JSON.parse(created.stdout) as { id: string };
    const artifact = (kind: string, artifactId: string, fields: string) =>
      factory(
        "work",
        "artifact",
        id,
        "--kind",
        kind,
        "--title",
        artifactId,
        "--artifact",
        artifactId,
        "--fields",
        fields,
      );
    expect((await factory("work", "advance", id)).code).toBe(0);
    expect((await factory("work", "advance", id)).code).toBe(0);
    expect(
      (await artifact("changeSet", "CS-1", '{"commit":"9c4e1a7","paths":["src/checkout/pay.ts"]}')).code,
    ).toBe(0);
    expect((await factory("work", "advance", id)).code).toBe(0);
    expect((await artifact("requirement", "REQ-1", '{"text":"retry three times"}')).code).toBe(0);
    expect((await artifact("testEvidence", "RUN-1", '{"runId":"1","passed":3,"failed":0}')).code).toBe(0);
    const linked = await factory("work", "link", "RUN-1", "REQ-1", "--type", "verifies", "--json");
    const link = (JSON.parse(linked.stdout) as { id: string }).id;
    expect((await artifact("requirement", "REQ-1", '{"text":"retry four times"}')).code).toBe(0);

    const refused = await factory("work", "advance", id);
    expect(refused.code).toBe(1);
    const [first, ...hints] = refused.stderr.trimEnd().split("\n");
    expect(first).toMatch(/^error: E_GATE_FAILED: .*RUN-1 verifies REQ-1 is suspect/);
    expect(hints).toEqual([
      "  no-suspect-links: review the link (keep, adapted or obsolete) before releasing",
      `  factory work show ${id} lists the suspect links; factory work review <link-id> --verdict keep|adapted|obsolete reviews one`,
    ]);
    expect((await factory("work", "review", link, "--verdict", "keep")).code).toBe(0);
    expect((await factory("work", "advance", id)).code).toBe(0);
  });
});

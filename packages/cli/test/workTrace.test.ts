/**
 * `factory work artifact`, `factory work link` and `factory work review`: the
 * SDK's `recordArtifact`, `link` and `reviewLink` from a shell. The built bin,
 * run as a subprocess, on a real SQLite file; results checked through the SDK.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RecordedArtifact, TraceLink } from "@software-factory/core";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "./runFactory.js";
import { firstLine, SLOW, useShopFactory } from "./shopFactory.js";

const { cwd, factory, ok, createItem, withSdk } = useShopFactory("factory-work-trace-", { refresh: true });

/** The position of the log's last event: unchanged when a refused command wrote nothing. */
const head = () => withSdk((opened) => opened.log.head());

/** Runs `factory work artifact <id> --kind <kind> --title <title> <flags>` and expects it to succeed. */
const recordArtifact = (id: string, kind: string, title: string, ...flags: string[]) =>
  ok("work", "artifact", id, "--kind", kind, "--title", title, ...flags);

/** Beside factory.yaml, a test run's results that `--fields @run.json` reads. */
beforeAll(() => {
  writeFileSync(join(cwd(), "run.json"), JSON.stringify({ runId: "ci-77", passed: 12, failed: 0 }));
});

describe("factory work artifact", () => {
  it(
    "records versions of an artifact for a work item, in text and JSON; the same content again records nothing",
    SLOW,
    async () => {
      const id = await createItem("Pay by link");
      const requirement = (body: string, ...flags: string[]) =>
        recordArtifact(id, "requirement", "Pay by link", "--artifact", "REQ-7", "--fields", body, ...flags);
      const byMail = '{"body":"Shoppers pay with a link sent by mail."}';
      const first = await requirement(byMail);
      expect(first.stdout).toBe(`recorded REQ-7 v1 (requirement) for ${id} in intake\n`);

      const again = await requirement(byMail);
      expect(again.stdout).toBe("REQ-7 v1 unchanged: nothing recorded\n");

      const revised = await requirement(
        '{"body":"Shoppers pay with a link sent by mail or text message."}',
        "--json",
      );
      const recorded = JSON.parse(revised.stdout) as RecordedArtifact;
      expect(recorded).toMatchObject({ changed: true, suspected: [] });
      expect(recorded.artifact).toMatchObject({
        id: "REQ-7",
        version: 2,
        workItem: id,
        recordedBy: "tester",
      });

      const tests = await recordArtifact(id, "testEvidence", "CI run 77", "--fields", "@run.json", "--json");
      const generated = (JSON.parse(tests.stdout) as RecordedArtifact).artifact.id;
      expect(generated).toMatch(/^art_/);

      const artifacts = await withSdk(async (opened) => opened.work.artifactsOf(id));
      expect(artifacts.map((artifact) => [artifact.id, artifact.version])).toEqual([
        ["REQ-7", 2],
        [generated, 1],
      ]);
      expect(artifacts[1]?.fields).toEqual({ runId: "ci-77", passed: 12, failed: 0 });
    },
  );

  it(
    "refuses malformed flags with E_USAGE naming the flag, and an unknown item with E_NOT_FOUND, writing nothing",
    SLOW,
    async () => {
      const id = await createItem("Pay in instalments");
      await recordArtifact(id, "requirement", "Instalments", "--artifact", "REQ-8");
      const before = await head();
      const artifact = (...flags: string[]) => factory("work", "artifact", id, "--title", "T", ...flags);

      const refusals: [RunResult, string][] = [
        [
          await artifact("--kind", "Change Set"),
          'error: E_USAGE: --kind: artifact kind must be a camelCase word, as in changeSet (got "Change Set")',
        ],
        [
          await artifact("--kind", "design", "--fields", "{body"),
          "error: E_USAGE: --fields: not valid JSON: ",
        ],
        [await artifact("--kind", "design", "--fields", "[1]"), "error: E_USAGE: --fields: "],
        [
          await artifact("--kind", "changeSet", "--fields", '{"commit":"zz"}'),
          'error: E_USAGE: --fields: commit: commit must be a hex commit id of 7-64 chars; paths: required (a list) (got {"commit":"zz"})',
        ],
        [
          await artifact("--kind", "design", "--artifact", "REQ 8"),
          'error: E_USAGE: --artifact: artifact id must be 1-128 chars of [A-Za-z0-9._:-] (got "REQ 8")',
        ],
        [
          await artifact("--kind", "design", "--stage", "nowhere"),
          'error: E_USAGE: --stage: no stage "nowhere"',
        ],
        [
          await artifact("--kind", "design", "--artifact", "REQ-8"),
          'error: E_USAGE: --kind: artifact "REQ-8" is a requirement, not a design',
        ],
        [
          await factory("work", "artifact", id, "--kind", "design", "--title", " "),
          "error: E_USAGE: --title: ",
        ],
      ];
      for (const [result, message] of refusals) {
        expect(result.code, result.stderr).toBe(2);
        expect(firstLine(result)).toContain(message);
      }

      const missing = await artifact("--kind", "design", "--fields", "@nope.json");
      expect(missing.code).toBe(1);
      expect(firstLine(missing)).toBe("error: E_NOT_FOUND: --fields: no file nope.json");
      const unknown = await factory("work", "artifact", "wi_nope", "--kind", "design", "--title", "T");
      expect(unknown.code).toBe(1);
      expect(firstLine(unknown)).toBe(
        'error: E_NOT_FOUND: <id>: no work item "wi_nope" (see factory work list)',
      );

      expect(await head()).toBe(before);
    },
  );
});

describe("factory work link and factory work review", () => {
  it(
    "links two artifacts once, then clears the link a change made suspect, a retried keyed review writing once, so the no-suspect-links gate lets the item into release",
    SLOW,
    async () => {
      const id = await createItem("Refund by link");
      await ok("work", "advance", id);
      await recordArtifact(
        id,
        "changeSet",
        "Refund links",
        "--fields",
        '{"commit":"9c4e1a7","paths":["/src/checkout/refund.ts"]}',
      );
      await ok("work", "advance", id);
      await recordArtifact(id, "testEvidence", "CI run 77", "--artifact", "RUN-77", "--fields", "@run.json");
      const refunds = (body: string) =>
        recordArtifact(id, "requirement", "Refunds", "--artifact", "REQ-9", "--fields", body);
      await refunds('{"body":"Refund within 14 days."}');
      const linked = await ok("work", "link", "RUN-77", "REQ-9", "--type", "verifies", "--json");
      const made = JSON.parse(linked.stdout) as TraceLink;
      expect(made).toMatchObject({ from: "RUN-77", to: "REQ-9", type: "verifies", suspect: false });
      expect(made.id).toMatch(/^link_/);
      const relinked = await ok("work", "link", "RUN-77", "REQ-9", "--type", "verifies");
      expect(relinked.stdout).toBe(`RUN-77 verifies REQ-9 is linked already (${made.id}): nothing written\n`);

      const revised = await refunds('{"body":"Refund within 30 days."}');
      // Each suspect link ends with its latest change and that change's fingerprint (work review --reviewed-fingerprint).
      const v2 = await withSdk(async (opened) => opened.work.artifact("REQ-9")?.fingerprint as string);
      expect(revised.stdout).toBe(
        `recorded REQ-9 v2 (requirement) for ${id} in testing\n  suspect  ${made.id} RUN-77 verifies REQ-9 after REQ-9 v2 ${v2}\n`,
      );
      const gated = await factory("work", "advance", id);
      expect(gated.code).toBe(1);
      expect(firstLine(gated)).toMatch(/^error: E_GATE_FAILED: /);
      const shown = await ok("work", "show", id);
      expect(shown.stdout).toContain(`  suspect  ${made.id} RUN-77 verifies REQ-9 after REQ-9 v2 ${v2}\n`);

      const review = ["work", "review", made.id, "--verdict", "keep", "--note", "30 days is still verified"];
      const reviewed = await ok(...review, "--idempotency-key", "ci-review-1");
      expect(reviewed.stdout).toBe(
        `${made.id} reviewed (keep): RUN-77 verifies REQ-9 is no longer suspect\n`,
      );
      const retried = await ok(...review, "--idempotency-key", "ci-review-1");
      expect(retried.stdout).toBe(reviewed.stdout);
      const reviews = () =>
        withSdk(async (opened) => (await opened.log.read({ types: ["trace.reviewed"] })).length);
      expect(await reviews()).toBe(1);
      const conflicting = await factory(
        "work",
        "review",
        made.id,
        "--verdict",
        "adapted",
        "--note",
        "30 days is still verified",
        "--idempotency-key",
        "ci-review-1",
      );
      expect(conflicting.code).toBe(1);
      expect(firstLine(conflicting)).toBe(
        `error: E_IDEMPOTENCY_CONFLICT: --idempotency-key: idempotency key "ci-review-1" was already used to review trace link ${made.id} with a different verdict; use a new key`,
      );
      expect(await reviews()).toBe(1);
      expect((await ok("work", "show", id)).stdout).not.toContain("suspect");
      const released = await ok("work", "advance", id);
      expect(released.stdout).toBe(`${id} is now in release\n`);

      const again = await ok("work", "review", made.id, "--verdict", "obsolete", "--json");
      expect(JSON.parse(again.stdout) as TraceLink).toMatchObject({
        id: made.id,
        suspect: false,
        obsolete: true,
      });
    },
  );

  it(
    "refuses an unknown link or link end with E_NOT_FOUND and malformed flags with E_USAGE, writing nothing",
    SLOW,
    async () => {
      const before = await head();
      const unknown = await factory("work", "review", "link_nope", "--verdict", "keep");
      expect(unknown.code).toBe(1);
      expect(firstLine(unknown)).toBe('error: E_NOT_FOUND: <link-id>: no trace link "link_nope"');
      const verdict = await factory("work", "review", "link_nope", "--verdict", "maybe");
      expect(verdict.code).toBe(2);
      expect(firstLine(verdict)).toBe(
        'error: E_USAGE: --verdict: must be one of "keep", "adapted", "obsolete" (got "maybe")',
      );
      const note = await factory("work", "review", "link_nope", "--verdict", "keep", "--note", " ");
      expect(note.code).toBe(2);
      expect(firstLine(note)).toBe('error: E_USAGE: --note: must not be empty (got " ")');
      const blank = await factory("work", "review", "", "--verdict", "keep");
      expect(blank.code).toBe(2);
      expect(firstLine(blank)).toBe('error: E_USAGE: <link-id>: must not be empty (got "")');
      const noVerdict = await factory("work", "review", "link_nope");
      expect(noVerdict.code).toBe(2);
      expect(firstLine(noVerdict)).toBe(
        "error: E_USAGE: required option '--verdict <verdict>' not specified",
      );

      const unknownEnd = await factory("work", "link", "wi_nope", "REQ-nope", "--type", "derivesFrom");
      expect(unknownEnd.code).toBe(1);
      expect(firstLine(unknownEnd)).toBe(
        'error: E_NOT_FOUND: <from>: no artifact, work item or signal "wi_nope" (see factory work show)',
      );
      const type = await factory("work", "link", "wi_nope", "REQ-nope", "--type", "dependsOn");
      expect(type.code).toBe(2);
      expect(firstLine(type)).toBe(
        'error: E_USAGE: --type: unknown link type "dependsOn"; link types: derivesFrom, satisfies, implements, verifies, addresses (got "dependsOn")',
      );
      const itself = await factory("work", "link", "REQ-nope", "REQ-nope", "--type", "derivesFrom");
      expect(itself.code).toBe(2);
      expect(firstLine(itself)).toBe(
        "error: E_USAGE: <to>: a trace link needs two different ends; from and to are the same",
      );
      expect(await head()).toBe(before);
    },
  );
});

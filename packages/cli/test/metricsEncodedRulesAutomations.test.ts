/**
 * `factory metrics` shows, besides each author's skill runs, the use of the
 * rules and automations factory operators encoded, recorded by another
 * program: moves a rule gate refused citing one of the CLI's rules, and the
 * handlings of an automation the CLI does not run, credited to the author its
 * records name; in the text and as `encoded` in --json.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defineAutomation,
  type Factory,
  installBasicStandards,
  openFactory,
  ruleGate,
} from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
const SLOW = { timeout: 240_000 };

let failing = true;
const tellOwner = defineAutomation<Factory>({
  name: "tell-checkout",
  description: "Routes every signal to checkout and tells ana.",
  on: ["signal.captured"],
  author: "bo",
  retry: { attempts: 1 },
  run: (event, { emit, notify }) => {
    if (failing && JSON.stringify(event.data).includes("boom")) throw new Error("boom");
    emit({ type: "signal.routed", subject: event.subject, data: { line: "checkout" } });
    notify({ to: "ana", title: "A signal for checkout", body: "" });
  },
});

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-metrics-rules-automations-"));
  // returns says not what it is for: the basic standards' line-has-description finds it.
  const withReturns = `${SHOP_YAML}  - { id: returns, owner: ana, paths: [/src/returns/] }\n`;
  writeFileSync(join(cwd, "factory.yaml"), withReturns);
  expect((await factory("plan", "apply", "factory.yaml")).code).toBe(0);
  const program = await openFactory({ dir: join(cwd, ".factory"), automations: [tellOwner] });
  try {
    installBasicStandards(program);
    program.work.registerGate(
      ruleGate(program.standards, { stage: "*", rules: ["line-has-description"], severity: "info" }),
    );
    const item = await program.work.createWorkItem({
      line: "returns",
      title: "Refund labels",
      kind: "feature",
    });
    await program.work.advance(item.id).catch(() => {});
    await program.work.advance(item.id).catch(() => {});
    await program.work.captureSignal({ text: "refunds fail", source: "support", severity: "low" });
    await program.work.captureSignal({ text: "a boom", source: "support", severity: "low" });
    await program.automations?.idle();
    failing = false;
    const [failure] = (await program.automations?.failures()) ?? [];
    await program.automations?.retry("tell-checkout", failure?.event ?? "");
  } finally {
    await program.close();
  }
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory metrics' encoded section", () => {
  it(
    "counts rule refusals and automation handlings per author, in --json and in the text",
    SLOW,
    async () => {
      const json = await factory("metrics", "--json");
      expect(json.stderr).toBe("");
      const { encoded } = JSON.parse(json.stdout) as {
        encoded: {
          authors: {
            author: string | null;
            rules: { rule: string; refusedMoves: number }[];
            automations: { automation: string }[];
          }[];
        };
      };
      const bo = encoded.authors.find((author) => author.author === "bo");
      expect(bo?.automations).toEqual([
        {
          automation: "tell-checkout",
          handled: 2,
          failed: 1,
          retried: 1,
          recovered: 1,
          emitted: 4,
          lines: ["checkout"],
          operators: ["ana"],
        },
      ]);
      const none = encoded.authors.find((author) => author.author === null);
      expect(none?.rules.find((rule) => rule.rule === "line-has-description")).toEqual({
        rule: "line-has-description",
        refusedMoves: 2,
        items: 1,
        heldLevels: 0,
        lines: ["returns"],
      });
      expect(none?.rules.filter((rule) => rule.refusedMoves > 0)).toHaveLength(1);

      const text = await factory("metrics");
      expect(text.stdout).toContain(
        "  what factory operators encoded (skill runs, rule refusals and scorecard holds, automation handlings; use only, not effect)\n",
      );
      expect(text.stdout).toContain(
        [
          "    bo (no skill)",
          "      automations (1, 1 ran): 2 handled (1 failed), 1 retried (1 recovered), 4 events emitted",
          "        tell-checkout: 2 handled (1 failed), 1 retried (1 recovered), 4 events emitted; lines checkout; operators ana",
        ].join("\n"),
      );
      expect(text.stdout).toMatch(
        /\n {6}rules \(\d+, 1 used\): 2 moves refused \(1 work item\)\n {8}line-has-description: 2 moves refused \(1 work item\); lines returns\n/,
      );

      const cy = await factory("metrics", "--operator", "bo", "--json");
      expect(
        JSON.parse(cy.stdout).encoded.authors.map((author: { author: string }) => author.author),
      ).toEqual(["bo"]);
    },
  );
});

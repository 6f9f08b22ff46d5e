import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });
/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

async function createItem(line: string, ...extra: string[]): Promise<string> {
  const created = await factory("work", "create", "--line", line, "--json", ...extra, "Pay", "by", "link");
  expect(created.code, created.stderr).toBe(0);
  return (JSON.parse(created.stdout) as { id: string }).id;
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-work-moves-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory work block, unblock, drop and complete", () => {
  it("blocks with a reason, unblocks, and drops with a reason", SLOW, async () => {
    const id = await createItem("checkout");

    const blocked = await factory("work", "block", id, "--reason", "waiting for the PSP contract");
    expect(blocked.code, blocked.stderr).toBe(0);
    expect(blocked.stdout).toBe(`${id} is blocked in intake (waiting for the PSP contract)\n`);
    const listed = await factory("work", "list", "--state", "blocked", "--json");
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { id, state: "blocked", reason: "waiting for the PSP contract" },
    ]);

    const unblocked = await factory("work", "unblock", id, "--reason", "contract signed", "--json");
    expect(unblocked.code, unblocked.stderr).toBe(0);
    expect(JSON.parse(unblocked.stdout)).toMatchObject({ id, state: "active" });

    const dropped = await factory("work", "drop", id, "--reason", "merged into another item");
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(dropped.stdout).toBe(`${id} dropped in intake (merged into another item)\n`);
    const shown = await factory("work", "show", id, "--json");
    expect(JSON.parse(shown.stdout).item).toMatchObject({
      state: "dropped",
      reason: "merged into another item",
    });
  });

  it("refuses block and drop without a reason, as the MCP tool does, and writes nothing", SLOW, async () => {
    const id = await createItem("checkout");
    for (const move of ["block", "drop"]) {
      const missing = await factory("work", move, id);
      expect(missing.code, move).toBe(2);
      expect(missing.stderr).toContain("required option '--reason <text>' not specified");
      const blank = await factory("work", move, id, "--reason", "  ");
      expect(blank.code, move).toBe(2);
      expect(blank.stderr).toMatch(/^error: E_USAGE: --reason: a reason is required/);
    }
    const shown = await factory("work", "show", id, "--json");
    expect(JSON.parse(shown.stdout).item).toMatchObject({ state: "active" });
  });

  it("refuses moves the item's state does not allow, naming the item", SLOW, async () => {
    const id = await createItem("checkout");
    const unblock = await factory("work", "unblock", id);
    expect(unblock.code).toBe(1);
    expect(unblock.stderr).toMatch(new RegExp(`^error: E_ILLEGAL_TRANSITION: .*${id}`));
    const early = await factory("work", "complete", id);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(new RegExp(`^error: E_ILLEGAL_TRANSITION: .*${id}`));
    const unknown = await factory("work", "drop", "wi_nope", "--reason", "gone");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: E_NOT_FOUND: .*wi_nope/);
  });

  it("completes an item at the last stage of its flow once its evidence is there", SLOW, async () => {
    const id = await createItem("checkout", "--flow", "tiny");
    const sdk = await openFactory({ dir: join(cwd, ".factory"), actor: "ana" });
    try {
      await sdk.work.recordArtifact({
        kind: "changeSet",
        title: "Payment links",
        fields: { commit: "9c4e1a7", paths: ["src/checkout/links.ts"] },
        workItem: id,
      });
      await sdk.work.recordArtifact({
        kind: "testEvidence",
        title: "CI run 7",
        fields: { runId: "ci-7", passed: 12, failed: 0 },
        workItem: id,
      });
    } finally {
      await sdk.close();
    }
    for (const stage of ["implementation", "testing", "release"]) {
      const advanced = await factory("work", "advance", id);
      expect(advanced.stdout, advanced.stderr).toBe(`${id} is now in ${stage}\n`);
    }
    const completed = await factory("work", "complete", id);
    expect(completed.code, completed.stderr).toBe(0);
    expect(completed.stdout).toBe(`${id} is done in release\n`);
    const again = await factory("work", "complete", id);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: E_ILLEGAL_TRANSITION: /);
  });

  it("factory check's hint for work left on a removed line is a command that drops it", SLOW, async () => {
    const id = await createItem("search");
    writeFileSync(join(cwd, "without-search.yaml"), SHOP_YAML.replace(/ {2}- id: search[\s\S]*$/, ""));
    const applied = await factory("plan", "apply", "without-search.yaml");
    expect(applied.code, applied.stderr).toBe(0);

    const check = await factory("check", "--rule", "work-is-on-a-plan-line", "--json");
    const finding = (JSON.parse(check.stdout) as { findings: { hint?: string }[] }).findings[0];
    const command = /`factory (work drop \S+) --reason <why>`/.exec(finding?.hint ?? "")?.[1];
    expect(command, finding?.hint).toBe(`work drop ${id}`);
    expect(finding?.hint).toContain(`work.drop("${id}", { reason })`);

    const dropped = await factory(...(command as string).split(" "), "--reason", "search left the plan");
    expect(dropped.code, dropped.stderr).toBe(0);
    const after = await factory("check", "--rule", "work-is-on-a-plan-line", "--json");
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout).findings).toEqual([]);
  });
});

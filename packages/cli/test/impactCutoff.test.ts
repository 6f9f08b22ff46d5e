/**
 * `factory impact` says in words where a walk cut short by `--depth` stopped,
 * and what to raise, instead of printing the cutoff object as JSON.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-impact-cutoff-"));
  writeFileSync(
    join(cwd, "factory.yaml"),
    [
      "version: 1",
      "operators: [{ id: ana }]",
      "lines:",
      "  - { id: web, owner: ana, paths: [/web/], dependsOn: [checkout] }",
      "  - { id: checkout, owner: ana, paths: [/checkout/], dependsOn: [payments] }",
      "  - { id: payments, owner: ana, paths: [/payments/] }",
      "",
    ].join("\n"),
  );
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory impact --depth", () => {
  it("says where the walk stopped and to raise --depth, in words", async () => {
    const shallow = await factory("impact", "--line", "payments", "--depth", "1");
    expect(shallow.code).toBe(0);
    expect(shallow.stdout).toContain(
      "partial report: stopped at --depth 1: at least 1 more line depends on the lines above; raise --depth to see them\n",
    );
    expect((await factory("impact", "--line", "payments")).stdout).not.toContain("partial report");
    const json = JSON.parse((await factory("impact", "--line", "payments", "--depth", "1", "--json")).stdout);
    expect(json.cutoff).toMatchObject({ by: "depth", depth: 1, omitted: 1 });
  });
});

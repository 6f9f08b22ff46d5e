/**
 * `factory check` after `factory import git` of a repository's past: the
 * commits made before the factory's first work item are history, not errors
 * of `change-set-links-work-item`; every commit after it is checked; and
 * `--skip <rule>` leaves any rule out. The built bin, as a subprocess, on a
 * real SQLite file and a real git repository.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRepo, type TestRepo } from "../../intelligence/test/codebase/makeRepo.js";
import { firstLine, SLOW, useShopFactory } from "./shopFactory.js";

const ada = { name: "Ada Lovelace", email: "ada@example.com" };
const { factory, ok, createItem } = useShopFactory("factory-check-imported-history-");
let repo: TestRepo;

beforeAll(() => {
  repo = makeRepo([
    {
      author: ada,
      message: "cart: basket",
      files: { "src/checkout/a.ts": "1\n" },
      date: "2020-03-01T10:00:00Z",
    },
    {
      author: ada,
      message: "cart: total",
      files: { "src/checkout/b.ts": "1\n" },
      date: "2021-06-01T10:00:00Z",
    },
    {
      author: ada,
      message: "cart: tax",
      files: { "src/checkout/c.ts": "1\n" },
      date: "2022-09-01T10:00:00Z",
    },
  ]);
});
afterAll(() => repo.remove());

/** A finding as `factory check --json` prints it (the fields these tests read). */
interface PrintedFinding {
  readonly rule: string;
  readonly severity: string;
}

/** The findings of `factory check --json <args>`, and its exit code. */
async function check(...args: string[]) {
  const checked = await factory("--json", "check", ...args);
  return {
    code: checked.code,
    findings: (JSON.parse(checked.stdout) as { findings: PrintedFinding[] }).findings,
  };
}

describe("factory check after factory import git", () => {
  it(
    "passes over commits made before the first work item, and fails on one made after it without a work item",
    SLOW,
    async () => {
      expect((await ok("import", "git", repo.root)).stdout).toMatch(/3 created/);
      const history = await factory("check", "--rule", "change-set-links-work-item");
      expect(history.code, history.stdout).toBe(0);
      expect(history.stdout).toContain("standards: 0 errors, 0 warnings");

      await createItem("Pay by link");
      const late = repo.commit({
        author: ada,
        message: "cart: coupons",
        files: { "src/checkout/d.ts": "1\n" },
      });
      await ok("import", "git", repo.root);
      const after = await factory("check", "--rule", "change-set-links-work-item");
      expect(after.code).toBe(1);
      expect(after.stdout).toContain(
        `change set CS-${late.slice(0, 12)} (cart: coupons) belongs to no work item`,
      );
      expect(after.stdout).toContain("standards: 1 error, 0 warnings");
    },
  );

  it("leaves out the rules --skip names, and only those", SLOW, async () => {
    const all = await check();
    expect(all.findings.some((finding) => finding.rule === "change-set-links-work-item")).toBe(true);
    const skipped = await check("--skip", "change-set-links-work-item");
    expect(skipped.findings).toEqual(
      all.findings.filter((finding) => finding.rule !== "change-set-links-work-item"),
    );
    expect(skipped.code).toBe(skipped.findings.some((finding) => finding.severity === "error") ? 1 : 0);
  });

  it("refuses a --skip that names no rule, and one that leaves nothing to check", SLOW, async () => {
    const unknown = await factory("check", "--skip", "no-such-rule");
    expect(unknown.code).not.toBe(0);
    expect(firstLine(unknown)).toMatch(/^error: E_NOT_FOUND: --skip: no rule "no-such-rule"; the rules are /);
    const nothing = await factory(
      "check",
      "--rule",
      "change-set-links-work-item",
      "--skip",
      "change-set-links-work-item",
    );
    expect(nothing.code).toBe(2);
    expect(firstLine(nothing)).toContain("--skip: every rule chosen is skipped; nothing to check");
  });
});

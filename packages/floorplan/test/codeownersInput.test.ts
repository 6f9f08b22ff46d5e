import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { openEventLog, ValidationError } from "@software-factory/core";
import {
  codeownersToPlan,
  EntityIdSchema,
  floorPlanEvents,
  importCodeowners,
  openFloorPlan,
  parseCodeowners,
  readSourceText,
} from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function repo(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), "factory-codeowners-"));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe("a CODEOWNERS that is not text", () => {
  it("is refused whole, naming the file, and the floor plan gains no events", async () => {
    const bytes = randomBytes(100_000);
    bytes[5000] = 0;
    const root = repo({ ".github/CODEOWNERS": bytes });
    const log = await openEventLog({ path: join(root, "factory.db"), events: floorPlanEvents });
    const plan = await openFloorPlan({ log });
    await plan.applyPlan(shopPlan());
    const before = await log.head();
    const error = await importCodeowners(root).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain(join(root, ".github/CODEOWNERS"));
    expect((error as ValidationError).message).toContain("is a binary file");
    expect((error as ValidationError).issues).toMatchObject([
      { file: join(root, ".github/CODEOWNERS"), line: expect.any(Number) },
    ]);
    expect(await log.head()).toBe(before);
    await plan.close();
    await log.close();
  });

  it("names the line of the first bytes that are not UTF-8", async () => {
    const latin1 = Buffer.concat([
      Buffer.from("* @alice\n/docs/ @bob\n/caf"),
      Buffer.from([0xe9]),
      Buffer.from("/ @carol\n"),
    ]);
    const root = repo({ CODEOWNERS: latin1 });
    await expect(readSourceText(join(root, "CODEOWNERS"))).rejects.toMatchObject({
      code: "E_VALIDATION",
      issues: [{ code: "not-text", file: join(root, "CODEOWNERS"), line: 3 }],
    });
    await expect(importCodeowners(root)).rejects.toThrow(`${join(root, "CODEOWNERS")}:3: is not UTF-8 text`);
  });

  it("reads UTF-8 text with a byte order mark as text", async () => {
    const root = repo({ CODEOWNERS: "\uFEFF/docs/ @zoë\n" });
    expect(await readSourceText(join(root, "CODEOWNERS"))).toBe("/docs/ @zoë\n");
  });
});

describe("CODEOWNERS rules that cannot become lines", () => {
  it("reports owners and patterns with control characters at their line, and leaves them out", () => {
    const parsed = parseCodeowners(
      [
        "* @alice",
        "/api/ \u0001@evil",
        "/ok/ bad\u0007@acme.com",
        "/src/\u001bx/ @bob",
        "/docs/ bob@acme.com",
      ].join("\n"),
      "CODEOWNERS",
    );
    expect(parsed.rules.map((rule) => [rule.line, rule.pattern, rule.owners])).toEqual([
      [1, "*", ["@alice"]],
      [5, "/docs/", ["bob@acme.com"]],
    ]);
    expect(parsed.problems.map((problem) => [problem.code, problem.line])).toEqual([
      ["bad-owner", 2],
      ["bad-owner", 3],
      ["unsupported-pattern", 4],
    ]);
    // The message shows the control character escaped, not raw on a terminal.
    expect(parsed.problems[0]?.message).toContain('"\\u0001@evil" is not a @user');
    const plan = codeownersToPlan(parsed.rules);
    expect(plan.operators.map((operator) => operator.id)).toEqual(["alice", "bob"]);
  });

  it("gives every rule a distinct valid line id, also when a pattern slugs to another's suffixed id", () => {
    const long = `/${"a".repeat(70)}/`;
    const parsed = parseCodeowners(["/a/ @x", "/a/ @y", "/a-2/ @z", long, long, "/ @x"].join("\n"));
    const ids = codeownersToPlan(parsed.rules).lines.map((line) => line.id);
    expect(ids.slice(0, 3)).toEqual(["a", "a-2", "a-2-2"]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(EntityIdSchema.safeParse(id).success, id).toBe(true);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotFoundError } from "@software-factory/core";
import { basicStandards, type Factory, openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let factory: Factory;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "check-scope-"));
  factory = await openFactory({ dir, durability: "normal", rules: [basicStandards] });
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("Standards.check refuses a malformed scope", () => {
  it("with a NotFoundError naming an unknown rule id, its place and the known ids", async () => {
    const failure = await factory.standards
      .check({ rules: ["line-has-owner", "nope"] })
      .catch((error) => error);

    expect(failure).toBeInstanceOf(NotFoundError);
    expect(failure).toMatchObject({
      _tag: "NotFoundError",
      code: "E_NOT_FOUND",
      entity: "rule",
      id: "nope",
      field: "rules[1]",
    });
    expect(failure.message).toMatch(
      /^check scope: rules\[1\]: no rule "nope"; known rules: line-has-owner, /,
    );
  });

  it("with a ValidationError naming kind when one target's id comes without it", async () => {
    const failure = await factory.standards.check({ id: "checkout" }).catch((error) => error);

    expect(failure).toMatchObject({
      _tag: "ValidationError",
      code: "E_VALIDATION",
      issues: [{ path: "kind" }],
    });
    expect(failure.message).toContain('checking one target (id "checkout") needs its kind');
  });

  it("with a ValidationError naming a misspelt key and the keys, rather than checking everything", async () => {
    const failure = await factory.standards.check({ lines: ["checkout"] } as never).catch((error) => error);

    expect(failure).toMatchObject({
      _tag: "ValidationError",
      code: "E_VALIDATION",
      message: 'check scope: (root): unknown key "lines"; the keys are kind, id, line, rules',
      issues: [{ path: "" }],
    });
  });
});

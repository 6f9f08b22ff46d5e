import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

/** A git repository with factory.yaml at its root and the folder src/checkout. */
let root: string;
let sub: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "factory-cli-subfolder-")));
  writeFileSync(join(root, "factory.yaml"), SHOP_YAML);
  execFileSync("git", ["init", "-q"], { cwd: root });
  sub = join(root, "src", "checkout");
  mkdirSync(sub, { recursive: true });
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("the factory of a subfolder, with no --dir or FACTORY_DIR", () => {
  it("is the .factory at the repository's root, for a read", async () => {
    expect((await runFactory(["init", "--plan", "factory.yaml"], { cwd: root })).code).toBe(0);
    const result = await runFactory(["who-owns", "cart.ts"], { cwd: sub });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("src/checkout/cart.ts");
    expect(result.stdout).toContain("owner ana");
  });

  it("takes a first write into the root's factory, creating no second one", async () => {
    expect((await runFactory(["init"], { cwd: root })).code).toBe(0);
    const applied = await runFactory(["plan", "apply", "../../factory.yaml"], { cwd: sub });
    expect(applied.code).toBe(0);
    expect(existsSync(join(sub, ".factory"))).toBe(false);
    const owner = await runFactory(["who-owns", "src/checkout/cart.ts"], { cwd: root });
    expect(owner.code).toBe(0);
    expect(owner.stdout).toContain("owner ana");
  });

  it("is what init finds, saying where and how to make a separate one", async () => {
    expect((await runFactory(["init"], { cwd: root })).code).toBe(0);
    const result = await runFactory(["init"], { cwd: sub });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`factory already exists in ${join(root, ".factory")}\n`);
    expect(result.stdout).toContain("give --dir .factory to create a separate one here");
    // Not the first steps: "factory import codebase ." there would import the subfolder into the factory above.
    expect(result.stdout).not.toContain("next:");
    expect(existsSync(join(sub, ".factory"))).toBe(false);
    const json = await runFactory(["init", "--json"], { cwd: sub });
    expect(JSON.parse(json.stdout)).toMatchObject({ dir: join(root, ".factory"), created: false });
  });

  it("is created in the current folder when none is above it", async () => {
    const result = await runFactory(["init"], { cwd: sub });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`created factory in ${join(sub, ".factory")}\n`);
  });

  it("is not looked for above the repository's root", async () => {
    const repo = join(root, "clone");
    mkdirSync(join(repo, "lib"), { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: repo });
    expect((await runFactory(["init"], { cwd: root })).code).toBe(0);
    const result = await runFactory(["work", "list"], { cwd: join(repo, "lib") });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`no factory at ${join(repo, "lib", ".factory")} nor in a parent folder:`);
  });

  it("is the one --dir or FACTORY_DIR names, relative to the current folder", async () => {
    expect((await runFactory(["init"], { cwd: root })).code).toBe(0);
    const flag = await runFactory(["--dir", ".factory", "init"], { cwd: sub });
    expect(flag.stdout).toContain(`created factory in ${join(sub, ".factory")}\n`);
    const env = await runFactory(["init"], { cwd: sub, env: { FACTORY_DIR: "here.factory" } });
    expect(env.stdout).toContain(`created factory in ${join(sub, "here.factory")}\n`);
  });
});

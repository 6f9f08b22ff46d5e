import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-plan-inputs-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** The factory's log head: how many events it holds. */
async function events(): Promise<number> {
  const log = await openEventLog({ path: join(cwd, ".factory", "factory.db") });
  try {
    return await log.head();
  } finally {
    await log.close();
  }
}

/** 100 KB of random bytes with a NUL among them. */
function binary(): Buffer {
  const bytes = randomBytes(100_000);
  bytes[1000] = 0;
  return bytes;
}

/** YAML whose aliases expand to 9^9 strings: a "billion laughs". */
const ALIAS_BOMB = [
  'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]',
  ..."bcdefghi".split("").map((name, index) => {
    const previous = `*${"abcdefgh"[index]}`;
    return `${name}: &${name} [${Array(9).fill(previous).join(", ")}]`;
  }),
].join("\n");

describe("floor plan imports of files that are not text", () => {
  it("refuse a binary CODEOWNERS or catalog naming the file, with exit 1 and no events", SLOW, async () => {
    expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
    const before = await events();

    writeFileSync(join(cwd, "random.bin"), binary());
    for (const command of ["codeowners", "backstage"]) {
      const refused = await factory("import", command, "random.bin");
      expect(refused.code, command).toBe(1);
      expect(refused.stderr, command).toMatch(/^error: E_VALIDATION: random\.bin:\d+: is a binary file/);
    }

    mkdirSync(join(cwd, ".github"));
    writeFileSync(
      join(cwd, ".github", "CODEOWNERS"),
      Buffer.from([0x2a, 0x20, 0x40, 0x61, 0x0a, 0xff, 0xfe]),
    );
    const found = await factory("import", "codeowners");
    expect(found.code).toBe(1);
    expect(found.stderr).toContain(`${join(cwd, ".github", "CODEOWNERS")}:2: is not UTF-8 text`);
    expect(await events()).toBe(before);
  });

  it(
    "report CODEOWNERS owners with control characters at their line and merge the other rules",
    SLOW,
    async () => {
      writeFileSync(join(cwd, "CODEOWNERS"), "/docs/ @alice\n/api/ \u0001@evil\n");
      const result = await factory("import", "codeowners", "CODEOWNERS", "--json");
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report).toMatchObject({ lines: 1, operators: 1 });
      expect(report.problems).toMatchObject([{ code: "bad-owner", file: "CODEOWNERS", line: 2, column: 7 }]);
    },
  );
});

describe("plan apply of a factory.yaml with a field over its limit", () => {
  it("prints the error at file:line:column, exits 1 and appends nothing", SLOW, async () => {
    expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
    const before = await events();
    writeFileSync(
      join(cwd, "long.yaml"),
      SHOP_YAML.replace("Cart, payment and order confirmation", "x".repeat(10_001)),
    );
    const refused = await factory("plan", "apply", "long.yaml");
    expect(refused.code).toBe(1);
    // A refused apply is an error: its problems go to stderr, after the error line (7bba2df).
    expect(refused.stderr).toContain(
      "long.yaml:8:18 error a description is at most 10000 characters [lines[0].description]",
    );
    expect(await events()).toBe(before);
  });
});

describe("errors about a plan or import file", () => {
  it("name a folder given as factory.yaml, with the validation code and exit 1", SLOW, async () => {
    mkdirSync(join(cwd, "plans"));
    const init = await factory("init", "--plan", "plans");
    expect(init.code).toBe(1);
    expect(init.stderr).toBe("error: E_VALIDATION: plans: is a folder, not a file\n");
    expect(existsSync(join(cwd, ".factory"))).toBe(false);

    expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
    const before = await events();
    for (const command of ["check", "apply"]) {
      const refused = await factory("plan", command, "plans");
      expect(refused.code, command).toBe(1);
      // plan check reports what it found on stdout; a refused apply is an error on stderr, as init --plan's.
      if (command === "check") expect(refused.stdout).toContain("plans error is a folder, not a file");
      else expect(refused.stderr).toContain("error: E_VALIDATION: plans: is a folder, not a file");
      expect(refused.stderr, command).not.toContain("E_FAILED");
    }
    expect(await events()).toBe(before);
  });

  it(
    "name the file and document of a YAML alias bomb in a catalog or pnpm-workspace.yaml",
    SLOW,
    async () => {
      expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
      writeFileSync(
        join(cwd, "catalog-info.yaml"),
        ["kind: Component", "metadata: { name: cart }", "---", "kind: Component", ALIAS_BOMB, ""].join("\n"),
      );
      const catalog = await factory("import", "backstage", "catalog-info.yaml");
      expect(catalog.code).toBe(1);
      expect(catalog.stdout).toContain(
        "catalog-info.yaml:4:1 error YAML document could not be read: Excessive alias count",
      );

      mkdirSync(join(cwd, "mono"));
      writeFileSync(join(cwd, "mono", "package.json"), "{}");
      writeFileSync(join(cwd, "mono", "pnpm-workspace.yaml"), `packages: ["p/*"]\n${ALIAS_BOMB}\n`);
      const before = await events();
      const workspaces = await factory("import", "workspaces", "mono");
      expect(workspaces.code).toBe(1);
      expect(workspaces.stderr).toContain(
        `error: E_VALIDATION: ${join(cwd, "mono", "pnpm-workspace.yaml")} is invalid: YAML could not be read`,
      );
      expect(await events()).toBe(before);
    },
  );
});

describe("import backstage of a single-repo catalog-info.yaml", () => {
  it(
    "merges a component whose System is declared elsewhere, warning at its line, and keeps a domain the factory has",
    SLOW,
    async () => {
      writeFileSync(
        join(cwd, "factory.yaml"),
        SHOP_YAML.replace("lines:\n", "domains:\n  - { id: storefront, name: The Storefront }\nlines:\n"),
      );
      expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
      writeFileSync(
        join(cwd, "catalog-info.yaml"),
        [
          "apiVersion: backstage.io/v1alpha1",
          "kind: Component",
          "metadata: { name: billing }",
          "spec:",
          "  owner: group:default/payments",
          "  system: payments-system",
          "---",
          "kind: Component",
          "metadata: { name: web }",
          "spec: { owner: ana, system: storefront }",
          "",
        ].join("\n"),
      );
      const imported = await factory("import", "backstage", "catalog-info.yaml");
      expect(imported.stderr).toBe("");
      expect(imported.code).toBe(0);
      expect(imported.stdout).toContain(
        'catalog-info.yaml:6:11 warning billing is part of system payments-system, which is not in this catalog: the domain "payments-system" is declared for it',
      );
      const { plan } = JSON.parse((await factory("floorplan", "--json")).stdout) as {
        plan: { domains: { id: string; name?: string }[]; lines: { id: string; domain?: string }[] };
      };
      expect(plan.domains.map((domain) => [domain.id, domain.name])).toEqual([
        ["storefront", "The Storefront"],
        ["payments-system", "payments-system"],
      ]);
      expect(
        plan.lines.filter((line) => line.domain !== undefined).map((line) => [line.id, line.domain]),
      ).toEqual([
        ["billing", "payments-system"],
        ["web", "storefront"],
      ]);
    },
  );
});

describe("plan apply of a line that depends on itself", () => {
  it("prints the error at the dependency, exits 1 and appends nothing", SLOW, async () => {
    expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
    const before = await events();
    writeFileSync(
      join(cwd, "self.yaml"),
      SHOP_YAML.replace(
        "      - { line: payments, kind: api, criticality: high }\n",
        "      - { line: payments, kind: api, criticality: high }\n      - checkout\n",
      ),
    );
    const refused = await factory("plan", "apply", "self.yaml");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'self.yaml:13:9 error "checkout" depends on itself [lines[0].dependsOn[1]]',
    );
    expect(await events()).toBe(before);
  });
});

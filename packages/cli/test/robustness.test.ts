import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { BIN, type RunResult, runFactory, runFactoryProcess } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-robust-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  writeFileSync(
    join(cwd, "without-dependency.yaml"),
    SHOP_YAML.replace("    dependsOn:\n      - { line: payments, kind: api, criticality: high }\n", ""),
  );
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** Runs `factory <args>` with standard output a pipe whose reader is gone before the command writes. */
function runIntoClosedPipe(args: readonly string[]): Promise<Omit<RunResult, "stdout">> {
  return new Promise((done, failed) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "", FACTORY_DIR: "", FACTORY_DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Closing our end now: the command's first write to standard output fails with EPIPE.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += String(chunk);
    });
    child.on("error", failed);
    child.on("close", (code) => done({ code: code ?? 1, stderr }));
  });
}

describe("a closed standard output", () => {
  it("ends the command quietly with exit 0, as head does to Unix tools", SLOW, async () => {
    expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
    for (const args of [["floorplan"], ["floorplan", "--json"], ["who-owns", "src/checkout/a.ts"]]) {
      const result = await runIntoClosedPipe(args);
      expect(result.stderr, args.join(" ")).toBe("");
      expect(result.code, args.join(" ")).toBe(0);
    }
  });
});

describe("a factory that does not exist", () => {
  it("is refused by every command but those that create one, and nothing is created", SLOW, async () => {
    const mistyped = await factory("--dir", "nonexist", "work", "list");
    expect(mistyped.code).toBe(1);
    expect(mistyped.stderr).toBe(
      `error: E_NOT_FOUND: no factory at ${join(cwd, "nonexist")}: run \`factory init\` to create it, or give the --dir (or --store) of an existing one\n`,
    );
    expect(existsSync(join(cwd, "nonexist"))).toBe(false);

    const store = join(cwd, "missing", "dir", "x.db");
    const missingStore = await factory("--store", store, "work", "list");
    expect(missingStore.code).toBe(1);
    expect(missingStore.stderr).toContain(`no factory at ${store}`);
    expect(existsSync(join(cwd, "missing"))).toBe(false);

    for (const args of [["search", "x"], ["check"], ["metrics"], ["inbox"], ["automations", "run"]]) {
      const refused = await factory(...args);
      expect(refused.code, args.join(" ")).toBe(1);
      expect(refused.stderr, args.join(" ")).toContain("E_NOT_FOUND: no factory at");
    }
    expect(existsSync(join(cwd, ".factory"))).toBe(false);

    const empty = await factory("--dir", "", "work", "list");
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("E_USAGE: --dir: must not be empty");
    expect(existsSync(join(cwd, "factory.db"))).toBe(false);
    // A file where the folder should be: named, whether the command reads or creates the factory.
    for (const args of [["work", "list"], ["init"]]) {
      const file = await factory("--dir", "factory.yaml", ...args);
      expect(file.code, args.join(" ")).toBe(2);
      expect(file.stderr, args.join(" ")).toMatch(
        /^error: E_USAGE: --dir factory\.yaml is a file, not a factory folder/,
      );
    }

    // An import whose source is missing says so before it creates anything.
    for (const [args, named] of [
      [["import", "codeowners", "nope"], "no file nope"],
      [["import", "backstage", "nope.yaml"], "no file nope.yaml"],
      [["import", "junit", "nope.xml"], "no file nope.xml"],
      [["import", "git", "nope"], "no folder nope"],
    ] as const) {
      const missing = await factory("--dir", "typo", ...args);
      expect(missing.code, args.join(" ")).toBe(1);
      expect(missing.stderr).toBe(`error: E_NOT_FOUND: ${named}\n`);
    }
    expect(existsSync(join(cwd, "typo"))).toBe(false);

    // init, plan apply and the imports create the factory they name.
    expect((await factory("--dir", "applied", "plan", "apply", "factory.yaml")).code).toBe(0);
    expect((await factory("--dir", "applied", "work", "list")).stdout).toContain("no work items");
  });
});

describe("errors and flags", () => {
  it("prints every error with its stable code, and validates --actor like FACTORY_ACTOR", SLOW, async () => {
    expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
    const show = await factory("work", "show", "wi_nope");
    expect(show.code).toBe(1);
    expect(show.stderr).toBe('error: E_NOT_FOUND: <id>: no work item "wi_nope" (see factory work list)\n');
    const route = await factory("signal", "route", "sig_nope");
    expect(route.code).toBe(1);
    expect(route.stderr).toBe('error: E_NOT_FOUND: <id>: no signal "sig_nope"\n');

    const unknown = await factory("frobnicate");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error: E_USAGE: unknown command 'frobnicate'");
    const limit = await factory("search", "refunds", "--limit", "-5");
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('error: E_USAGE: --limit: must be at least 1 (got "-5")');

    const actor = await factory("--actor", "", "signal", "capture", "x", "--source", "support");
    expect(actor.code).toBe(2);
    expect(actor.stderr).toContain("error: E_USAGE: --actor: operator id must be");
    const fromEnv = await runFactory(["signal", "capture", "x", "--source", "support"], {
      cwd,
      env: { FACTORY_ACTOR: "John Doe" },
    });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain("FACTORY_ACTOR (--actor): operator id must be");
    expect(fromEnv.stderr).toContain('(got "John Doe")');

    expect((await factory("signal", "capture", "--help")).stdout).toMatch(/--source <source>\s+required/);
  });

  it("refuses filters the factory does not know instead of answering nothing", SLOW, async () => {
    expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
    const kind = await factory("check", "--kind", "bogus");
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('--kind: no rule checks targets of kind "bogus"; the kinds are');
    const stage = await factory("work", "list", "--stage", "nope");
    expect(stage.code).toBe(2);
    expect(stage.stderr).toContain('--stage: no stage "nope"; the stages are intake, requirements');
    for (const args of [
      ["search", "refunds", "--line", "ghost"],
      ["metrics", "--line", "ghost"],
      ["work", "list", "--line", "ghost"],
      ["check", "--line", "ghost"],
    ]) {
      const line = await factory(...args);
      expect(line.code, args.join(" ")).toBe(1);
      expect(line.stderr, args.join(" ")).toContain('error: E_NOT_FOUND: --line: no line "ghost"');
    }
    for (const args of [
      ["work", "list", "--owner", "ghost"],
      ["metrics", "--operator", "ghost"],
    ]) {
      const operator = await factory(...args);
      expect(operator.code, args.join(" ")).toBe(1);
      expect(operator.stderr, args.join(" ")).toMatch(
        /error: E_NOT_FOUND: --(owner|operator): no operator "ghost"/,
      );
    }
    expect((await factory("work", "list", "--stage", "design", "--line", "payments")).code).toBe(0);
    const metrics = await factory("metrics", "--line", "payments");
    expect(metrics.code).toBe(0);
    expect(metrics.stdout).toContain("rework of these 0 delivered items (work in progress not counted)");
  });
});

describe("inbox and automations", () => {
  it(
    "runs the automations once up to the head, concurrently without handling an event twice, and reads the inbox",
    SLOW,
    async () => {
      // A dependency declared with its line changes no contract anyone relied on: it comes in a second plan.
      expect((await factory("init", "--plan", "without-dependency.yaml")).code).toBe(0);
      expect((await factory("plan", "apply", "factory.yaml")).code).toBe(0);
      expect((await factory("inbox", "--operator", "ana")).stdout).toContain("no notifications for ana");

      // Two processes at once, as two CI jobs would run them.
      const runs = await Promise.all([
        runFactoryProcess(["automations", "run", "--json"], { cwd }),
        runFactoryProcess(["automations", "run", "--json"], { cwd }),
      ]);
      const handled = (result: RunResult, name: string) => {
        expect(result.code, result.stderr).toBe(0);
        const report = JSON.parse(result.stdout) as { automations: { name: string; handled: number }[] };
        return report.automations.find((run) => run.name === name)?.handled ?? 0;
      };
      // One dependency was added (checkout depends on payments). Each run counts the marks it wrote
      // itself, so the two counts add up to the one event handled (whichever run handled it); the
      // inbox below shows one notification, not two.
      expect(runs.map((run) => handled(run, "notify-contract-changes")).sort()).toEqual([0, 1]);

      const again = await factory("automations", "run");
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/notify-contract-changes\s+0 handled/);
      expect(again.stdout).toContain("every event handled up to log position");

      const inbox = JSON.parse((await factory("inbox", "--operator", "ana", "--json")).stdout);
      expect(inbox).toMatchObject({ operator: "ana", unread: 1 });
      expect(inbox.items).toHaveLength(1);
      expect(inbox.items[0]).toMatchObject({
        to: "ana",
        from: "automation:notify-contract-changes",
        read: false,
      });
      const text = await runFactory(["inbox", "--unread"], { cwd, env: { FACTORY_ACTOR: "ana" } });
      expect(text.stdout).toContain("from automation:notify-contract-changes");
      expect(text.stdout).toContain("ana: 1 shown, 1 unread");
      const nobody = await factory("inbox", "--operator", "nobody");
      expect(nobody.code).toBe(1);
      expect(nobody.stderr).toBe(
        'error: E_NOT_FOUND: --operator: no operator "nobody" in the floor plan, and no notification to them\n',
      );
    },
  );

  it("marks notifications read with inbox read, all or none, as mark_inbox_read does", SLOW, async () => {
    expect((await factory("init", "--plan", "without-dependency.yaml")).code).toBe(0);
    expect((await factory("plan", "apply", "factory.yaml")).code).toBe(0);
    expect((await factory("automations", "run")).code).toBe(0);
    const [item] = JSON.parse((await factory("inbox", "--operator", "ana", "--json")).stdout).items as {
      id: string;
    }[];
    if (item === undefined) throw new Error("expected a notification for ana");

    const unknown = await factory("inbox", "read", item.id, "evt_nope", "--operator", "ana");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      `error: E_NOT_FOUND: <ids>: "evt_nope" is not a notification in ana's inbox (factory inbox lists them); nothing was marked\n`,
    );
    expect(JSON.parse((await factory("inbox", "--operator", "ana", "--json")).stdout).unread).toBe(1);

    const marked = await factory("inbox", "read", item.id, "--operator", "ana");
    expect(marked.code, marked.stderr).toBe(0);
    expect(marked.stdout).toBe("ana: 1 marked read, 0 unread\n");
    const again = await runFactory(["inbox", "read", item.id, "--json"], {
      cwd,
      env: { FACTORY_ACTOR: "ana" },
    });
    expect(JSON.parse(again.stdout)).toEqual({
      operator: "ana",
      marked: [],
      alreadyRead: [item.id],
      unread: 0,
    });
    expect((await factory("inbox", "--operator", "ana", "--unread")).stdout).toContain(
      "no unread notifications for ana",
    );
    const nobody = await factory("inbox", "read", item.id, "--operator", "nobody");
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('E_NOT_FOUND: --operator: no operator "nobody"');
  });
});

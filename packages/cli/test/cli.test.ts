import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BROKEN_YAML, CYCLIC_YAML, SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("usage", () => {
  it("prints help for the program and for a command, with exit code 0", SLOW, async () => {
    const help = await factory("--help");
    expect(help.code).toBe(0);
    for (const command of [
      "init",
      "import",
      "plan",
      "search",
      "knowledge",
      "floorplan",
      "who-owns",
      "impact",
      "work",
      "signal",
      "check",
      "metrics",
      "inbox",
      "automations",
      "demo",
    ]) {
      expect(help.stdout).toContain(command);
    }
    // As docs/cli.md says: --json is for writes too.
    expect(help.stdout.replace(/\s+/g, " ")).toContain(
      "--json print JSON instead of text (every read; a write prints what it stored)",
    );
    const work = await factory("work", "create", "--help");
    expect(work.code).toBe(0);
    expect(work.stdout).toContain("--line <line>");
  });

  it("lists the options every command takes in each command's help, after its own", SLOW, async () => {
    for (const command of [["work", "list"], ["search"], ["import", "codebase"], ["deployment", "record"]]) {
      const help = await factory(...command, "--help");
      expect(help.code).toBe(0);
      const [own, global] = help.stdout.split("Global Options:");
      expect(own, command.join(" ")).toContain("-h, --help");
      for (const option of ["--dir <path>", "--store <url|path>", "--json", "--actor <id>"])
        expect(global, `${command.join(" ")} ${option}`).toContain(option);
    }
  });

  it(
    "exits 2 with the help on standard error when the command is missing, 0 when help is asked for",
    SLOW,
    async () => {
      for (const args of [[], ["work"], ["import"]]) {
        const missing = await factory(...args);
        expect(missing.code, args.join(" ")).toBe(2);
        expect(missing.stdout).toBe("");
        expect(missing.stderr).toMatch(
          new RegExp(
            `^error: E_USAGE: ${["factory", ...args].join(" ")}: missing command .*\nUsage: factory`,
          ),
        );
      }
      for (const args of [["help"], ["help", "work"], ["work", "--help"]]) {
        const asked = await factory(...args);
        expect(asked.code, args.join(" ")).toBe(0);
        expect(asked.stdout).toMatch(/^Usage: factory/);
      }
    },
  );

  it("exits 2 on an unknown command, an unknown option or a missing argument", SLOW, async () => {
    const unknown = await factory("frobnicate");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect((await factory("search", "x", "--nope")).code).toBe(2);
    const missing = await factory("who-owns");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'paths'");
  });

  it("exits 2 and names the flag when a flag value does not parse", SLOW, async () => {
    const limit = await factory("search", "payments", "--limit", "lots");
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('--limit: must be a whole number (got "lots")');
    const format = await factory("floorplan", "--format", "svg");
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("--format");
  });
});

describe("floor plan", () => {
  it("says so when the floor plan is empty, and checks it without failing", SLOW, async () => {
    expect((await factory("init")).code).toBe(0);
    expect((await factory("floorplan")).stdout).toContain("the floor plan is empty");
    expect((await factory("check")).code).toBe(0);
  });

  it("checks a factory.yaml and prints problems as file:line:col, exit 1 on errors", SLOW, async () => {
    writeFileSync(join(cwd, "broken.yaml"), BROKEN_YAML);
    const broken = await factory("plan", "check", "broken.yaml");
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^broken\.yaml:6:\d+ error .*nobody/m);
    const valid = await factory("plan", "check", "factory.yaml");
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain("factory.yaml is valid (3 lines declared");
  });

  it("applies a plan, then answers who owns paths and what a change affects", SLOW, async () => {
    const init = await factory("init");
    expect(init.code).toBe(0);
    expect(init.stdout).toContain("created factory in");
    expect(JSON.parse((await factory("init", "--json")).stdout)).toMatchObject({ created: false });
    const applied = await factory("plan", "apply", "factory.yaml", "--json");
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ applied: true });
    expect((await factory("plan", "apply", "factory.yaml")).stdout).toContain("already current");

    const owners = await factory("who-owns", "src/payments/refund.ts", "src/checkout/cart.ts", "--json");
    expect(JSON.parse(owners.stdout)).toEqual([
      { path: "src/payments/refund.ts", line: "payments", owner: "bo" },
      { path: "src/checkout/cart.ts", line: "checkout", owner: "ana" },
    ]);
    const unclaimed = await factory("who-owns", "README.md");
    expect(unclaimed.code).toBe(1);
    expect(unclaimed.stdout).toContain("no line claims this path");

    const impact = await factory("impact", "src/payments/refund.ts");
    expect(impact.code).toBe(0);
    expect(impact.stdout).toContain("checkout depends on payments (api, high), which changed");
    const plan = await factory("floorplan", "--json");
    expect(JSON.parse(plan.stdout).plan.lines.map((line: { id: string }) => line.id)).toEqual([
      "checkout",
      "payments",
      "search",
    ]);
    expect((await factory("floorplan", "--format", "mermaid")).stdout).toMatch(/^(graph|flowchart)/m);
  });

  it("reports the impact of the paths changed since a git ref", SLOW, async () => {
    const git = (...args: string[]) => execFileSync("git", args, { cwd, stdio: "pipe" });
    git("init", "-q", "-b", "main");
    git("config", "user.email", "t@example.com");
    git("config", "user.name", "t");
    git("add", "factory.yaml");
    git("commit", "-q", "-m", "plan");
    mkdirSync(join(cwd, "src", "payments"), { recursive: true });
    writeFileSync(join(cwd, "src", "payments", "refund.ts"), "export {};\n");
    git("add", "src");
    git("commit", "-q", "-m", "refunds");
    await factory("plan", "apply", "factory.yaml");
    const impact = await factory("impact", "--since", "HEAD~1", "--json");
    expect(impact.code).toBe(0);
    const report = JSON.parse(impact.stdout);
    expect(report.changed).toEqual([{ line: "payments", owner: "bo", paths: ["src/payments/refund.ts"] }]);
    expect(report.affected.map((line: { line: string }) => line.line)).toEqual(["checkout"]);
    const bad = await factory("impact", "--since", "no-such-ref");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: E_USAGE: --since "no-such-ref" cannot be diffed in /);
  });
});

describe("floor plan imports", () => {
  it(
    "merges lines from CODEOWNERS, workspaces and a Backstage catalog, or writes them to a file",
    SLOW,
    async () => {
      writeFileSync(join(cwd, "CODEOWNERS"), "/src/api/ @alice\n/docs/ @bob @carol\n");
      const proposed = await factory("import", "codeowners", "CODEOWNERS", "--out", "proposed.yaml");
      expect(proposed.code).toBe(0);
      expect(proposed.stdout).toContain("wrote 2 lines to proposed.yaml");
      expect((await factory("plan", "check", "proposed.yaml")).code).toBe(0);
      const merged = JSON.parse((await factory("import", "codeowners", "CODEOWNERS", "--json")).stdout);
      expect(merged).toMatchObject({ lines: 2, operators: 3 });
      expect(
        JSON.parse((await factory("who-owns", "src/api/users.ts", "--json")).stdout)[0].line,
      ).not.toBeNull();

      const repo = join(cwd, "mono");
      mkdirSync(join(repo, "packages", "web"), { recursive: true });
      mkdirSync(join(repo, "packages", "core"), { recursive: true });
      writeFileSync(join(repo, "package.json"), JSON.stringify({ name: "mono", workspaces: ["packages/*"] }));
      writeFileSync(join(repo, "packages", "core", "package.json"), JSON.stringify({ name: "@mono/core" }));
      writeFileSync(
        join(repo, "packages", "web", "package.json"),
        JSON.stringify({ name: "@mono/web", dependencies: { "@mono/core": "*" } }),
      );
      const unowned = await factory("import", "workspaces", "mono");
      expect(unowned.code).toBe(0);
      expect(unowned.stdout).toContain('warning line "mono-web" has no owner');
      const unownedCheck = await factory("check", "--rule", "line-has-owner");
      expect(unownedCheck.code).toBe(1);
      expect(unownedCheck.stdout).toContain("line mono-web has no owner");
      const owned = await factory("import", "workspaces", "mono", "--owner", "platform", "--json");
      expect(owned.code).toBe(0);
      expect(JSON.parse(owned.stdout).lines).toBe(2);
      expect((await factory("import", "workspaces", "mono", "--owner", "Not An Id")).code).toBe(2);
      expect((await factory("check", "--rule", "line-has-owner")).code).toBe(0);

      writeFileSync(
        join(cwd, "catalog-info.yaml"),
        [
          "apiVersion: backstage.io/v1alpha1",
          "kind: Component",
          "metadata: { name: storefront }",
          "spec: { type: website, owner: group:default/web-team, dependsOn: [component:default/cart] }",
          "---",
          "apiVersion: backstage.io/v1alpha1",
          "kind: Component",
          "metadata: { name: cart }",
          "spec: { type: service, owner: group:default/web-team }",
          "",
        ].join("\n"),
      );
      const catalog = await factory("import", "backstage", "catalog-info.yaml", "--json");
      expect(catalog.code).toBe(0);
      expect(JSON.parse(catalog.stdout).lines).toBe(2);
      const plan = JSON.parse((await factory("floorplan", "--json")).stdout).plan;
      expect(plan.lines.map((line: { id: string }) => line.id)).toEqual(
        expect.arrayContaining(["storefront", "cart"]),
      );
    },
  );
});

describe("standards", () => {
  it("exits 0 when the standards pass, and 1 when a finding reaches --fail-on", SLOW, async () => {
    await factory("plan", "apply", "factory.yaml");
    const clean = await factory("check", "--json");
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ errors: 0 });

    writeFileSync(join(cwd, "cyclic.yaml"), CYCLIC_YAML);
    const other = ["--dir", "cyclic-factory"];
    expect((await factory(...other, "plan", "apply", "cyclic.yaml")).code).toBe(0);
    // The plan makes cycles warnings (settings.cycles), and the rule reports them so.
    const warned = await factory(...other, "check");
    expect(warned.code).toBe(0);
    expect(warned.stdout).toMatch(/warning no-dependency-cycles/);
    expect(warned.stdout).toContain("standards: 0 errors, 1 warning");
    expect((await factory(...other, "check", "--fail-on", "warning")).code).toBe(1);
    expect((await factory(...other, "check", "--fail-on", "never")).code).toBe(0);
  });
});

describe("knowledge", () => {
  it("imports a folder of markdown, decisions included, and searches it with provenance", SLOW, async () => {
    // In a git repository, a folder is recorded by its path there: docs/ as markdown:docs.
    execFileSync("git", ["init", "--quiet", cwd]);
    const docs = join(cwd, "docs");
    mkdirSync(docs);
    writeFileSync(
      join(docs, "refunds.md"),
      "---\nkind: insight\nauthor: bo\nlines: [payments]\n---\n# Refunds lose shipping\n\nPartial refunds refund the shipping cost in full.\n",
    );
    writeFileSync(
      join(docs, "adr-1.md"),
      "---\nkind: decision\nstatus: accepted\nlines: [payments]\n---\n# ADR-1: Stripe for cards\n\n## Context\nWe need SCA.\n\n## Decision\nUse Stripe payment intents.\n\n## Consequences\nCheckout handles 3-D Secure.\n",
    );
    writeFileSync(join(docs, "broken.md"), "---\nkind: [oops\n---\nbody\n");
    // The documents link to payments: the floor plan must declare it first.
    expect((await factory("plan", "apply", "factory.yaml")).code).toBe(0);
    const imported = await factory("import", "docs", "docs", "--json");
    expect(imported.code).toBe(1);
    const report = JSON.parse(imported.stdout);
    expect(report).toMatchObject({ captured: 1, decisions: 1 });
    expect(report.problems.map((problem: { item: string }) => problem.item)).toEqual(["broken.md"]);

    const again = JSON.parse((await factory("import", "docs", "docs", "--json")).stdout);
    expect(again).toMatchObject({ captured: 0, unchanged: 1, decisions: 0 });

    const search = await factory("search", "refund", "shipping", "--json");
    expect(search.code).toBe(0);
    const [hit] = JSON.parse(search.stdout).hits;
    expect(hit.document.title).toBe("Refunds lose shipping");
    expect(hit.document.source).toMatchObject({ system: "markdown:docs", uri: "refunds.md", author: "bo" });
    const decisions = await factory("search", "stripe", "--kind", "decision");
    expect(decisions.stdout).toContain("ADR-1: Stripe for cards");
    expect(decisions.stdout).toContain("decisions:docs adr-1.md");
    // Matched words: ** marks without colour (piped), bold with it, never both.
    expect(decisions.stdout).toMatch(/\*\*Stripe\*\*/);
    const coloured = await runFactory(["search", "stripe", "--kind", "decision"], {
      cwd,
      env: { FORCE_COLOR: "1" },
    });
    expect(coloured.stdout).toContain("\u001b[1mStripe\u001b[22m");
    expect(coloured.stdout).not.toContain("**");
    const scoped = JSON.parse((await factory("search", "refund", "--line", "payments", "--json")).stdout);
    expect(scoped.hits.length).toBeGreaterThan(0);
  });
});

describe("assembly line", () => {
  it("captures and routes a signal, turns it into work and moves the work", SLOW, async () => {
    await factory("plan", "apply", "factory.yaml");
    const captured = JSON.parse(
      (
        await factory(
          "signal",
          "capture",
          "refunds",
          "of",
          "card",
          "payments",
          "fail",
          "--source",
          "support",
          "--severity",
          "high",
          "--json",
        )
      ).stdout,
    );
    expect(captured).toMatchObject({ source: "support", severity: "high", capturedBy: "tester" });
    expect((await factory("signal", "capture", "x", "--source", "s", "--severity", "urgent")).code).toBe(2);

    const routed = await factory("signal", "route", captured.id, "--to", "payments", "--json");
    expect(JSON.parse(routed.stdout)).toMatchObject({
      routed: true,
      changed: true,
      signal: { line: "payments" },
    });
    // Routed there again (a retried CI step): nothing written, so payments' owner is not told twice.
    const again = await factory("signal", "route", captured.id, "--to", "payments");
    expect(again.stdout).toContain("already routed to payments: nothing written\n");
    // Ranked again, the signal routed to payments is no evidence for itself.
    const reranked = JSON.parse((await factory("signal", "route", captured.id, "--json")).stdout) as {
      candidates: { line: string; reasons: string[] }[];
    };
    const reasons = reranked.candidates.flatMap((candidate) => candidate.reasons).join("\n");
    expect(reasons).not.toContain("routed here");
    expect(reasons).not.toMatch(/latest \d+ routed signals/);

    const created = JSON.parse(
      (
        await factory(
          "work",
          "create",
          "--line",
          "payments",
          "--signal",
          captured.id,
          "Fix",
          "refunds",
          "--json",
        )
      ).stdout,
    );
    expect(created).toMatchObject({ line: "payments", owner: "bo", stage: "intake", title: "Fix refunds" });
    expect((await factory("work", "advance", created.id)).stdout).toContain("is now in requirements");
    const back = await factory("work", "back", created.id, "--reason", "unclear scope");
    expect(back.code).toBe(0);
    expect(back.stdout).toContain("sent back to intake");
    const listed = JSON.parse((await factory("work", "list", "--line", "payments", "--json")).stdout);
    expect(listed.map((item: { id: string }) => item.id)).toEqual([created.id]);
    const shown = await factory("work", "show", created.id);
    expect(shown.stdout).toContain(`signal   ${captured.id}`);

    const metrics = JSON.parse((await factory("metrics", "--since", "1d", "--json")).stdout);
    expect(metrics.signals).toMatchObject({ captured: 1, routed: 1, turnedIntoWork: 1 });
    expect((await factory("metrics", "--since", "yesterday-ish")).code).toBe(2);
  });

  it(
    "shows a signal's text with terminal escapes and a bidi override escaped, gives it exactly with --json, and refuses them in a title",
    SLOW,
    async () => {
      await factory("plan", "apply", "factory.yaml");
      const text = "a\u202eevil \x1b[31mred";
      // A signal's text may hold them (a title may not, below): what the CLI shows of it is escaped.
      const captured = JSON.parse(
        (await factory("signal", "capture", text, "--source", "support", "--json")).stdout,
      );
      expect(captured.text).toBe(text);
      const shown = await factory("signal", "route", captured.id);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain(`${captured.id}: a\\u202eevil \\x1b[31mred\n`);
      expect(shown.stdout).not.toContain("\x1b");
      expect(shown.stdout).not.toContain("\u202e");
      expect(JSON.parse((await factory("signal", "route", captured.id, "--json")).stdout).signal.text).toBe(
        text,
      );
      const refused = await factory("work", "list", "--line", "\x1b]0;owned\x07");
      expect(refused.code).not.toBe(0);
      // A malformed line is shown as JSON (escaped), not sent to the terminal.
      expect(refused.stderr).toContain('(got "\\u001b]0;owned\\u0007")');
      expect(refused.stderr).not.toContain("\x1b");
      // A title is one line without control characters or bidi overrides: refused, naming the first, and nothing created.
      const titled = await factory("work", "create", "--line", "payments", text);
      expect(titled.code).toBe(2);
      expect(titled.stderr).toBe(
        "error: E_USAGE: <title>: U+202E (right-to-left override) at character 2 is not allowed in a title\n(run with --help for usage)\n",
      );
      expect(JSON.parse((await factory("work", "list", "--json")).stdout)).toEqual([]);
    },
  );

  it("prints a library error as one line without a stack trace, exit 1", SLOW, async () => {
    await factory("plan", "apply", "factory.yaml");
    const created = JSON.parse(
      (await factory("work", "create", "--line", "payments", "Fix refunds", "--json")).stdout,
    );
    // Unblocking an active item: the library refuses the move, not the command line.
    const result = await factory("work", "unblock", created.id);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: E_ILLEGAL_TRANSITION: .*it is active/);
    expect(result.stderr).not.toContain("    at ");
    const missing = await factory("work", "advance", "wi_nope");
    expect(missing.code).toBe(1);
    expect(missing.stderr).not.toContain("    at ");
  });
});

describe("mcp", () => {
  it("refuses --http without a token, as a usage error", async () => {
    const result = await factory("mcp", "--http", "0");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--token/);
  });
});

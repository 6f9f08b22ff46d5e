import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { openEventLog, ValidationError } from "@software-factory/core";
import { edgeKey, floorPlanEvents, importWorkspaces, openFloorPlan } from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes a repository into a fresh folder and returns its root. */
function repo(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), "factory-workspaces-"));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

const dependencyRows = (plan: Awaited<ReturnType<typeof importWorkspaces>>) =>
  plan.lines.flatMap((line) =>
    line.dependsOn.map((dependency) => [line.id, dependency.line, dependency.criticality]),
  );

describe("importWorkspaces on a yarn monorepo (workspaces as an object)", () => {
  const yarnRepo = () =>
    repo({
      "package.json": {
        name: "shop",
        private: true,
        workspaces: { packages: ["packages/*", "apps/*"], nohoist: ["**/react-native"] },
      },
      "yarn.lock": "# yarn lockfile v1\n",
      "packages/core/package.json": { name: "@shop/core", version: "1.0.0", description: "Domain model" },
      "packages/api-client/package.json": {
        name: "@shop/api-client",
        dependencies: { "@shop/core": "^1.0.0", axios: "^1.7.0" },
      },
      "packages/testing/package.json": { name: "@shop/testing", dependencies: { vitest: "^4.0.0" } },
      "apps/web/package.json": {
        name: "@shop/web",
        keywords: ["Storefront"],
        dependencies: { "@shop/api-client": "workspace:*", react: "^19.0.0" },
        devDependencies: { "@shop/testing": "workspace:^", typescript: "^5.9.0" },
      },
      "apps/web/node_modules/@shop/core/package.json": { name: "@shop/core-copy" },
      "tools/scripts/package.json": { name: "@shop/scripts", dependencies: { "@shop/core": "*" } },
    });

  it("finds every package the globs name, and only those", async () => {
    const plan = await importWorkspaces(yarnRepo());
    expect(plan.lines.map((line) => [line.id, line.name, line.domain, line.paths])).toEqual([
      ["shop-web", "@shop/web", "apps", ["/apps/web/"]],
      ["shop-api-client", "@shop/api-client", "packages", ["/packages/api-client/"]],
      ["shop-core", "@shop/core", "packages", ["/packages/core/"]],
      ["shop-testing", "@shop/testing", "packages", ["/packages/testing/"]],
    ]);
    expect(plan.lines[0]?.tags).toEqual(["workspace", "storefront"]);
    expect(plan.lines[2]?.description).toBe("Domain model");
    expect(plan.domains).toEqual([
      { id: "apps", name: "apps" },
      { id: "packages", name: "packages" },
    ]);
  });

  it("turns internal dependencies (dependencies, devDependencies, workspace: ranges) into dependsOn and ignores external ones", async () => {
    const plan = await importWorkspaces(yarnRepo());
    expect(dependencyRows(plan)).toEqual([
      ["shop-web", "shop-api-client", "high"],
      ["shop-web", "shop-testing", "low"],
      ["shop-api-client", "shop-core", "high"],
    ]);
    expect(plan.lines[0]?.dependsOn[0]).toEqual({
      line: "shop-api-client",
      kind: "library",
      criticality: "high",
    });
  });

  it("applies to an event-backed floor plan where the dependencies carry their workspaces provenance", async () => {
    const root = yarnRepo();
    const log = await openEventLog({ path: join(root, "factory.db"), events: floorPlanEvents });
    const floorplan = await openFloorPlan({ log });
    await floorplan.applyPlan(await importWorkspaces(root), { mode: "merge", source: "workspaces" });
    expect(floorplan.dependents("shop-core").map((reached) => [reached.line, reached.depth])).toEqual([
      ["shop-api-client", 1],
      ["shop-web", 2],
    ]);
    expect(floorplan.lineForPath("apps/web/src/App.tsx")).toBe("shop-web");
    const edge = floorplan.graph.graph.getEdgeAttributes(
      edgeKey("dependsOn", "line:shop-web", "line:shop-testing"),
    );
    expect(edge.attributes).toEqual({ kind: "library", criticality: "low" });
    expect(edge.provenance.source).toBe("workspaces");
    const again = await floorplan.applyPlan(await importWorkspaces(root), {
      mode: "merge",
      source: "workspaces",
    });
    expect(again.events).toEqual([]);
    await floorplan.close();
    await log.close();
  });
});

describe("importWorkspaces on a pnpm monorepo (pnpm-workspace.yaml)", () => {
  it("reads the globs of pnpm-workspace.yaml, its exclusions and nested packages, and workspace: protocol dependencies", async () => {
    const root = repo({
      "package.json": { name: "platform", private: true, devDependencies: { "@p/lint": "workspace:*" } },
      "pnpm-workspace.yaml": [
        "# pnpm workspace",
        "packages:",
        '  - "apps/*"',
        "  - 'libs/**'",
        "  - '!libs/deprecated/**'",
        "catalog:",
        "  react: ^19.0.0",
        "",
      ].join("\n"),
      "apps/admin/package.json": {
        name: "@p/admin",
        dependencies: { "@p/ui": "workspace:^", "@p/auth": "workspace:~", react: "catalog:" },
        devDependencies: { "@p/lint": "workspace:*", "@p/ui": "workspace:*" },
      },
      "libs/ui/package.json": { name: "@p/ui", peerDependencies: { "@p/tokens": "workspace:*" } },
      "libs/design/tokens/package.json": { name: "@p/tokens" },
      "libs/auth/package.json": { name: "@p/auth", optionalDependencies: { "@p/tokens": "workspace:*" } },
      "libs/lint/package.json": { name: "@p/lint" },
      "libs/deprecated/old/package.json": { name: "@p/old", dependencies: { "@p/ui": "workspace:*" } },
    });
    const plan = await importWorkspaces(root, { runtimeCriticality: "medium" });
    expect(plan.lines.map((line) => [line.id, line.domain])).toEqual([
      ["p-admin", "apps"],
      ["p-auth", "libs"],
      ["p-tokens", "libs-design"],
      ["p-lint", "libs"],
      ["p-ui", "libs"],
    ]);
    expect(dependencyRows(plan)).toEqual([
      ["p-admin", "p-ui", "medium"],
      ["p-admin", "p-auth", "medium"],
      ["p-admin", "p-lint", "low"],
      ["p-auth", "p-tokens", "medium"],
      ["p-ui", "p-tokens", "medium"],
    ]);
  });

  it("reads a pnpm-workspace.yaml that lists no packages as an empty workspace", async () => {
    const root = repo({ "package.json": { name: "solo" }, "pnpm-workspace.yaml": "# nothing yet\n" });
    expect((await importWorkspaces(root)).lines).toEqual([]);
  });

  it("rejects a pnpm-workspace.yaml that is not YAML with a ValidationError naming the file and line", async () => {
    const root = repo({
      "package.json": { name: "broken" },
      "pnpm-workspace.yaml": "packages:\n  - 'apps/*'\n  - [libs/*\n",
    });
    const error = await importWorkspaces(root).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain(join(root, "pnpm-workspace.yaml"));
    expect((error as ValidationError).issues[0]).toMatchObject({
      file: join(root, "pnpm-workspace.yaml"),
      line: 4,
    });
  });
});

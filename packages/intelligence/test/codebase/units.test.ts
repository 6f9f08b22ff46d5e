import { afterEach, describe, expect, it } from "vitest";
import { listRepoFiles } from "../../src/codebase/scan/files.js";
import { detectLines } from "../../src/codebase/scan/units.js";
import { makeRepo, type TestRepo } from "./makeRepo.js";

const alice = { name: "Alice", email: "alice@acme.test" };
const repos: TestRepo[] = [];

async function scan(files: Record<string, string>) {
  const repo = makeRepo([{ author: alice, files, date: "2026-01-05T10:00:00Z" }]);
  repos.push(repo);
  const listed = await listRepoFiles(repo.root);
  return { repo, listed, result: await detectLines(listed) };
}

afterEach(() => {
  for (const repo of repos.splice(0)) repo.remove();
});

const json = (value: unknown) => JSON.stringify(value, null, 2);

describe("detectLines", () => {
  it("proposes a line per npm workspace package, with manifest dependencies as evidence", async () => {
    const { listed, result } = await scan({
      "package.json": json({ name: "acme", private: true, workspaces: ["packages/*"] }),
      "packages/core/package.json": json({ name: "@acme/core", description: "Core domain of Acme." }),
      "packages/core/src/index.ts": "export const core = 1;\n",
      "packages/api/package.json": json({
        name: "@acme/api",
        dependencies: { "@acme/core": "*", express: "^4" },
        devDependencies: { "@acme/core": "*" },
      }),
      "packages/api/src/index.ts": "export const api = 1;\n",
      "packages/web/package.json": json({ name: "@acme/web" }),
      "packages/web/README.md":
        "# Web\n\n[![build](https://ci/badge.svg)](https://ci)\n\nThe storefront that\n[customers](https://acme.test) browse.\n\nMore text.\n",
      "packages/web/src/main.ts": "import { api } from '@acme/api';\n",
    });
    expect(result.problems).toEqual([]);
    expect(result.lines.map((line) => [line.id, line.title, line.root, line.ecosystem])).toEqual([
      ["api", "@acme/api", "packages/api", "npm"],
      ["core", "@acme/core", "packages/core", "npm"],
      ["web", "@acme/web", "packages/web", "npm"],
    ]);
    const [api, core, web] = result.lines;
    expect(core?.description).toBe("Core domain of Acme.");
    expect(web?.description).toBe("The storefront that customers browse.");
    expect(api?.description).toBeUndefined();
    expect(core?.paths).toEqual(["packages/core/**"]);
    expect(core?.packageName).toBe("@acme/core");
    expect(core?.evidence).toEqual({
      file: "packages/core/package.json",
      commit: listed.commit,
      method: "npm-workspaces",
      confidence: 1,
    });
    expect(result.dependencies).toEqual([
      {
        from: "api",
        to: "core",
        kind: "library",
        evidence: [
          {
            file: "packages/api/package.json",
            commit: listed.commit,
            method: "npm-manifest",
            confidence: 1,
            detail: '"@acme/core" in dependencies, devDependencies',
          },
        ],
      },
    ]);
  });

  it("reads pnpm-workspace.yaml globs, including nested ones and negations", async () => {
    const { result } = await scan({
      "package.json": json({ name: "mono", private: true }),
      "pnpm-workspace.yaml": "packages:\n  - 'apps/*'\n  - 'libs/**'\n  - '!libs/legacy'\n",
      "apps/site/package.json": json({ name: "site", dependencies: { "@x/ui": "workspace:*" } }),
      "libs/ui/package.json": json({ name: "@x/ui", description: "Design system" }),
      "libs/deep/inner/package.json": json({ name: "@x/inner" }),
      "libs/legacy/package.json": json({ name: "@x/legacy" }),
    });
    expect(result.lines.map((line) => [line.id, line.root, line.evidence.method])).toEqual([
      ["site", "apps/site", "pnpm-workspace"],
      ["inner", "libs/deep/inner", "pnpm-workspace"],
      ["ui", "libs/ui", "pnpm-workspace"],
    ]);
    expect(result.dependencies.map((dependency) => [dependency.from, dependency.to])).toEqual([
      ["site", "ui"],
    ]);
  });

  it("proposes Cargo workspace members with path and same-name dependencies", async () => {
    const { result } = await scan({
      "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nexclude = ["crates/scratch"]\n',
      "crates/engine/Cargo.toml":
        '[package]\nname = "acme-engine"\ndescription = "The pricing engine"\nversion = "0.1.0"\n\n[dependencies]\nserde = "1"\n',
      "crates/cli/Cargo.toml":
        '[package]\nname = "acme-cli"\nversion = "0.1.0"\n\n[dependencies]\nengine = { path = "../engine", package = "acme-engine" }\n\n[dev-dependencies]\nacme-util = { workspace = true }\n',
      "crates/util/Cargo.toml": '[package]\nname = "acme-util"\nversion = "0.1.0"\n',
      "crates/scratch/Cargo.toml": '[package]\nname = "scratch"\n',
    });
    expect(result.lines.map((line) => [line.id, line.title, line.ecosystem, line.description])).toEqual([
      ["acme-cli", "acme-cli", "cargo", undefined],
      ["acme-engine", "acme-engine", "cargo", "The pricing engine"],
      ["acme-util", "acme-util", "cargo", undefined],
    ]);
    expect(
      result.dependencies.map((dependency) => [
        dependency.from,
        dependency.to,
        dependency.evidence[0]?.detail,
      ]),
    ).toEqual([
      ["acme-cli", "acme-engine", '"engine" in [dependencies]'],
      ["acme-cli", "acme-util", '"acme-util" in [dev-dependencies]'],
    ]);
    expect(result.dependencies[0]?.evidence[0]?.method).toBe("cargo-manifest");
  });

  it("proposes the Go modules listed in go.work, with require lines between them", async () => {
    const { result } = await scan({
      "go.work": "go 1.22\n\nuse (\n\t./services/billing\n\t./lib/money\n)\n",
      "services/billing/go.mod":
        "module github.com/acme/shop/billing\n\ngo 1.22\n\nrequire (\n\tgithub.com/acme/shop/money v0.0.0\n\tgithub.com/google/uuid v1.6.0\n)\n",
      "services/billing/main.go": "package main\n",
      "lib/money/go.mod": "module github.com/acme/shop/money/v2\n\ngo 1.22\n",
      "lib/money/README.md": "# money\n\nExact decimal arithmetic for prices.\n",
      "tools/gen/go.mod": "module github.com/acme/shop/gen\n",
    });
    expect(result.lines.map((line) => [line.id, line.title, line.root, line.evidence.method])).toEqual([
      ["money", "github.com/acme/shop/money/v2", "lib/money", "go-work"],
      ["billing", "github.com/acme/shop/billing", "services/billing", "go-work"],
    ]);
    expect(result.lines[0]?.description).toBe("Exact decimal arithmetic for prices.");
    expect(result.dependencies).toEqual([]);
  });

  it("links Go modules that require each other by module path", async () => {
    const { result } = await scan({
      "a/go.mod": "module example.com/a\n\nrequire example.com/b v1.0.0\n",
      "b/go.mod": "module example.com/b\n",
    });
    expect(result.lines.map((line) => line.evidence.method)).toEqual(["go-modules", "go-modules"]);
    expect(
      result.dependencies.map((dependency) => [
        dependency.from,
        dependency.to,
        dependency.evidence[0]?.detail,
      ]),
    ).toEqual([["a", "b", "require example.com/b at line 3"]]);
  });

  it("proposes each pyproject package, linking dependencies by normalized name", async () => {
    const { result } = await scan({
      "pyproject.toml": "[tool.ruff]\nline-length = 100\n",
      "services/api/pyproject.toml":
        '[project]\nname = "acme-api"\ndescription = "HTTP API"\ndependencies = ["Acme_Models>=1.0", "fastapi"]\n',
      "libs/models/pyproject.toml":
        '[tool.poetry]\nname = "acme-models"\ndescription = "Shared models"\n\n[tool.poetry.dependencies]\npython = "^3.11"\n',
    });
    expect(
      result.lines.map((line) => [
        line.id,
        line.root,
        line.ecosystem,
        line.description,
        line.evidence.method,
      ]),
    ).toEqual([
      ["acme-models", "libs/models", "python", "Shared models", "poetry"],
      ["acme-api", "services/api", "python", "HTTP API", "pyproject"],
    ]);
    expect(
      result.dependencies.map((dependency) => [
        dependency.from,
        dependency.to,
        dependency.evidence[0]?.detail,
      ]),
    ).toEqual([["acme-api", "acme-models", '"Acme_Models>=1.0" in [project] dependencies']]);
  });

  it("proposes Maven modules and their dependencies on sibling artifacts", async () => {
    const pom = (artifact: string, extra = "") =>
      `<?xml version="1.0"?>\n<project>\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>com.acme</groupId>\n  <artifactId>${artifact}</artifactId>\n${extra}</project>\n`;
    const { result } = await scan({
      "pom.xml": pom(
        "parent",
        "  <packaging>pom</packaging>\n  <modules>\n    <module>domain</module>\n    <module>web</module>\n  </modules>\n",
      ),
      "domain/pom.xml": pom("acme-domain", "  <description>Domain model</description>\n"),
      "web/pom.xml": pom(
        "acme-web",
        "  <dependencies>\n    <dependency><groupId>com.acme</groupId><artifactId>acme-domain</artifactId></dependency>\n    <dependency><groupId>org.springframework</groupId><artifactId>spring-web</artifactId></dependency>\n  </dependencies>\n",
      ),
    });
    expect(result.lines.map((line) => [line.id, line.root, line.ecosystem, line.description])).toEqual([
      ["acme-domain", "domain", "maven", "Domain model"],
      ["acme-web", "web", "maven", undefined],
    ]);
    expect(
      result.dependencies.map((dependency) => [
        dependency.from,
        dependency.to,
        dependency.evidence[0]?.method,
      ]),
    ).toEqual([["acme-web", "acme-domain", "maven-manifest"]]);
  });

  it("proposes Gradle projects from settings includes and project() dependencies", async () => {
    const { result } = await scan({
      "settings.gradle.kts":
        'rootProject.name = "shop"\ninclude(\n  ":app",\n  ":core:model",\n)\n// include(":old")\ninclude ":lib"\n',
      "lib/build.gradle": "apply plugin: 'java'\n",
      "app/build.gradle.kts":
        'description = "The shop app"\ndependencies {\n  implementation(project(":core:model"))\n}\n',
      "core/model/build.gradle.kts": 'plugins { kotlin("jvm") }\n',
    });
    expect(result.lines.map((line) => [line.id, line.title, line.root, line.description])).toEqual([
      ["app", ":app", "app", "The shop app"],
      ["model", ":core:model", "core/model", undefined],
      ["lib", ":lib", "lib", undefined],
    ]);
    expect(result.dependencies.map((dependency) => [dependency.from, dependency.to])).toEqual([
      ["app", "model"],
    ]);
  });

  it("falls back to top-level source folders when no manifest applies", async () => {
    const { result } = await scan({
      "billing/invoice.py": "def total(): pass\n",
      "billing/README.md": '<p align="center"><img src="logo.png"></p>\n\n> Invoices and payments.\n',
      "auth/login.py": "def login(): pass\n",
      "docs/guide.md": "# Guide\n",
      "tests/test_billing.py": "def test_total(): pass\n",
      "scripts/deploy.sh": "echo deploy\n",
      "assets/logo.svg": "<svg/>",
    });
    expect(result.lines.map((line) => [line.id, line.root, line.ecosystem, line.paths])).toEqual([
      ["auth", "auth", "folder", ["auth/**"]],
      ["billing", "billing", "folder", ["billing/**"]],
    ]);
    expect(result.lines[1]?.description).toBe("Invoices and payments.");
    expect(result.dependencies).toEqual([]);
  });

  it("takes the subfolders of a lone src folder as lines, and the root when sources sit only there", async () => {
    const nested = await scan({
      "src/billing/invoice.go": "package billing\n",
      "src/auth/login.go": "package auth\n",
      "src/main.go": "package main\n",
    });
    expect(nested.result.lines.map((line) => [line.id, line.root])).toEqual([
      ["auth", "src/auth"],
      ["billing", "src/billing"],
    ]);
    const flat = await scan({ "tool.py": "print(1)\n", "README.md": "A small tool.\n" });
    expect(flat.result.lines.map((line) => [line.root, line.paths, line.description])).toEqual([
      [".", ["**"], "A small tool."],
    ]);
  });

  it("proposes a single package at the root when package.json declares no workspaces", async () => {
    const { result } = await scan({
      "package.json": json({ name: "@acme/tool", description: "One package" }),
      "src/index.ts": "export {};\n",
    });
    expect(result.lines.map((line) => [line.id, line.root, line.evidence.method])).toEqual([
      ["tool", ".", "npm-package"],
    ]);
  });

  it("reports a malformed package.json in problems and still scans the rest", async () => {
    const { result } = await scan({
      "package.json": json({ name: "mono", workspaces: ["packages/*"] }),
      "packages/good/package.json": json({ name: "good" }),
      "packages/bad/package.json": '{ "name": "bad", ',
      "Cargo.toml": "[workspace\nmembers = [",
      "pom.xml": "<project><artifactId>x</project>",
    });
    expect(result.lines.map((line) => line.id)).toEqual(["good"]);
    expect(result.problems.map((problem) => problem.file)).toEqual([
      "Cargo.toml",
      "packages/bad/package.json",
      "pom.xml",
    ]);
    expect(result.problems[2]?.message).toMatch(/^pom.xml is not valid XML: .*\(line 1, column \d+\)$/);
    expect(result.problems[1]?.message).toMatch(/^packages\/bad\/package.json is not valid JSON: /);
    expect(result.problems[0]?.message).toMatch(/^Cargo.toml is not valid TOML: /);
  });

  it("gives colliding names distinct ids", async () => {
    const { result } = await scan({
      "package.json": json({ workspaces: ["a", "b"] }),
      "a/package.json": json({ name: "@one/util" }),
      "b/package.json": json({ name: "@two/util" }),
    });
    expect(result.lines.map((line) => line.id)).toEqual(["util", "two-util"]);
  });
});

/**
 * Workspace members that their manifests say are never published and whose
 * names say they are test suites, demos or test apps are not proposed as
 * lines: TanStack Query's private `integrations/*` apps, tokio's
 * `publish = false` crates `tests-build` and `stress-test`, maven-resolver's
 * `maven-resolver-demos` modules (`maven.deploy.skip`). A published member
 * with such a name (`tokio-test`), and an unpublished one without, stay lines.
 */
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };
const json = (value: unknown) => JSON.stringify(value, null, 2);
const pom = (artifactId: string, extra = "") =>
  `<project>\n  <artifactId>${artifactId}</artifactId>\n${extra}</project>\n`;

describe("importCodebase: unpublished test and demo members", () => {
  const pnpm = useRepoWithFactory("factory-unpublished-npm-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "package.json": json({ name: "root", private: true }),
        "pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n  - 'integrations/*'\n",
        "packages/query-core/package.json": json({ name: "@tanstack/query-core" }),
        "packages/query-core/src/index.ts": "export const core = 1;\n",
        "packages/query-test-utils/package.json": json({ name: "@tanstack/query-test-utils", private: true }),
        "packages/query-test-utils/src/index.ts": "export const sleep = 1;\n",
        "integrations/react-vite/package.json": json({
          name: "react-vite",
          private: true,
          dependencies: { "@tanstack/query-core": "workspace:*" },
        }),
        "integrations/react-vite/src/main.ts": "import { core } from '@tanstack/query-core';\n",
        "integrations/slack/package.json": json({ name: "@tanstack/slack-integration" }),
        "integrations/slack/src/index.ts": "export const slack = 1;\n",
      },
    },
  ]);

  it("leaves out the private apps of an integrations folder, not a published package there", async () => {
    const { proposal } = await importCodebase(pnpm.factory, pnpm.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => line.root)).toEqual([
      "integrations/slack",
      "packages/query-core",
      "packages/query-test-utils",
    ]);
    expect(proposal.dependencies).toEqual([]);
  });

  const cargo = useRepoWithFactory("factory-unpublished-cargo-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "Cargo.toml":
          '[workspace]\nmembers = ["tokio", "tokio-test", "tests-build", "stress-test", "internal-tools"]\n',
        "tokio/Cargo.toml": '[package]\nname = "tokio"\n',
        "tokio/src/lib.rs": "pub fn run() {}\n",
        "tokio-test/Cargo.toml":
          '[package]\nname = "tokio-test"\n\n[dependencies]\ntokio = { path = "../tokio" }\n',
        "tokio-test/src/lib.rs": "pub fn block_on() {}\n",
        "tests-build/Cargo.toml":
          '[package]\nname = "tests-build"\npublish = false\n\n[dependencies]\ntokio = { path = "../tokio" }\n',
        "tests-build/src/lib.rs": "\n",
        "stress-test/Cargo.toml": '[package]\nname = "stress-test"\npublish = []\n',
        "stress-test/src/main.rs": "fn main() {}\n",
        "internal-tools/Cargo.toml": '[package]\nname = "internal-tools"\npublish = false\n',
        "internal-tools/src/main.rs": "fn main() {}\n",
      },
    },
  ]);

  it("leaves out the unpublished test crates, not a published test-utility crate", async () => {
    const { proposal } = await importCodebase(cargo.factory, cargo.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => line.root)).toEqual(["internal-tools", "tokio", "tokio-test"]);
    expect(proposal.dependencies.map(({ from, to }) => [from, to])).toEqual([["tokio-test", "tokio"]]);
  });

  const maven = useRepoWithFactory("factory-unpublished-maven-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "pom.xml": pom(
          "resolver",
          "  <modules>\n    <module>resolver-api</module>\n    <module>resolver-test-util</module>\n    <module>resolver-demos</module>\n    <module>resolver-it-demo</module>\n  </modules>\n",
        ),
        "resolver-api/pom.xml": pom("resolver-api"),
        "resolver-api/src/main/java/Api.java": "class Api {}\n",
        "resolver-test-util/pom.xml": pom("resolver-test-util"),
        "resolver-test-util/src/main/java/Util.java": "class Util {}\n",
        "resolver-demos/pom.xml": pom(
          "resolver-demos",
          "  <modules>\n    <module>resolver-demo-snippets</module>\n  </modules>\n  <properties>\n    <maven.deploy.skip>true</maven.deploy.skip>\n  </properties>\n",
        ),
        "resolver-demos/resolver-demo-snippets/pom.xml": pom("resolver-demo-snippets"),
        "resolver-demos/resolver-demo-snippets/src/main/java/Snippet.java": "class Snippet {}\n",
        "resolver-it-demo/pom.xml": pom(
          "resolver-it-demo",
          "  <properties>\n    <maven.deploy.skip>false</maven.deploy.skip>\n  </properties>\n",
        ),
        "resolver-it-demo/src/main/java/Demo.java": "class Demo {}\n",
      },
    },
  ]);

  it("leaves out the modules under an aggregator that skips deploying, not a module that deploys", async () => {
    const { proposal } = await importCodebase(maven.factory, maven.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => line.root)).toEqual([
      "resolver-api",
      "resolver-it-demo",
      "resolver-test-util",
    ]);
  });
});

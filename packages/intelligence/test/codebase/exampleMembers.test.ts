/**
 * Workspace members that are examples, benchmarks, fixtures or test suites
 * (TanStack Query's pnpm workspace lists 61 example apps beside its 27
 * packages; tokio's Cargo workspace has `examples` and `benches` crates) are
 * not proposed as lines, in every ecosystem.
 */
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };
const json = (value: unknown) => JSON.stringify(value, null, 2);

describe("importCodebase: example and test workspace members", () => {
  const pnpm = useRepoWithFactory("factory-example-members-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "package.json": json({ name: "root", private: true }),
        "pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n  - 'examples/react/*'\n  - 'e2e'\n",
        "packages/core/package.json": json({ name: "@acme/core" }),
        "packages/core/src/index.ts": "export const core = 1;\n",
        "packages/react/package.json": json({ name: "@acme/react", dependencies: { "@acme/core": "*" } }),
        "packages/react/src/index.ts": "export const react = 1;\n",
        "examples/react/basic/package.json": json({
          name: "@acme/example-react-basic",
          dependencies: { "@acme/react": "*" },
        }),
        "examples/react/basic/src/main.ts": "import { react } from '@acme/react';\n",
        "e2e/package.json": json({ name: "@acme/e2e", dependencies: { "@acme/core": "*" } }),
        "e2e/src/smoke.ts": "import { core } from '@acme/core';\n",
      },
    },
  ]);

  it("proposes the packages of a pnpm workspace, not its example apps or end-to-end suite", async () => {
    const { proposal } = await importCodebase(pnpm.factory, pnpm.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => line.root)).toEqual(["packages/core", "packages/react"]);
    expect(proposal.dependencies.map(({ from, to }) => [from, to])).toEqual([["react", "core"]]);
  });

  const cargo = useRepoWithFactory("factory-example-crates-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "Cargo.toml":
          '[workspace]\nmembers = ["tokio", "tokio-util", "examples", "benches", "tests/fixtures/app"]\n',
        "tokio/Cargo.toml": '[package]\nname = "tokio"\n',
        "tokio/src/lib.rs": "pub fn run() {}\n",
        "tokio-util/Cargo.toml":
          '[package]\nname = "tokio-util"\n\n[dependencies]\ntokio = { path = "../tokio" }\n',
        "tokio-util/src/lib.rs": "pub fn util() {}\n",
        "examples/Cargo.toml":
          '[package]\nname = "examples"\n\n[dev-dependencies]\ntokio = { path = "../tokio" }\n',
        "examples/echo.rs": "fn main() {}\n",
        "benches/Cargo.toml":
          '[package]\nname = "benches"\n\n[dependencies]\ntokio = { path = "../tokio" }\n',
        "benches/spawn.rs": "fn main() {}\n",
        "tests/fixtures/app/Cargo.toml": '[package]\nname = "fixture-app"\n',
        "tests/fixtures/app/src/main.rs": "fn main() {}\n",
      },
    },
  ]);

  it("proposes the crates of a Cargo workspace, not its examples, benches or test fixtures", async () => {
    const { proposal } = await importCodebase(cargo.factory, cargo.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => line.root)).toEqual(["tokio", "tokio-util"]);
    expect(proposal.dependencies.map(({ from, to }) => [from, to])).toEqual([["tokio-util", "tokio"]]);
  });
});

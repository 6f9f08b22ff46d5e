/**
 * Go modules and Python packages named like a test suite or demo are no
 * line when nothing outside the repository can use them: a Go module path
 * the go command cannot fetch (no dot in its first element, a name reserved
 * for examples) or with an `internal` element; a Python package with a
 * `Private ::` classifier, Poetry's `package-mode = false` or uv's
 * `package = false`. A fetchable module and a Hatch package with such names
 * stay lines, as do unpublished members named otherwise.
 */
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };
const goModule = (root: string, path: string) => ({
  [`${root}/go.mod`]: `module ${path}\n\ngo 1.22\n`,
  [`${root}/main.go`]: "package main\n",
});
const pyproject = (root: string, toml: string) => ({
  [`${root}/pyproject.toml`]: toml,
  [`${root}/src/main.py`]: "print(1)\n",
});

describe("importCodebase: Go modules nobody outside the repository can fetch", () => {
  const temp = useRepoWithFactory("factory-go-unpublished-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "go.work":
          "go 1.22\n\nuse (\n\t.\n\t./api\n\t./api-tests\n\t./integration-tests\n\t./internal/load-test\n\t./shop-demo\n\t./tools\n)\n",
        ...goModule(".", "github.com/acme/shop"),
        ...goModule("api", "github.com/acme/shop/api"),
        ...goModule("api-tests", "github.com/acme/shop/api-tests"),
        ...goModule("integration-tests", "integration-tests"),
        ...goModule("internal/load-test", "github.com/acme/shop/internal/load-test"),
        ...goModule("shop-demo", "example.com/shop-demo"),
        ...goModule("tools", "tools"),
      },
    },
  ]);

  it("leaves out the test and demo modules with such paths, not a fetchable one", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => line.root)).toEqual([".", "api", "api-tests", "tools"]);
  });
});

describe("importCodebase: Python packages whose pyproject.toml says they are never uploaded", () => {
  const temp = useRepoWithFactory("factory-python-unpublished-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        ...pyproject("libs/core", '[project]\nname = "acme-core"\n'),
        ...pyproject(
          "libs/core-tests",
          '[project]\nname = "acme-core-tests"\nclassifiers = ["Private :: Do Not Upload"]\n',
        ),
        ...pyproject("apps/demo", '[tool.poetry]\nname = "acme-demo"\npackage-mode = false\n'),
        ...pyproject("apps/sandbox", '[project]\nname = "acme-sandbox"\n\n[tool.uv]\npackage = false\n'),
        ...pyproject("apps/server", '[project]\nname = "acme-server"\n\n[tool.uv]\npackage = false\n'),
        ...pyproject(
          "libs/integration-tests",
          '[project]\nname = "acme-integration-tests"\nclassifiers = "Private :: Do Not Upload"\n\n[build-system]\nrequires = ["hatchling"]\n',
        ),
      },
    },
  ]);

  it("leaves out the test, demo and sandbox packages so marked, not others", async () => {
    const { proposal, problems } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => line.root)).toEqual([
      "apps/server",
      "libs/core",
      "libs/integration-tests",
    ]);
    expect(problems).toEqual([]);
  });
});

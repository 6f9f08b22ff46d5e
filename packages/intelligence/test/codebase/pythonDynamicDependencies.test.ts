/**
 * A uv workspace as pydantic/pydantic-ai writes it: members declare
 * `dynamic = ["dependencies"]` and list them in a Hatch metadata hook
 * (uv-dynamic-versioning's `pydantic-ai-slim=={{ version }}`), and the root
 * lists tools in PEP 735 `[dependency-groups]`. pydantic-ai's import found
 * no dependency between its packages.
 */
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };

const pyproject = (name: string, rest: string) =>
  `[project]\nname = "${name}"\ndynamic = ["version", "dependencies"]\n\n${rest}`;

describe("importCodebase: Python dependencies from Hatch hooks and dependency groups", () => {
  const temp = useRepoWithFactory("factory-python-dynamic-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "pyproject.toml": pyproject(
          "pydantic-ai",
          [
            "[tool.hatch.metadata.hooks.uv-dynamic-versioning]",
            'dependencies = ["pydantic-ai-slim[openai,cli]=={{ version }}"]',
            "",
            "[tool.hatch.metadata.hooks.uv-dynamic-versioning.optional-dependencies]",
            'evals = ["pydantic-evals=={{ version }}"]',
            "",
            "[tool.uv.workspace]",
            'members = ["pydantic_ai_slim", "pydantic_evals", "pydantic_graph"]',
            "",
            "[dependency-groups]",
            'dev = ["pytest>=9", { include-group = "lint" }]',
            'lint = ["ruff>=0.6"]',
            'docs = ["pydantic-graph"]',
            "",
          ].join("\n"),
        ),
        "pydantic_ai/__init__.py": "",
        "pydantic_ai_slim/pyproject.toml": pyproject(
          "pydantic-ai-slim",
          '[tool.hatch.metadata.hooks.uv-dynamic-versioning]\ndependencies = ["pydantic-graph=={{ version }}", "httpx>=0.27"]\n',
        ),
        "pydantic_ai_slim/pydantic_ai/__init__.py": "",
        "pydantic_evals/pyproject.toml": pyproject(
          "pydantic_evals",
          "[tool.hatch.metadata.hooks.custom]\ndependencies = 3\n",
        ),
        "pydantic_evals/pydantic_evals/__init__.py": "",
        "pydantic_graph/pyproject.toml":
          '[project]\nname = "pydantic-graph"\ndependencies = ["typing-inspection"]\n',
        "pydantic_graph/pydantic_graph/__init__.py": "",
      },
    },
  ]);

  it("reads the hooks' dependencies and extras and the dependency groups, and skips a hook it cannot read", async () => {
    const { proposal, problems } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(problems).toEqual([]);
    expect(proposal.lines.map((line) => line.id)).toEqual([
      "pydantic-ai",
      "pydantic-ai-slim",
      "pydantic_evals",
      "pydantic-graph",
    ]);
    expect(
      proposal.dependencies
        .map(({ from, to, evidence }) => [from, to, evidence.map((e) => e.detail)])
        .sort((a, b) => (`${a[0]} ${a[1]}` < `${b[0]} ${b[1]}` ? -1 : 1)),
    ).toEqual([
      [
        "pydantic-ai",
        "pydantic-ai-slim",
        [
          '"pydantic-ai-slim[openai,cli]=={{ version }}" in [tool.hatch.metadata.hooks.uv-dynamic-versioning] dependencies',
        ],
      ],
      ["pydantic-ai", "pydantic-graph", ['"pydantic-graph" in [dependency-groups] docs']],
      [
        "pydantic-ai",
        "pydantic_evals",
        [
          '"pydantic-evals=={{ version }}" in [tool.hatch.metadata.hooks.uv-dynamic-versioning.optional-dependencies] evals',
        ],
      ],
      [
        "pydantic-ai-slim",
        "pydantic-graph",
        ['"pydantic-graph=={{ version }}" in [tool.hatch.metadata.hooks.uv-dynamic-versioning] dependencies'],
      ],
    ]);
  });
});

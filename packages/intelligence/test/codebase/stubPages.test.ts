/**
 * Pages with nothing to read are not filed as knowledge: opentelemetry-go's
 * import filed 50 READMEs that are a title and a pkg.go.dev badge (one per
 * semconv version), pydantic-ai's 73 mkdocs API pages most of which are
 * `::: pydantic_ai.agent` and its options.
 */
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };
const badge =
  "[![PkgGoDev](https://pkg.go.dev/badge/acme.test/otel/semconv)](https://pkg.go.dev/acme.test/otel/semconv)";

describe("importCodebase: stub pages", () => {
  const temp = useRepoWithFactory("factory-stub-pages-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "go.mod": "module acme.test/otel\n\ngo 1.22\n",
        "otel.go": "package otel\n",
        "README.md": `# OpenTelemetry-Go\n\n${badge}\n\nThe Go implementation of OpenTelemetry.\n`,
        "semconv/v1.2.0/README.md": `# Semconv v1.2.0\n\n${badge}\n`,
        "semconv/v1.2.0/semconv.go": "package semconv\n",
        "docs/api/agent.md":
          "# `pydantic_ai.agent`\n\n<!-- generated -->\n::: pydantic_ai.agent\n    options:\n        members:\n            - Agent\n\n::: pydantic_ai.run\n",
        "docs/api/tools.md": "# `pydantic_ai.tools`\n\nTools an agent calls.\n\n::: pydantic_ai.tools\n",
        "docs/outline.md": "# Outline\n\n## To write\n",
        "docs/logo.md": "# Logo\n\n![logo](logo.png)\n\nUse it on a white background.\n",
      },
    },
  ]);

  it("files READMEs and docs with text, not those holding only headings with badges or ::: directives", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.documents.map((document) => document.file)).toEqual([
      "README.md",
      "docs/api/tools.md",
      "docs/logo.md",
      "docs/outline.md",
    ]);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { listRepoFiles } from "../../src/codebase/scan/files.js";
import { importGraph } from "../../src/codebase/scan/imports.js";
import { detectLines } from "../../src/codebase/scan/units.js";
import { makeRepo, type TestRepo } from "./makeRepo.js";

const alice = { name: "Alice", email: "alice@acme.test" };
const repos: TestRepo[] = [];

afterEach(() => {
  for (const repo of repos.splice(0)) repo.remove();
});

const json = (value: unknown) => JSON.stringify(value, null, 2);

async function graphOf(files: Record<string, string>) {
  const repo = makeRepo([{ author: alice, files }]);
  repos.push(repo);
  const listed = await listRepoFiles(repo.root);
  const { lines, dependencies } = await detectLines(listed);
  return { listed, lines, manifest: dependencies, imports: await importGraph(listed, lines) };
}

describe("importGraph", () => {
  it("finds a dependency declared only in code, next to the manifest one", async () => {
    const { listed, manifest, imports } = await graphOf({
      "package.json": json({ private: true, workspaces: ["packages/*"] }),
      "packages/core/package.json": json({ name: "@acme/core" }),
      "packages/core/src/index.ts": "export const core = 1;\n",
      "packages/api/package.json": json({ name: "@acme/api", dependencies: { "@acme/core": "*" } }),
      "packages/api/src/index.ts": 'import { core } from "@acme/core";\nexport const api = core;\n',
      "packages/web/package.json": json({ name: "@acme/web" }),
      "packages/web/src/main.ts":
        'import { api } from "@acme/api";\nimport type { X } from "@acme/api/types";\nexport * from "@acme/core/sub";\nconst lazy = () => import("@acme/api");\nimport "./local.js";\nimport { z } from "zod";\nimport fs from "node:fs";\n',
      "packages/web/src/legacy.cjs": 'const api = require("@acme/api");\n',
      "packages/web/src/types.d.ts": 'import "@acme/core";\n',
      "packages/web/src/util.ts": 'import _ from "lodash";\n',
      "py/pyproject.toml": '[project]\nname = "lodash"\n',
    });
    expect(manifest.map((dependency) => [dependency.from, dependency.to])).toEqual([["api", "core"]]);
    expect(imports).toEqual([
      {
        from: "api",
        to: "core",
        kind: "library",
        evidence: [
          {
            file: "packages/api/src/index.ts",
            commit: listed.commit,
            method: "ts-imports",
            confidence: 1,
            detail: "1 import in 1 file",
          },
        ],
      },
      {
        from: "web",
        to: "api",
        kind: "library",
        evidence: [
          {
            file: "packages/web/src/main.ts",
            commit: listed.commit,
            method: "ts-imports",
            confidence: 1,
            detail: "4 imports in 2 files",
          },
          {
            file: "packages/web/src/legacy.cjs",
            commit: listed.commit,
            method: "ts-imports",
            confidence: 1,
            detail: "4 imports in 2 files",
          },
        ],
      },
      {
        from: "web",
        to: "core",
        kind: "library",
        evidence: [
          {
            file: "packages/web/src/main.ts",
            commit: listed.commit,
            method: "ts-imports",
            confidence: 1,
            detail: "1 import in 1 file",
          },
        ],
      },
    ]);
  });

  it("resolves relative imports into another line's folder and ignores imports within a line", async () => {
    const { imports } = await graphOf({
      "billing/invoice.ts": 'import { login } from "../auth/login.js";\nimport { tax } from "./tax.js";\n',
      "billing/tax.ts": "export const tax = 1;\n",
      "auth/login.ts": 'import "../../outside.js";\nexport const login = 1;\n',
    });
    expect(
      imports.map((dependency) => [dependency.from, dependency.to, dependency.evidence[0]?.file]),
    ).toEqual([["billing", "auth", "billing/invoice.ts"]]);
  });

  it("resolves tsconfig path aliases (baseUrl, extends, comments) to the folder they name", async () => {
    const { imports } = await graphOf({
      "tsconfig.base.json":
        '{\n  // shared\n  "compilerOptions": { "baseUrl": ".", "paths": { "@auth/*": ["auth/*"], "~billing": ["billing/index.ts"], } }\n}\n',
      "tsconfig.json": '{ "extends": "./tsconfig.base" }\n',
      "billing/index.ts": 'import { login } from "@auth/login";\nexport const pay = () => login;\n',
      "auth/login.ts": "export const login = 1;\n",
      "reports/monthly.ts":
        'import { pay } from "~billing";\nimport { nope } from "@other/thing";\nexport const month = pay;\n',
    });
    expect(imports.map((dependency) => [dependency.from, dependency.to])).toEqual([
      ["billing", "auth"],
      ["reports", "billing"],
    ]);
  });

  it("links Go modules whose packages import each other", async () => {
    const { manifest, imports } = await graphOf({
      "go.work": "use (\n\t./api\n\t./money\n\t./money/v2x\n)\n",
      "api/go.mod": "module example.com/shop/api\n",
      "api/server.go":
        'package api\n\nimport (\n\t"fmt"\n\tm "example.com/shop/money/round"\n\t"example.com/shop/money/v2x"\n)\n',
      "api/cmd/main.go": 'package main\n\nimport "example.com/shop/money"\n',
      "money/go.mod": "module example.com/shop/money\n",
      "money/round/round.go": 'package round\n\nimport "example.com/shop/money"\n',
      "money/v2x/go.mod": "module example.com/shop/money/v2x\n",
    });
    expect(manifest).toEqual([]);
    expect(
      imports.map((dependency) => [
        dependency.from,
        dependency.to,
        dependency.evidence.map((item) => [item.file, item.method, item.detail]),
      ]),
    ).toEqual([
      [
        "api",
        "money",
        [
          ["api/cmd/main.go", "go-imports", "2 imports in 2 files"],
          ["api/server.go", "go-imports", "2 imports in 2 files"],
        ],
      ],
      ["api", "v2x", [["api/server.go", "go-imports", "1 import in 1 file"]]],
    ]);
  });

  it("keeps at most five evidence files per edge, the ones with the most imports first", async () => {
    const files: Record<string, string> = {
      "package.json": json({ workspaces: ["a", "b"] }),
      "a/package.json": json({ name: "a" }),
      "b/package.json": json({ name: "b" }),
      "a/many.ts": 'import "b";\nimport "b/x";\nimport "b/y";\n',
    };
    for (let index = 0; index < 7; index++) files[`a/f${index}.ts`] = 'import "b";\n';
    const { imports } = await graphOf(files);
    const evidence = imports[0]?.evidence ?? [];
    expect(evidence.map((item) => item.file)).toEqual([
      "a/many.ts",
      "a/f0.ts",
      "a/f1.ts",
      "a/f2.ts",
      "a/f3.ts",
    ]);
    expect(evidence[0]?.detail).toBe("10 imports in 8 files");
  });
});

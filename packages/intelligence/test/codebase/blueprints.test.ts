import { afterEach, describe, expect, it } from "vitest";
import { writeBlueprints } from "../../src/codebase/scan/blueprints.js";
import { listRepoFiles } from "../../src/codebase/scan/files.js";
import { importGraph } from "../../src/codebase/scan/imports.js";
import { proposeOwners } from "../../src/codebase/scan/owners.js";
import { detectLines } from "../../src/codebase/scan/units.js";
import { makeRepo, type TestRepo } from "./makeRepo.js";

const alice = { name: "Alice Doe", email: "alice@acme.test" };
const repos: TestRepo[] = [];

afterEach(() => {
  for (const repo of repos.splice(0)) repo.remove();
});

const json = (value: unknown) => JSON.stringify(value, null, 2);

const files: Record<string, string> = {
  "package.json": json({ private: true, workspaces: ["packages/*"] }),
  "packages/orders/package.json": json({
    name: "@shop/orders",
    description: "Takes and tracks orders.",
    bin: { shop: "dist/cli.js" },
    exports: {
      ".": { "@shop/source": "./src/index.ts", types: "./dist/index.d.ts", import: "./dist/index.js" },
    },
    dependencies: { pg: "^8", express: "^4", commander: "^12", "@shop/money": "*" },
  }),
  "packages/orders/src/index.ts": [
    'export { placeOrder, type OrderInput } from "./place.js";',
    'export * from "./store.js";',
    "/** Version of the orders API. Bumped on breaking changes. */",
    'export const VERSION = "1";',
    "",
  ].join("\n"),
  "packages/orders/src/place.ts": [
    "/** What a customer sends to place an order. */",
    "export interface OrderInput { sku: string }",
    "",
    "/**",
    " * Places an order and returns its id. Fails when the {@link OrderInput} has no sku.",
    " */",
    "export function placeOrder(input: OrderInput): string { return input.sku; }",
    "",
  ].join("\n"),
  "packages/orders/src/store.ts": [
    'import pg from "pg";',
    'import { add } from "@shop/money";',
    "/** Keeps orders in PostgreSQL. Reads DATABASE_URL. */",
    "export class OrderStore {",
    "  url = process.env.DATABASE_URL;",
    '  pool = process.env["PG_POOL_SIZE"];',
    "}",
    "",
  ].join("\n"),
  "packages/orders/src/cli.ts": [
    'import { Command } from "commander";',
    "const program = new Command();",
    'program.command("place <sku>").action(() => {});',
    'program.command("list").action(() => {});',
    'program.addCommand(new Command("export"));',
    "",
  ].join("\n"),
  "packages/orders/src/server.ts": [
    'import express from "express";',
    'import axios from "axios";',
    "const app = express();",
    'app.get("/orders/:id", (req, res) => res.json({}));',
    'app.post("/orders", (req, res) => res.json({}));',
    'axios.get("/not-a-route");',
    "app.listen(Number(process.env.PORT));",
    "",
  ].join("\n"),
  "packages/orders/.cache/server.js": 'app.get("/cached", () => {});\n',
  "packages/orders/test/place.test.ts": 'app.get("/test-only", () => {}); process.env.TEST_ONLY;\n',
  "packages/money/package.json": json({ name: "@shop/money" }),
  "packages/money/src/index.ts":
    "/** Adds two amounts. */\nexport function add(a: number, b: number) { return a + b; }\n",
  "svc/pyproject.toml":
    '[project]\nname = "svc"\ndependencies = ["sqlalchemy>=2"]\n\n[project.scripts]\nsvc = "svc.main:run"\n',
  "svc/svc/__init__.py":
    'from .main import app\n\ndef serve(port: int) -> None:\n    """Serves the API. Blocks until stopped."""\n\nclass Settings:\n    pass\n\ndef _hidden():\n    pass\n',
  "svc/svc/main.py":
    'import os\nfrom fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/health")\ndef health():\n    return os.getenv("SVC_MODE")\n',
};

async function blueprintsOf() {
  const repo = makeRepo([{ author: alice, files }]);
  repos.push(repo);
  const listed = await listRepoFiles(repo.root);
  const { lines, dependencies } = await detectLines(listed);
  const all = [...dependencies, ...(await importGraph(listed, lines))];
  const owners = await proposeOwners(listed, lines);
  return { listed, blueprints: await writeBlueprints(listed, lines, all, owners) };
}

describe("writeBlueprints", () => {
  it("describes a TypeScript package's surface, entry points, commands, routes, configuration and stores", async () => {
    const { listed, blueprints } = await blueprintsOf();
    expect(blueprints.map((blueprint) => blueprint.line)).toEqual(["money", "orders", "svc"]);
    const orders = blueprints[1];
    expect(orders?.title).toBe("@shop/orders");
    expect(orders?.evidence).toEqual({
      file: "packages/orders/package.json",
      commit: listed.commit,
      method: "blueprint",
      confidence: 1,
    });
    const body = orders?.body ?? "";
    expect(body).toMatch(/^# @shop\/orders\n\n## Purpose\n\nTakes and tracks orders\.\n/);
    expect(body).toContain("Exported from `packages/orders/src/index.ts`:");
    expect(body).toContain(
      "- `placeOrder` (function): Places an order and returns its id.\n- `OrderInput` (interface): What a customer sends to place an order.\n- `OrderStore` (class): Keeps orders in PostgreSQL.\n- `VERSION` (const): Version of the orders API.",
    );
    expect(body).toContain("- bin `shop` -> dist/cli.js (`packages/orders/package.json`)");
    expect(body).toContain(
      "## CLI commands\n\n- `export` (`packages/orders/src/cli.ts`)\n- `list` (`packages/orders/src/cli.ts`)\n- `place <sku>` (`packages/orders/src/cli.ts`)\n",
    );
    expect(body).toContain(
      "## HTTP routes\n\n- `GET /orders/:id` (`packages/orders/src/server.ts`)\n- `POST /orders` (`packages/orders/src/server.ts`)\n",
    );
    expect(body).toContain("- `DATABASE_URL` (`packages/orders/src/store.ts`)");
    expect(body).toContain("- `PG_POOL_SIZE` (`packages/orders/src/store.ts`)");
    expect(body).toContain("- `PORT` (`packages/orders/src/server.ts`)");
    expect(body).not.toContain("TEST_ONLY");
    expect(body).not.toContain("not-a-route");
    expect(body).not.toContain("/cached");
    expect(body).toContain(
      "## Data stores\n\n- PostgreSQL (`pg`) (`packages/orders/package.json`, `packages/orders/src/store.ts`)\n",
    );
    expect(body).toContain(
      'Uses:\n\n- `money` (@shop/money): npm-manifest ("@shop/money" in dependencies); ts-imports (1 import in 1 file)\n\nUsed by:\n\n- nothing\n',
    );
    expect(body).toContain(
      "## Owner\n\nProposed: `alice` (Alice Doe <alice@acme.test>), from git-history with confidence 1",
    );
    expect(body).toContain("- `packages/orders/src/place.ts`");
    expect(orders?.files).toContain("packages/orders/src/place.ts");
    expect(orders?.files).not.toContain("packages/orders/test/place.test.ts");
    expect(blueprints[0]?.body).toContain("Used by:\n\n- `orders` (@shop/orders)");
    expect(blueprints[0]?.body).toContain("- `add` (function): Adds two amounts.");
  });

  it("describes a Python package's scripts, routes, variables and stores", async () => {
    const { blueprints } = await blueprintsOf();
    const body = blueprints[2]?.body ?? "";
    expect(body).toContain("- script `svc` -> svc.main:run (`svc/pyproject.toml`)");
    expect(body).toContain("- `GET /health` (`svc/svc/main.py`)");
    expect(body).toContain("- `SVC_MODE` (`svc/svc/main.py`)");
    expect(body).toContain("- SQLAlchemy (SQL) (`sqlalchemy`) (`svc/pyproject.toml`)");
    expect(body).toContain(
      "Public items of `svc/svc/__init__.py`:\n\n- `serve` (function): Serves the API.\n- `Settings` (class)\n",
    );
  });

  it("lists the public items and entry points of Rust and Go lines", async () => {
    const repo = makeRepo([
      {
        author: alice,
        files: {
          "Cargo.toml": '[workspace]\nmembers = ["engine"]\n',
          "engine/Cargo.toml": '[package]\nname = "engine"\n\n[dependencies]\nsqlx = "0.7"\n',
          "engine/src/lib.rs":
            "/// Prices a basket. Uses the current tariff.\n#[must_use]\npub fn price(items: &[u32]) -> u32 { items.iter().sum() }\n\n/// A tariff.\npub struct Tariff;\nfn private() {}\npub(crate) fn internal() {}\n",
          "engine/src/main.rs": 'fn main() { let _ = std::env::var("ENGINE_MODE"); }\n',
          "go.work": "use ./api\n",
          "api/go.mod": "module example.com/api\n",
          "api/api.go":
            '// Package api serves orders.\npackage api\n\n// Start starts the server. It blocks.\nfunc Start() {\n\thttp.HandleFunc("GET /orders", nil)\n\t_ = os.Getenv("API_PORT")\n}\n\n// Order is an order.\ntype Order struct{}\n\nfunc helper() {}\n',
          "api/cmd/apid/main.go": "package main\n\nfunc main() {}\n",
        },
      },
    ]);
    repos.push(repo);
    const listed = await listRepoFiles(repo.root);
    const { lines } = await detectLines(listed);
    const [api, engine] = await writeBlueprints(listed, lines, [], []);
    expect(engine?.body).toContain(
      "Public items of `engine/src/lib.rs`:\n\n- `price` (function): Prices a basket.\n- `Tariff` (struct): A tariff.\n\n",
    );
    expect(engine?.body).toContain("- binary `engine` (src/main.rs) (`engine/src/main.rs`)");
    expect(engine?.body).toContain("- `ENGINE_MODE` (`engine/src/main.rs`)");
    expect(engine?.body).toContain("- SQL database (Rust) (`sqlx`) (`engine/Cargo.toml`)");
    expect(api?.body).toContain(
      "Public items of `api/api.go`:\n\n- `Start` (function): Start starts the server.\n- `Order` (struct): Order is an order.\n\n",
    );
    expect(api?.body).toContain("- command in `cmd/apid` (package main) (`api/cmd/apid/main.go`)");
    expect(api?.body).toContain("- `GET /orders` (`api/api.go`)");
    expect(api?.body).toContain("- `API_PORT` (`api/api.go`)");
  });

  it("writes byte-identical blueprints on a second run", async () => {
    const first = await blueprintsOf();
    const second = await blueprintsOf();
    const strip = (list: typeof first.blueprints) =>
      list.map(({ evidence, ...rest }) => ({ ...rest, file: evidence.file }));
    expect(JSON.stringify(strip(second.blueprints))).toBe(JSON.stringify(strip(first.blueprints)));
    const repo = makeRepo([{ author: alice, files }]);
    repos.push(repo);
    const listed = await listRepoFiles(repo.root);
    const { lines, dependencies } = await detectLines(listed);
    const once = await writeBlueprints(listed, lines, dependencies, []);
    const twice = await writeBlueprints(listed, lines, dependencies, []);
    expect(JSON.stringify(twice)).toBe(JSON.stringify(once));
  });
});

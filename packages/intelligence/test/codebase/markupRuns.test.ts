/**
 * READMEs, docs, build files and sources of about a megabyte (the most the
 * import reads of one file) made of one unclosed construct repeated are read
 * in linear time: lazy scans to a closing `-->`, `*\/`, `)`, `]` or
 * `</dependency>`, link and image patterns and attribute runs were tried from
 * each opener to the end of the text, quadratically (cubically for Maven
 * dependencies); at this size each took minutes.
 */
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };
/** About a megabyte of `unit` repeated. */
const run = (unit: string) => unit.repeat(Math.floor(1_000_000 / unit.length));
const json = (value: unknown) => JSON.stringify(value, null, 2);

/** A workspace package named `name` whose README's first paragraph follows `markup`. */
const readmePackage = (name: string, markup: string) => ({
  [`packages/${name}/package.json`]: json({ name }),
  [`packages/${name}/README.md`]: `# ${name}\n\n${markup}\n\nHandles ${name}.\n`,
  [`packages/${name}/src/index.ts`]: "export const VERSION = 1;\n",
});

describe("importCodebase: READMEs and docs that repeat unclosed markup", () => {
  const temp = useRepoWithFactory("factory-markup-docs-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "package.json": json({ private: true, workspaces: ["packages/*"] }),
        ...readmePackage("tags", `<p>${run("<")}`),
        ...readmePackage("comments", `<p>${run("<!--")}`),
        ...readmePackage("badges", `<p>${run("[![")}`),
        ...readmePackage("images", `<p>${run("![")}`),
        "packages/links/package.json": json({ name: "links" }),
        "packages/links/README.md": `# links\n\nHandles [links](docs.md).\n${run("[a](")}\n`,
        "packages/links/src/index.ts": "export const VERSION = 1;\n",
        "docs/guide.md": `# Guide ${run("[")}\n\nHow to place an order.\n`,
        "docs/notes.md": `# Notes\n\n${run("<!--")}\n`,
        "docs/images.md": `# Images\n\n${run("![")}\n`,
      },
    },
  ]);

  it("reads each README's first paragraph and each page's title past the markup", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => [line.id, (line.description ?? "").slice(0, 23)])).toEqual([
      ["badges", "Handles badges."],
      ["comments", "Handles comments."],
      ["images", "Handles images."],
      ["links", "Handles links. [a]([a]("],
      ["tags", "Handles tags."],
    ]);
    expect(
      proposal.documents
        .filter((document) => document.file.startsWith("docs/"))
        .map((document) => [document.file, document.title.slice(0, 11)]),
    ).toEqual([
      ["docs/guide.md", "Guide [[[[["],
      ["docs/images.md", "Images"],
      ["docs/notes.md", "Notes"],
    ]);
  });
});

describe("importCodebase: TypeScript sources with unclosed links and a megabyte-long name", () => {
  const temp = useRepoWithFactory("factory-markup-ts-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "package.json": json({ name: "orders", exports: { ".": "./src/index.ts" } }),
        "src/index.ts": 'export * from "./place.js";\nexport * from "./list.js";\n',
        "src/place.ts": `/** Places an order. {@link ${run("a")} */\nexport function placeOrder(): void {}\n`,
        "src/list.ts": `/** Lists orders. ${run("{@link a b")} */\nexport function listOrders(): void {}\n`,
        "src/server.ts": `export const blob = "${run("A")}";\napp.get("/health", () => {});\n`,
      },
    },
  ]);

  it("reads the exported functions' summaries and the route", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    const body = proposal.blueprints[0]?.body ?? "";
    expect(body).toContain("- `placeOrder` (function): Places an order.");
    expect(body).toContain("- `listOrders` (function): Lists orders.");
    expect(body).toContain("- `GET /health` (`src/server.ts`)");
  });
});

describe("importCodebase: a Gradle build with an unclosed comment and long blank runs", () => {
  const blanks = " ".repeat(200_000);
  const temp = useRepoWithFactory("factory-markup-gradle-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "settings.gradle.kts": [
          'include(":app")',
          `project(":app").projectDir =${blanks}rootDir`,
          "/* ".repeat(250_000),
          "",
        ].join("\n"),
        "app/build.gradle.kts": "plugins { java }\n",
        "app/src/main/java/Api.java": [
          "class Api {",
          `  @GetMapping(${" ".repeat(1_000_000)})`,
          "  void none() {}",
          '  @PostMapping("/orders")',
          "  void create() {}",
          "}",
          "",
        ].join("\n"),
      },
    },
  ]);

  it("reads the project in its folder and the one route with a path", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => [line.id, line.root])).toEqual([["app", "app"]]);
    const body = proposal.blueprints[0]?.body ?? "";
    expect(body).toContain("- `POST /orders` (`app/src/main/java/Api.java`)");
    expect(body).not.toContain("GET");
  });
});

describe("importCodebase: a Maven dependency list followed by unclosed dependencies", () => {
  const temp = useRepoWithFactory("factory-markup-maven-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "pom.xml": [
          "<project>",
          "  <modelVersion>4.0.0</modelVersion>",
          "  <groupId>acme</groupId>",
          "  <artifactId>store</artifactId>",
          "  <version>1</version>",
          "  <dependencies>",
          "    <dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId></dependency>",
          "  </dependencies>",
          `  <!-- ${"<dependency><artifactId>a</artifactId>".repeat(20_000)} -->`,
          "</project>",
          "",
        ].join("\n"),
        "src/main/java/Store.java": "class Store {}\n",
      },
    },
  ]);

  it("reads the dependency", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.blueprints[0]?.body).toContain("- PostgreSQL (`postgresql`) (`pom.xml`)");
  });
});

describe("importCodebase: a Go module whose go.mod and source repeat unclosed blocks", () => {
  const temp = useRepoWithFactory("factory-markup-go-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "go.mod": `module example.com/api\n\ngo 1.22\n\nrequire (\n\tgithub.com/lib/pq v1.10.9\n)\n${run("require (\n")}`,
        "api.go": [
          "package api",
          "",
          "import (",
          '\t_ "github.com/redis/go-redis/v9"',
          ")",
          "",
          "var doc = `",
          run("import (\n"),
          "`",
          "",
        ].join("\n"),
      },
    },
  ]);

  it("reads the required module and the imported one", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    const body = proposal.blueprints[0]?.body ?? "";
    expect(body).toContain("- PostgreSQL (`github.com/lib/pq`) (`go.mod`)");
    expect(body).toContain("- Redis (`github.com/redis/go-redis/v9`) (`api.go`)");
  });
});

describe("importCodebase: a Rust test file that repeats attributes without a function", () => {
  const temp = useRepoWithFactory("factory-markup-rust-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "Cargo.toml": '[package]\nname = "engine"\n',
        "src/lib.rs": "pub fn price() -> u32 { 1 }\n",
        "tests/price.rs": [
          "#[test]",
          "#[ignore]",
          "fn prices() {}",
          "",
          '#[tokio::test(flavor = "multi_thread")]',
          "pub(crate) async fn prices_later() {}",
          run("#[test]"),
          "",
        ].join("\n"),
        "tests/later.rs": `#[test]\nfn later() {}\n${run("#[test(")}\n`,
      },
    },
  ]);

  it("finds the test functions before the attributes", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.requirements.map((r) => [r.framework, r.title, r.fileLine])).toEqual([
      ["rust", "later", 1],
      ["rust", "prices", 1],
      ["rust", "prices_later", 5],
    ]);
  });
});

describe("importCodebase: Python and Go test files with signatures and bodies left open", () => {
  const temp = useRepoWithFactory("factory-markup-tests-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "go.mod": "module example.com/api\n\ngo 1.22\n",
        "api.go": "package api\n",
        "api_test.go": [
          "package api",
          "",
          "func TestParse(t *testing.T) {",
          '\tt.Run("empty", func(t *testing.T) {})',
          run('\tt.Run("x", f)\n'),
          "}",
          "",
          "func TestLater(t *testing.T) {}",
          "",
        ].join("\n"),
        "open_test.go": `package api\n\nfunc TestOpen(t *testing.T) {}\n\n${run("func TestLeft(t *testing.T) {\n")}`,
        "checks/test_parse.py": [
          "def test_parses():",
          '    """Parses an empty file."""',
          "",
          run("def test_left(\n"),
          "",
        ].join("\n"),
      },
    },
  ]);

  it("reads the tests around them", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    const found = proposal.requirements.map((r) => [r.framework, r.title, r.fileLine]);
    expect(found).toEqual([
      ["go", "Parse: empty", 4],
      ["go", "Parse: x", 5],
      ["go", "Later", 66_674],
      ["pytest", "Parses an empty file.", 1],
      ["pytest", "left", 4],
      ["go", "Open", 3],
      ["go", "Left", 5],
    ]);
  });
});

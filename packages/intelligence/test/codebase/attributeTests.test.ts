/**
 * Rust `#[test]` functions and JUnit `@Test` methods become requirements:
 * tokio (a Cargo workspace), apache/maven-resolver (Maven) and square/okhttp
 * (Gradle, Kotlin) were imported with no requirement at all.
 */
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };

describe("importCodebase: Rust and JUnit tests", () => {
  const temp = useRepoWithFactory("factory-attribute-tests-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "Cargo.toml": '[workspace]\nmembers = ["tokio"]\n',
        "tokio/Cargo.toml": '[package]\nname = "tokio"\n',
        "tokio/src/lib.rs": [
          "/// Spawns a task.",
          "///",
          "/// ```",
          "/// #[test]",
          "/// fn not_a_test() {}",
          "/// ```",
          "pub fn spawn() {}",
          "",
          "#[cfg(test)]",
          "mod tests {",
          "    #[test]",
          "    fn spawns_one_task() {}",
          "",
          '    #[tokio::test(flavor = "multi_thread")]',
          "    #[cfg_attr(miri, ignore)]",
          "    async fn spawns_on_runtime() {}",
          "",
          "    fn helper() {}",
          "}",
          "",
        ].join("\n"),
        "tokio/tests/io.rs": "#[tokio::test]\nasync fn reads_to_end() {}\n",
        "tokio/target/debug/build/gen.rs": "#[test]\nfn generated() {}\n",
        "settings.gradle.kts": 'include(":okhttp")\n',
        "okhttp/build.gradle.kts": 'plugins { kotlin("jvm") }\n',
        "okhttp/src/main/kotlin/Call.kt": "class Call {\n  fun execute() {}\n}\n",
        "okhttp/src/jvmTest/kotlin/CallTest.kt": [
          "class CallTest {",
          "  @Test fun `get returns the body`() {}",
          "",
          "  @Test",
          '  @Tag("slow")',
          "  fun timesOut() = runTest {}",
          "",
          "  fun helper() {}",
          "}",
          "",
        ].join("\n"),
        "okhttp/src/test/java/okhttp3/UrlTest.java": [
          "class UrlTest {",
          "  @Test",
          "  public void parsesHost() throws Exception {}",
          "",
          "  @ParameterizedTest",
          '  @ValueSource(strings = {"a", "b"})',
          "  void parsesScheme(String scheme) {}",
          "}",
          "",
        ].join("\n"),
      },
    },
  ]);

  it("infers a requirement per #[test] fn and per @Test method, on the line holding it", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.requirements.map((r) => [r.line, r.framework, r.file, r.title, r.fileLine])).toEqual([
      ["okhttp", "junit", "okhttp/src/jvmTest/kotlin/CallTest.kt", "CallTest: get returns the body", 2],
      ["okhttp", "junit", "okhttp/src/jvmTest/kotlin/CallTest.kt", "CallTest: timesOut", 4],
      ["okhttp", "junit", "okhttp/src/test/java/okhttp3/UrlTest.java", "UrlTest: parsesHost", 2],
      ["okhttp", "junit", "okhttp/src/test/java/okhttp3/UrlTest.java", "UrlTest: parsesScheme", 5],
      ["tokio", "rust", "tokio/src/lib.rs", "spawns_one_task", 11],
      ["tokio", "rust", "tokio/src/lib.rs", "spawns_on_runtime", 14],
      ["tokio", "rust", "tokio/tests/io.rs", "reads_to_end", 1],
    ]);
  });
});

/**
 * A Gradle build as square/okhttp writes it: `includeBuild("build-logic")`
 * for its conventions, projects renamed in settings, and dependencies through
 * type-safe project accessors (`projects.okhttpTestingSupport`). okhttp's
 * import proposed build-logic as a line and no dependency at all.
 */
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };

describe("importCodebase: a Gradle build with type-safe project accessors", () => {
  const temp = useRepoWithFactory("factory-gradle-accessors-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "settings.gradle.kts": [
          "pluginManagement {",
          '  includeBuild("build-logic")',
          "}",
          'enableFeaturePreview("TYPESAFE_PROJECT_ACCESSORS")',
          'include(":okhttp")',
          'include(":okhttp-testing-support")',
          'include(":mockwebserver")',
          'project(":mockwebserver").name = "mockwebserver3"',
          'include(":samples:guide")',
          "",
        ].join("\n"),
        "build-logic/settings.gradle.kts": 'rootProject.name = "build-logic"\n',
        "build-logic/src/main/kotlin/Conventions.kt": "object Conventions\n",
        "okhttp/build.gradle.kts": [
          "dependencies {",
          "  testImplementation(projects.okhttpTestingSupport)",
          "  testImplementation(projects.mockwebserver3)",
          "}",
          "version = projects.okhttp.version",
          "",
        ].join("\n"),
        "okhttp/src/main/kotlin/OkHttp.kt": "class OkHttp\n",
        "okhttp-testing-support/build.gradle.kts": "dependencies {\n  api(projects.okhttp)\n}\n",
        "okhttp-testing-support/src/main/kotlin/Support.kt": "class Support\n",
        "mockwebserver/build.gradle.kts": 'dependencies {\n  api(project(":okhttp"))\n}\n',
        "mockwebserver/src/main/kotlin/MockWebServer.kt": "class MockWebServer\n",
        "samples/guide/build.gradle.kts":
          "dependencies {\n  implementation(projects.okhttp)\n  implementation(projects.mockwebserver3)\n}\n",
        "samples/guide/src/main/java/Guide.java": "class Guide {}\n",
      },
    },
  ]);

  it("reads projects.<accessor> dependencies, renamed projects, and no line for an included build", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => [line.id, line.title, line.root])).toEqual([
      ["mockwebserver3", ":mockwebserver3", "mockwebserver"],
      ["okhttp", ":okhttp", "okhttp"],
      ["okhttp-testing-support", ":okhttp-testing-support", "okhttp-testing-support"],
    ]);
    expect(
      proposal.dependencies.map(({ from, to, evidence }) => [from, to, evidence.map((e) => e.detail)]),
    ).toEqual([
      ["mockwebserver3", "okhttp", ['project(":okhttp") in mockwebserver/build.gradle.kts']],
      ["okhttp", "mockwebserver3", ["projects.mockwebserver3 in okhttp/build.gradle.kts"]],
      ["okhttp", "okhttp-testing-support", ["projects.okhttpTestingSupport in okhttp/build.gradle.kts"]],
      ["okhttp-testing-support", "okhttp", ["projects.okhttp in okhttp-testing-support/build.gradle.kts"]],
    ]);
  });
});

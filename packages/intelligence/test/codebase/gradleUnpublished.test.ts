/**
 * A Gradle project whose build script applies no publishing plugin (by id,
 * catalog alias or a convention plugin of an included build), in a build
 * where other projects publish, is never published; named like a test suite
 * or demo it is no line (okhttp's `okhttp-osgi-tests`, `container-tests`).
 * When the root script's `subprojects { }` applies a publishing plugin,
 * nothing is concluded (one that applies none: gradlePublishingElsewhere.test.ts).
 */
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };
/** A project's build script applying `plugins` (lines of a `plugins { }` block), and a source file. */
const project = (root: string, ...plugins: string[]) => ({
  [`${root}/build.gradle.kts`]: `plugins {\n${plugins.map((plugin) => `  ${plugin}\n`).join("")}}\n`,
  [`${root}/src/main/kotlin/Main.kt`]: "fun main() {}\n",
});
const build = (rootScript: string) => ({
  "settings.gradle.kts": [
    'pluginManagement {\n  includeBuild("build-logic")\n}',
    ...[
      "okhttp",
      "okhttp-bom",
      "okhttp-osgi-tests",
      "container-tests",
      "okhttp-testing-support",
      "okhttp-test",
    ].map((name) => `include(":${name}")`),
    "",
  ].join("\n"),
  "build.gradle.kts": rootScript,
  "gradle/libs.versions.toml":
    '[plugins]\nmaven-publish = { id = "com.vanniktech.maven.publish.base", version = "0.37.0" }\n',
  "build-logic/settings.gradle.kts": 'rootProject.name = "build-logic"\n',
  "build-logic/build.gradle.kts": "plugins {\n  `kotlin-dsl`\n}\n",
  "build-logic/src/main/kotlin/okhttp.base-conventions.gradle.kts": "plugins {\n  base\n}\n",
  "build-logic/src/main/kotlin/okhttp.jvm-conventions.gradle.kts":
    'plugins {\n  id("okhttp.base-conventions")\n}\n',
  "build-logic/src/main/kotlin/okhttp.publish-conventions.gradle.kts":
    'plugins {\n  id("com.vanniktech.maven.publish.base")\n}\n',
  ...project("okhttp", 'id("okhttp.jvm-conventions")', 'id("okhttp.publish-conventions")'),
  ...project("okhttp-bom", 'id("java-platform")', 'id("okhttp.publish-conventions")'),
  ...project("okhttp-osgi-tests", 'id("okhttp.jvm-conventions")'),
  ...project("container-tests", 'id("okhttp.base-conventions")'),
  ...project("okhttp-testing-support", 'id("okhttp.jvm-conventions")'),
  ...project("okhttp-test", 'id("okhttp.jvm-conventions")', "alias(libs.plugins.maven.publish)"),
});

describe("importCodebase: Gradle test projects that apply no publishing plugin", () => {
  const temp = useRepoWithFactory("factory-gradle-unpublished-", [
    { author: alice, date: "2026-01-05T10:00:00Z", files: build("plugins {\n  base\n}\n") },
  ]);
  const configured = useRepoWithFactory("factory-gradle-subprojects-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: build('subprojects {\n  apply(plugin = "maven-publish")\n}\n'),
    },
  ]);

  it("leaves them out, not a published one, an unpublished library, nor any when the root configures them", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => line.root)).toEqual([
      "okhttp",
      "okhttp-bom",
      "okhttp-test",
      "okhttp-testing-support",
    ]);
    const root = await importCodebase(configured.factory, configured.repo.root, { dryRun: true });
    expect(root.proposal.lines.map((line) => line.root)).toEqual([
      "container-tests",
      "okhttp",
      "okhttp-bom",
      "okhttp-osgi-tests",
      "okhttp-test",
      "okhttp-testing-support",
    ]);
  });
});

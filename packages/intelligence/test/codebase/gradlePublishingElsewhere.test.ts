/**
 * A Gradle project's publishing may be applied elsewhere than by a plugin id
 * in its build script: by the root script (`configure(listOf(project(":a")))`,
 * `project(":a") { }`), a script it applies (`apply from:`), or a convention
 * plugin of an included build, package-qualified or in one of the included
 * build's projects. A root `subprojects { }` that applies no publishing plugin
 * (retrofit's: error-prone, spotless, publishing settings for projects that
 * apply the plugin themselves) says nothing, so its test projects are still
 * found unpublished. A settings plugin registered in code may publish any
 * project, so nothing is concluded then.
 */
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };
const source = (root: string) => ({ [`${root}/src/main/java/Main.java`]: "class Main {}\n" });

describe("importCodebase: a Groovy build whose root subprojects block applies no publishing plugin", () => {
  const temp = useRepoWithFactory("factory-gradle-groovy-subprojects-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "settings.gradle": "include 'retrofit',\n  'retrofit:java-test',\n  'retrofit-mock'\n",
        "build.gradle": [
          "subprojects {",
          "  apply plugin: 'net.ltgt.errorprone'",
          "  plugins.withId('com.vanniktech.maven.publish') {",
          "    publishing { repositories { maven { name = 'internal' } } }",
          "  }",
          "}",
          "",
        ].join("\n"),
        "retrofit/build.gradle":
          "apply plugin: 'java-library'\napply plugin: 'com.vanniktech.maven.publish'\n",
        ...source("retrofit"),
        "retrofit/java-test/build.gradle": "apply plugin: 'java-library'\n",
        ...source("retrofit/java-test"),
        "retrofit-mock/build.gradle": "apply plugin: 'java-library'\n// apply plugin: 'maven-publish'\n",
        ...source("retrofit-mock"),
      },
    },
  ]);

  it("leaves out the test project, every project read from a multi-line include", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => line.root)).toEqual(["retrofit", "retrofit-mock"]);
  });
});

describe("importCodebase: publishing applied by root blocks, applied scripts and convention plugins", () => {
  const temp = useRepoWithFactory("factory-gradle-publishing-elsewhere-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "settings.gradle.kts": [
          "pluginManagement {",
          "  includeBuild 'build-logic'",
          '  plugins { id("com.vanniktech.maven.publish") version "0.30.0" }',
          "}",
          ...[
            "core",
            "client",
            "core-tests",
            "demo",
            "api",
            "api-tests",
            "sdk-demo",
            "cli-demo",
            "web-demo",
          ].map((name) => `include(":${name}")`),
          "",
        ].join("\n"),
        "build.gradle.kts": [
          "allprojects {",
          '  group = "com.acme"',
          "}",
          'configure(listOf(project(":core"), project(":client"))) {',
          '  apply(plugin = "maven-publish")',
          "}",
          'project(":demo") {',
          '  apply(plugin = "java")',
          "}",
          "",
        ].join("\n"),
        "gradle/publish.gradle": "apply plugin: 'maven-publish'\n",
        "build-logic/settings.gradle.kts": 'include(":convention")\n',
        "build-logic/convention/build.gradle.kts": "plugins {\n  `kotlin-dsl`\n}\n",
        "build-logic/convention/src/main/kotlin/com/acme/publish.gradle.kts":
          'package com.acme\n\nplugins {\n  id("com.vanniktech.maven.publish")\n}\n',
        "build-logic/convention/src/main/kotlin/com/acme/kotlin.gradle.kts":
          'package com.acme\n\nplugins {\n  kotlin("jvm")\n}\n',
        "core/build.gradle.kts": 'plugins {\n  id("java-library")\n}\n',
        ...source("core"),
        "client/build.gradle.kts": 'plugins {\n  id("java-library")\n}\n',
        ...source("client"),
        "core-tests/build.gradle.kts": 'plugins {\n  id("java-library")\n}\n',
        ...source("core-tests"),
        ...source("demo"),
        "api/build.gradle.kts": 'plugins {\n  id("com.acme.publish")\n}\n',
        ...source("api"),
        "api-tests/build.gradle.kts": 'plugins {\n  id("com.acme.kotlin")\n}\n',
        ...source("api-tests"),
        "sdk-demo/build.gradle.kts": 'plugins {\n  id("com.acme.kotlin")\n  id("com.acme.publish")\n}\n',
        ...source("sdk-demo"),
        "cli-demo/build.gradle.kts": 'apply(from = "$rootDir/gradle/publish.gradle")\n',
        ...source("cli-demo"),
        "web-demo/build.gradle.kts": 'apply(from = "https://acme.test/publish.gradle")\n',
        ...source("web-demo"),
      },
    },
  ]);

  it("keeps the projects published so, and leaves out the test and demo projects that are not", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => line.root)).toEqual([
      "api",
      "cli-demo",
      "client",
      "core",
      "sdk-demo",
      "web-demo",
    ]);
  });
});

describe("importCodebase: a build whose settings apply a plugin registered in code", () => {
  const temp = useRepoWithFactory("factory-gradle-settings-plugin-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "settings.gradle.kts": [
          "pluginManagement {",
          '  includeBuild("build-support/settings")',
          '  plugins { id("com.vanniktech.maven.publish") version "0.30.0" }',
          "}",
          "plugins {",
          '  id("com.squareup.wire.settings")',
          "}",
          'include(":wire-runtime", ":wire-schema-tests")',
          "",
        ].join("\n"),
        "build-support/settings/build.gradle.kts": [
          "gradlePlugin {",
          "  plugins {",
          '    create("wireSettings") {',
          '      id = "com.squareup.wire.settings"',
          '      implementationClass = "com.squareup.wire.buildsettings.WireSettingsPlugin"',
          "    }",
          "  }",
          "}",
          "",
        ].join("\n"),
        "wire-runtime/build.gradle.kts": 'plugins {\n  id("com.vanniktech.maven.publish")\n}\n',
        ...source("wire-runtime"),
        "wire-schema-tests/build.gradle.kts": 'plugins {\n  kotlin("jvm")\n}\n',
        ...source("wire-schema-tests"),
      },
    },
  ]);

  it("concludes nothing, as the settings plugin may publish any project (wire's publishes wire-schema-tests)", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => line.root)).toEqual(["wire-runtime", "wire-schema-tests"]);
  });
});

/**
 * A Maven module is never published also when the deploy plugin's
 * configuration skips it (`<skip>true</skip>` on `maven-deploy-plugin` in
 * `<build><plugins>` or `<pluginManagement>`), in its pom or the nearest
 * aggregator's above it that says either way; then a module named like a test
 * suite or demo is no line, as with the `maven.deploy.skip` property.
 */
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };
const pom = (artifactId: string, extra = "") =>
  `<project>\n  <modelVersion>4.0.0</modelVersion>\n  <artifactId>${artifactId}</artifactId>\n${extra}</project>\n`;
/** A deploy plugin whose configuration says `<skip>` `value`, under `<build><plugins>` or `<build><pluginManagement><plugins>`. */
const deploySkip = (value: string, managed = false) => {
  const plugin = [
    "      <plugin>",
    "        <groupId>org.apache.maven.plugins</groupId>",
    "        <artifactId>maven-deploy-plugin</artifactId>",
    `        <configuration><skip>${value}</skip></configuration>`,
    "      </plugin>",
    "      <plugin><artifactId>maven-jar-plugin</artifactId></plugin>",
  ].join("\n");
  const plugins = `    <plugins>\n${plugin}\n    </plugins>\n`;
  return `  <build>\n${managed ? `  <pluginManagement>\n${plugins}  </pluginManagement>\n` : plugins}  </build>\n`;
};
/** A deploy plugin whose `default-deploy` execution is bound to no phase, under `<build><plugins>` or `<build><pluginManagement><plugins>`. */
const deployUnbound = (managed = false) => {
  const plugin = [
    "      <plugin>",
    "        <groupId>org.apache.maven.plugins</groupId>",
    "        <artifactId>maven-deploy-plugin</artifactId>",
    "        <executions>",
    "          <execution>",
    "            <id>default-deploy</id>",
    "            <phase>none</phase>",
    "          </execution>",
    "        </executions>",
    "      </plugin>",
  ].join("\n");
  const plugins = `    <plugins>\n${plugin}\n    </plugins>\n`;
  return `  <build>\n${managed ? `  <pluginManagement>\n${plugins}  </pluginManagement>\n` : plugins}  </build>\n`;
};
const modules = (...names: string[]) =>
  `  <modules>\n${names.map((name) => `    <module>${name}</module>`).join("\n")}\n  </modules>\n`;

describe("importCodebase: Maven modules whose deploy plugin skips", () => {
  const temp = useRepoWithFactory("factory-deploy-plugin-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "pom.xml": pom(
          "resolver",
          modules("resolver-api", "resolver-tests", "resolver-tools", "resolver-demos"),
        ),
        "resolver-api/pom.xml": pom("resolver-api"),
        "resolver-api/src/main/java/Api.java": "class Api {}\n",
        "resolver-tests/pom.xml": pom("resolver-tests", deploySkip("true")),
        "resolver-tests/src/main/java/Suite.java": "class Suite {}\n",
        "resolver-tools/pom.xml": pom("resolver-tools", deploySkip(" true ")),
        "resolver-tools/src/main/java/Tool.java": "class Tool {}\n",
        "resolver-demos/pom.xml": pom(
          "resolver-demos",
          `${modules("resolver-demo-snippets", "resolver-demo-app")}${deploySkip("true", true)}`,
        ),
        "resolver-demos/resolver-demo-snippets/pom.xml": pom("resolver-demo-snippets"),
        "resolver-demos/resolver-demo-snippets/src/main/java/Snippet.java": "class Snippet {}\n",
        "resolver-demos/resolver-demo-app/pom.xml": pom("resolver-demo-app", deploySkip("false")),
        "resolver-demos/resolver-demo-app/src/main/java/App.java": "class App {}\n",
      },
    },
  ]);

  it("leaves out the test and demo modules that skip deploying, not the ones that deploy", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => line.root)).toEqual([
      "resolver-api",
      "resolver-demos/resolver-demo-app",
      "resolver-tools",
    ]);
  });
});

describe("importCodebase: Maven modules whose default-deploy execution is bound to no phase", () => {
  const unbound = useRepoWithFactory("factory-deploy-unbound-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "pom.xml": pom("resolver", modules("resolver-api", "resolver-tests", "resolver-demos")),
        "resolver-api/pom.xml": pom("resolver-api"),
        "resolver-api/src/main/java/Api.java": "class Api {}\n",
        "resolver-tests/pom.xml": pom("resolver-tests", deployUnbound()),
        "resolver-tests/src/main/java/Suite.java": "class Suite {}\n",
        "resolver-demos/pom.xml": pom(
          "resolver-demos",
          `${modules("resolver-demo-snippets", "resolver-demo-app")}${deployUnbound(true)}`,
        ),
        "resolver-demos/resolver-demo-snippets/pom.xml": pom("resolver-demo-snippets"),
        "resolver-demos/resolver-demo-snippets/src/main/java/Snippet.java": "class Snippet {}\n",
        "resolver-demos/resolver-demo-app/pom.xml": pom("resolver-demo-app", deploySkip("false")),
        "resolver-demos/resolver-demo-app/src/main/java/App.java": "class App {}\n",
      },
    },
  ]);

  it("leaves out the test and demo modules whose deploy execution is unbound, not one that deploys", async () => {
    const { proposal } = await importCodebase(unbound.factory, unbound.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => line.root)).toEqual([
      "resolver-api",
      "resolver-demos/resolver-demo-app",
    ]);
  });
});

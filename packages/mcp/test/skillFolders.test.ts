import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { openFactory } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { serveHttp } from "../src/index.js";
import { connectToServer, useSeededFolder } from "./fixtures.js";

const seeded = useSeededFolder();

/** Writes `<factory>/skills/<folder>/SKILL.md`, creating the folders. */
function writeSkill(folder: string, text: string): void {
  mkdirSync(join(seeded.dir, "skills", folder), { recursive: true });
  writeFileSync(join(seeded.dir, "skills", folder, "SKILL.md"), text);
}

const skillMd = (name: string, description: string, body: string) =>
  `---\nname: ${name}\ndescription: ${description}\n---\n${body}\n`;

const promptNames = async (client: Client) =>
  (await client.listPrompts()).prompts.map((prompt) => prompt.name);
const promptText = async (client: Client, name: string) =>
  JSON.stringify((await client.getPrompt({ name, arguments: {} })).messages);
/** Bounded waits: the server reloads about 100 ms after a change. */
const within = { timeout: 15_000, interval: 50 };

describe("factory-mcp follows its skills folder", () => {
  it.each([
    ["2025-11-25", "changelog-legacy", "legacy" as const],
    ["2026-07-28", "changelog-modern", { pin: "2026-07-28" } as const],
  ])(
    "lists a skill folder added while it runs, updates it when its SKILL.md changes and drops it when removed, telling the client each time (protocol %s)",
    async (_protocol, skill, mode) => {
      let changes = 0;
      const client = await connectToServer("skill-folders-test", ["--dir", seeded.dir, "--actor", "agent"], {
        client: {
          versionNegotiation: { mode },
          listChanged: { prompts: { autoRefresh: false, onChanged: () => changes++ } },
        },
      });
      try {
        expect(await promptNames(client)).not.toContain(skill);

        writeSkill(
          skill,
          skillMd(skill, "Writes the changelog of a release", "List what changed, newest first."),
        );
        await expect.poll(() => promptNames(client), within).toContain(skill);
        await expect.poll(() => changes, within).toBeGreaterThan(0);
        expect(await promptText(client, skill)).toContain("List what changed, newest first.");
        const resources = (await client.listResources()).resources.map((resource) => resource.uri);
        expect(resources).toContain(`skill://${skill}/SKILL.md`);

        const before = changes;
        writeSkill(skill, skillMd(skill, "Writes the changelog of a release", "Group the changes by line."));
        await expect.poll(() => promptText(client, skill), within).toContain("Group the changes by line.");
        await expect.poll(() => changes, within).toBeGreaterThan(before);

        rmSync(join(seeded.dir, "skills", skill), { recursive: true });
        await expect.poll(() => promptNames(client), within).not.toContain(skill);
        // The built-in skills' prompts stay.
        expect(await promptNames(client)).toContain("summarize-line");
      } finally {
        await client.close();
      }
    },
    120_000,
  );

  it("names a malformed SKILL.md added while it runs on stderr with its position, and keeps serving the good skills", async () => {
    let stderr = "";
    writeSkill("triage", skillMd("triage", "Triages a signal", "Find the line, then the owner."));
    const client = await connectToServer("skill-folders-test", ["--dir", seeded.dir, "--actor", "agent"], {
      onStderr: (text) => {
        stderr += text;
      },
    });
    try {
      expect(await promptNames(client)).toContain("triage");

      writeSkill("broken", skillMd("Broken Skill", "Not a valid name", "Never listed."));
      await expect.poll(() => stderr, within).toContain('skill "broken" not loaded');
      expect(stderr).toContain(
        `${join(seeded.dir, "skills", "broken", "SKILL.md")}:2:7: name: name is lowercase letters, digits and single hyphens`,
      );

      const names = await promptNames(client);
      expect(names).toContain("triage");
      expect(names).not.toContain("Broken Skill");
      expect(await promptText(client, "triage")).toContain("Find the line, then the owner.");
      const listed = (await client.callTool({ name: "list_skills", arguments: {} })) as {
        structuredContent?: { problems: { name: string }[] };
      };
      expect(listed.structuredContent?.problems.map((problem) => problem.name)).toEqual(["broken"]);
      const owner = (await client.callTool({
        name: "who_owns",
        arguments: { paths: ["/src/checkout/cart.ts"] },
      })) as {
        isError?: boolean;
      };
      expect(owner.isError).toBeFalsy();

      // A good skill saved malformed is left out, as a restart would leave it out.
      writeSkill("triage", "---\nname: triage\n---\nNo description.\n");
      await expect.poll(() => promptNames(client), within).not.toContain("triage");
      await expect.poll(() => stderr, within).toContain('skill "triage" not loaded');
    } finally {
      await client.close();
      rmSync(join(seeded.dir, "skills"), { recursive: true, force: true });
    }
  }, 120_000);

  it("over Streamable HTTP, serves a skill folder added while it runs and tells a listening client", async () => {
    const factory = await openFactory({ dir: seeded.dir, actor: "agent" });
    const server = await serveHttp(factory, { port: 0, token: "test-token-0123456789" });
    let changes = 0;
    const client = new Client(
      { name: "skill-folders-http-test", version: "1.0.0" },
      {
        versionNegotiation: { mode: { pin: "2026-07-28" } },
        listChanged: { prompts: { autoRefresh: false, onChanged: () => changes++ } },
      },
    );
    try {
      await client.connect(
        new StreamableHTTPClientTransport(new URL(server.url), {
          requestInit: { headers: { authorization: "Bearer test-token-0123456789" } },
        }),
      );
      writeSkill("review-http", skillMd("review-http", "Reviews a change", "Read the diff twice."));
      await expect.poll(() => promptNames(client), within).toContain("review-http");
      await expect.poll(() => changes, within).toBeGreaterThan(0);
      rmSync(join(seeded.dir, "skills", "review-http"), { recursive: true });
      await expect.poll(() => promptNames(client), within).not.toContain("review-http");
    } finally {
      await client.close();
      await server.close();
      await factory.close();
    }
  }, 60_000);
});

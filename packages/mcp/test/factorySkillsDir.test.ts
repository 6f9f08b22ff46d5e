import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveHttp } from "../src/index.js";

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "factory-mcp-skills-dir-"));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Writes `<skills>/<name>/SKILL.md`, creating the folders. */
function writeSkill(skills: string, name: string, body: string): void {
  mkdirSync(join(skills, name), { recursive: true });
  writeFileSync(join(skills, name, "SKILL.md"), `---\nname: ${name}\ndescription: ${body}\n---\n${body}\n`);
}

describe("a server over a factory opened with its own skillsDir", () => {
  it("follows that folder, not <factory>/skills, when the server options name none", async () => {
    const teamSkills = join(root, "team-skills");
    mkdirSync(teamSkills, { recursive: true });
    const factory = await openFactory({ dir: join(root, "factory"), skillsDir: teamSkills });
    const server = await serveHttp(factory, { port: 0, token: "test-token-0123456789" });
    const client = new Client(
      { name: "factory-skills-dir-test", version: "1.0.0" },
      { versionNegotiation: { mode: { pin: "2026-07-28" } } },
    );
    const promptNames = async () => (await client.listPrompts()).prompts.map((prompt) => prompt.name);
    try {
      await client.connect(
        new StreamableHTTPClientTransport(new URL(server.url), {
          requestInit: { headers: { authorization: "Bearer test-token-0123456789" } },
        }),
      );
      writeSkill(
        join(root, "factory", "skills"),
        "not-followed",
        "Written where the factory did not load from.",
      );
      writeSkill(teamSkills, "team-review", "Reviews a change the team's way.");
      await expect.poll(promptNames, { timeout: 15_000, interval: 50 }).toContain("team-review");
      expect(await promptNames()).not.toContain("not-followed");
    } finally {
      await client.close();
      await server.close();
      await factory.close();
    }
  }, 60_000);
});

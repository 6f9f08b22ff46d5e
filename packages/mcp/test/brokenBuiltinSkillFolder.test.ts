import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { connectToServer, useSeededFolder } from "./fixtures.js";

const folder = useSeededFolder(({ dir }) => {
  // A folder named like the built-in skill summarize-line (which has instructions), its SKILL.md without a description.
  mkdirSync(join(dir, "skills", "summarize-line", "references"), { recursive: true });
  writeFileSync(
    join(dir, "skills", "summarize-line", "SKILL.md"),
    "---\nname: summarize-line\n---\nNo description.\n",
  );
  writeFileSync(join(dir, "skills", "summarize-line", "references", "notes.md"), "# Notes\n");
});

const uris = async (client: Client) =>
  (await client.listResources()).resources.map((resource) => resource.uri);

describe("factory-mcp with a malformed skill folder named like a built-in skill", () => {
  it.each([
    ["2025-11-25", "legacy" as const],
    ["2026-07-28", { pin: "2026-07-28" } as const],
  ])(
    "keeps listing resources, skills and prompts, reports the folder's problem and refuses only that folder's instructions (protocol %s)",
    async (_protocol, mode) => {
      let stderr = "";
      const client = await connectToServer(
        "broken-builtin-skill-test",
        ["--dir", folder.dir, "--actor", "agent"],
        {
          client: { versionNegotiation: { mode } },
          onStderr: (text) => {
            stderr += text;
          },
        },
      );
      try {
        const listed = await uris(client);
        expect(listed).toContain("factory://floorplan");
        expect(listed).not.toContain("skill://summarize-line/SKILL.md");
        expect(listed.filter((uri) => uri.startsWith("skill://summarize-line/"))).toEqual([]);

        const skills = (await client.callTool({ name: "list_skills", arguments: {} })) as {
          isError?: boolean;
          structuredContent?: { skills: { name: string }[]; problems: { name: string; message: string }[] };
        };
        expect(skills.isError).toBeFalsy();
        expect(skills.structuredContent?.problems.map((problem) => problem.name)).toEqual(["summarize-line"]);
        expect(skills.structuredContent?.problems[0]?.message).toContain(
          join(folder.dir, "skills", "summarize-line", "SKILL.md"),
        );

        const prompts = (await client.listPrompts()).prompts.map((prompt) => prompt.name);
        expect(prompts).not.toContain("summarize-line");
        expect(prompts.length).toBeGreaterThan(0);

        const completion = await client.complete({
          ref: { type: "ref/resource", uri: "skill://{name}/{+path}" },
          argument: { name: "name", value: "summ" },
        });
        expect(completion.completion.values).toEqual([]);

        // Reading it is reading what the server does not list: resource-not-found (-32602) with its problems, not -32603.
        for (const uri of ["skill://summarize-line/SKILL.md", "skill://summarize-line/references/notes.md"])
          await expect(client.readResource({ uri })).rejects.toMatchObject({
            code: -32602,
            message: expect.stringMatching(
              /^skill "summarize-line" failed to load from .*description is missing/s,
            ),
            data: { uri },
          });
        await expect(client.getPrompt({ name: "summarize-line" })).rejects.toMatchObject({
          code: -32602,
          message:
            'prompts/get request is invalid: name: no prompt "summarize-line": its skill folder failed to load (list_skills names its problems)',
        });
        expect(stderr).toContain('skill "summarize-line" not loaded');
        // The built-in handler of that name still runs; only the folder's instructions are refused.
        const ran = (await client.callTool({
          name: "run_skill",
          arguments: { name: "summarize-line", input: { line: "checkout" } },
        })) as { isError?: boolean };
        expect(ran.isError).toBeFalsy();
      } finally {
        await client.close();
      }
    },
    120_000,
  );
});

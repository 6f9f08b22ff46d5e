/**
 * Skills over MCP: `skill://{name}/SKILL.md` resources (the skills extension)
 * and one prompt per instruction skill.
 *
 * @module
 */

import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/server";
import type { Factory } from "@software-factory/intelligence";
import { z } from "zod";

/** Registers the skill resources and prompts of a factory on a server. */
export function registerSkills(server: McpServer, factory: Factory): void {
  const withInstructions = () => factory.skills.list().filter((skill) => skill.instructions);
  server.registerResource(
    "skill",
    new ResourceTemplate("skill://{name}/SKILL.md", {
      list: () => ({
        resources: withInstructions().map((skill) => ({
          uri: `skill://${skill.name}/SKILL.md`,
          name: skill.name,
          description: skill.description,
          mimeType: "text/markdown",
        })),
      }),
      complete: {
        name: (value) =>
          withInstructions()
            .map((skill) => skill.name)
            .filter((name) => name.startsWith(value)),
      },
    }),
    { title: "Skill", description: "An Agent Skill (SKILL.md)", mimeType: "text/markdown" },
    async (uri, variables) => {
      const name = String(Array.isArray(variables.name) ? variables.name[0] : variables.name);
      const text = factory.skills.skillMd(name);
      if (text === undefined) throw new Error(`no skill "${name}" with instructions`);
      return { contents: [{ uri: uri.href, mimeType: "text/markdown", text }] };
    },
  );
  for (const info of withInstructions()) {
    const skill = factory.skills.instructions(info.name);
    if (skill === undefined) continue;
    server.registerPrompt(
      info.name,
      {
        title: info.name,
        description: info.description,
        argsSchema: z.object({ task: z.string().optional().describe("What to apply the skill to") }),
      },
      ({ task }) => ({
        messages: [
          {
            role: "user" as const,
            content: {
              type: "text" as const,
              text: `${skill.instructions}${task === undefined ? "" : `\n\nTask: ${task}`}`,
            },
          },
        ],
      }),
    );
  }
}

/**
 * Skills over MCP: `skill://{name}/SKILL.md` resources (the skills extension),
 * the files of skills loaded from folders as `skill://{name}/{+path}`, and one
 * prompt per instruction skill.
 *
 * @module
 */

import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/server";
import type { Factory, InstructionSkill } from "@software-factory/intelligence";
import { z } from "zod";
import { skillFileContents, skillFileMimeType, skillFileUri } from "./skillFiles.js";

/** The first value of a URI template variable. */
const variable = (value: string | string[] | undefined) => String(Array.isArray(value) ? value[0] : value);

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
      const name = variable(variables.name);
      const text = factory.skills.skillMd(name);
      if (text === undefined) throw new Error(`no skill "${name}" with instructions`);
      return { contents: [{ uri: uri.href, mimeType: "text/markdown", text }] };
    },
  );
  registerSkillFiles(server, factory);
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

/**
 * Registers `skill://{name}/{+path}`: the `scripts/`, `references/` and
 * `assets/` files of the instruction skills loaded from folders, each listed in
 * resources/list. Registered after `skill://{name}/SKILL.md`, which therefore
 * keeps serving the SKILL.md itself.
 */
function registerSkillFiles(server: McpServer, factory: Factory): void {
  const withFiles = () =>
    factory.skills
      .list()
      .map((info) => factory.skills.instructions(info.name))
      .filter((skill) => skill !== undefined && skill.files.length > 0) as InstructionSkill[];
  server.registerResource(
    "skill-file",
    new ResourceTemplate("skill://{name}/{+path}", {
      list: () => ({
        resources: withFiles().flatMap((skill) =>
          skill.files.map((path) => {
            const mimeType = skillFileMimeType(path);
            return {
              uri: skillFileUri(skill.name, path),
              name: `${skill.name}/${path}`,
              description: `${path} of the skill ${skill.name}`,
              ...(mimeType === undefined ? {} : { mimeType }),
            };
          }),
        ),
      }),
      complete: {
        name: (value) =>
          withFiles()
            .map((skill) => skill.name)
            .filter((name) => name.startsWith(value)),
        path: (value, context) => {
          const name = context?.arguments?.name ?? "";
          // A skill folder that failed to load has no files to complete.
          if (factory.skills.problems().some((problem) => problem.name === name)) return [];
          return (factory.skills.instructions(name)?.files ?? []).filter((path) => path.startsWith(value));
        },
      },
    }),
    {
      title: "Skill file",
      description: "A file of an Agent Skill: a script, reference or asset next to its SKILL.md",
    },
    async (uri, variables) => {
      const name = variable(variables.name);
      const skill = factory.skills.instructions(name);
      if (skill === undefined) {
        const known = withFiles().map((each) => each.name);
        throw new Error(`no skill "${name}" with files; skills with files: ${known.join(", ") || "none"}`);
      }
      let path: string;
      try {
        path = decodeURIComponent(variable(variables.path));
      } catch {
        throw new Error(`the path of ${uri.href} is not valid percent-encoding`);
      }
      return { contents: [skillFileContents(skill, path, uri.href)] };
    },
  );
}

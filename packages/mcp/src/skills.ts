/**
 * Skills over MCP: `skill://{name}/SKILL.md` resources (the skills extension),
 * the files of skills loaded from folders as `skill://{name}/{+path}`, and one
 * prompt per instruction skill. The name and the path of a URI are
 * percent-decoded alike (`skill://summarize%2Dline/SKILL.md` is
 * `summarize-line`'s); a malformed encoding of either is refused with
 * `-32602` naming the part.
 *
 * @module
 */

import {
  completable,
  type McpServer,
  type RegisteredPrompt,
  ResourceNotFoundError,
  ResourceTemplate,
} from "@modelcontextprotocol/server";
import { NotFoundError, ValidationError } from "@software-factory/core";
import type { Factory, InstructionSkill, SkillInfo } from "@software-factory/intelligence";
import { z } from "zod";
import {
  artifactIds,
  documentIds,
  type IdCompletion,
  lineIds,
  signalIds,
  workItemIds,
} from "./idCompletions.js";
import { shortened } from "./internal/shortened.js";
import { invalidParams, type RequestParams } from "./requestParams.js";
import type { ResourceListing } from "./resourcePages.js";
import { skillFileContents, skillFileMimeType, skillFileUri } from "./skillFiles.js";
import { nearHint } from "./tools/knownValues.js";
import { PATH_MAX } from "./tools/shared.js";
import { decodedVariable } from "./uriVariables.js";

/**
 * Registers the skill resources and prompts of a factory on a server, and
 * returns the function that updates the prompts after the factory's skills
 * changed (the resources read the skills on each request). With `params`,
 * `prompts/get` and `completion/complete` of a prompt that is not one of them,
 * or of an argument the prompts do not take, are refused naming it.
 */
export function registerSkills(
  server: McpServer,
  factory: Factory,
  listing: ResourceListing,
  params?: RequestParams,
): () => void {
  const withInstructions = () => [...skillsWithInstructions(factory).values()];
  listing.template(
    server.registerResource(
      "skill",
      new ResourceTemplate("skill://{name}/SKILL.md", {
        list: () => ({
          resources: withInstructions().map((skill) => ({
            uri: `skill://${skill.name}/SKILL.md`,
            name: skill.name,
            title: skill.name,
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
        const name = decodedVariable(uri, variables, "name");
        const text =
          instructionsOf(factory, uri, name) === undefined ? undefined : factory.skills.skillMd(name);
        if (text === undefined)
          throw new ResourceNotFoundError(
            uri.href,
            `no skill "${name}" with instructions (list_skills lists the skills)`,
          );
        return { contents: [{ uri: uri.href, mimeType: "text/markdown", text }] };
      },
    ),
  );
  registerSkillFiles(server, factory, listing);
  return registerSkillPrompts(server, factory, params);
}

/** The argument of a prompt whose skill takes no input of strings alone (an instruction skill takes none). */
const taskArgument = z.object({ task: z.string().optional().describe("What to apply the skill to") });

/** A prompt's arguments: its zod object, as the MCP SDK takes it. */
type PromptArguments = z.ZodObject<Record<string, z.ZodOptional<z.ZodString>>>;

/**
 * The completion of a prompt argument that names a factory id, by its name:
 * the ids the resource templates complete (`summarize-line`'s `line` as
 * `factory://lines/{id}`, `draft-requirement`'s `signal` as
 * `factory://signals/{id}`), named as the tools name them.
 */
const ID_ARGUMENTS: Readonly<Record<string, IdCompletion>> = {
  line: lineIds,
  document: documentIds,
  workItem: workItemIds,
  artifact: artifactIds,
  signal: signalIds,
};

/**
 * The arguments of the prompt of the skill `info` lists: the fields of its
 * input when it is runnable and they are all strings (`summarize-line` takes
 * `line`, as its instructions' `run_skill` call does), else `task`. Each is
 * optional, as `task` is: without them the prompt is the instructions alone.
 * One that names a factory id ({@link ID_ARGUMENTS}) completes its ids.
 */
function promptArgumentsOf(factory: Factory, info: SkillInfo | undefined): PromptArguments {
  const input = info?.inputSchema as
    | { type?: unknown; properties?: Record<string, { type?: unknown; description?: unknown }> }
    | undefined;
  const fields = Object.entries(input?.type === "object" ? (input.properties ?? {}) : {});
  if (fields.length === 0 || fields.some(([, field]) => field.type !== "string")) return taskArgument;
  return z.object(
    Object.fromEntries(
      fields.map(([field, schema]) => {
        const text = z
          .string()
          .describe(
            typeof schema.description === "string"
              ? schema.description
              : `The skill's input ${field}, as run_skill takes it`,
          );
        const ids = Object.hasOwn(ID_ARGUMENTS, field) ? ID_ARGUMENTS[field] : undefined;
        return [
          field,
          (ids === undefined ? text : completable(text, (value) => ids(factory, value))).optional(),
        ];
      }),
    ),
  );
}

/**
 * The issue of a request naming a prompt at `path` that is not in `prompts`,
 * or an argument at `argumentPath` that the prompts do not take.
 */
function promptIssues(
  factory: Factory,
  prompts: ReadonlyMap<string, { readonly arguments: PromptArguments }>,
  name: string,
  path: string,
  argumentNames: readonly string[],
  argumentPath: string,
): { path: string; message: string }[] {
  const prompt = prompts.get(name);
  if (prompt === undefined) {
    const broken = factory.skills.problems().some((problem) => problem.name === name);
    const where = broken
      ? `: its skill folder failed to load (list_skills names its problems)`
      : ` ${nearHint(name, [...prompts.keys()], "prompts/list lists the prompts")}`;
    return [{ path, message: `no prompt "${shortened(name)}"${where}` }];
  }
  const takes = Object.keys(prompt.arguments.shape);
  const unknown = argumentNames.filter((argument) => !takes.includes(argument));
  if (unknown.length === 0) return [];
  const keys = unknown.map((argument) => `"${shortened(argument)}"`).join(", ");
  return [
    {
      path: argumentPath,
      message: `unknown argument${unknown.length === 1 ? "" : "s"} ${keys}; ${name} takes ${takes.join(", ")}`,
    },
  ];
}

/** Refuses `prompts/get` and `completion/complete` of a prompt or prompt argument that `prompts` do not have. */
function checkPromptRequests(
  params: RequestParams,
  factory: Factory,
  prompts: ReadonlyMap<string, { readonly arguments: PromptArguments }>,
): void {
  params.check("prompts/get", ({ name, arguments: given }) => {
    const issues = promptIssues(factory, prompts, name, "name", Object.keys(given ?? {}), "arguments");
    if (issues.length > 0) throw invalidParams("prompts/get", issues);
  });
  params.check("completion/complete", ({ ref, argument }) => {
    if (ref.type !== "ref/prompt") return;
    const issues = promptIssues(factory, prompts, ref.name, "ref.name", [argument.name], "argument.name");
    if (issues.length > 0) throw invalidParams("completion/complete", issues);
  });
}

/**
 * The prompt of a skill: its instructions, then the task when one is given,
 * or, for a skill that takes its input as arguments, the `run_skill` call
 * with the input given (`{"name": "summarize-line", "input": {"line":
 * "checkout"}}`).
 */
function promptOf(skill: InstructionSkill, takes: PromptArguments) {
  return (given: Record<string, string | undefined>) => {
    const input: Record<string, string> = {};
    for (const [field, value] of Object.entries(given)) if (value !== undefined) input[field] = value;
    const text = `${skill.instructions}${promptEnd(skill.name, takes, input)}`;
    return { messages: [{ role: "user" as const, content: { type: "text" as const, text } }] };
  };
}

/** What a skill's prompt adds to its instructions for the arguments given: the task, or the `run_skill` call. */
function promptEnd(name: string, takes: PromptArguments, input: Record<string, string>): string {
  if (takes === taskArgument) return input.task === undefined ? "" : `\n\nTask: ${input.task}`;
  return Object.keys(input).length === 0 ? "" : `\n\nCall run_skill with ${JSON.stringify({ name, input })}`;
}

/**
 * The instructions of the skill `name` for a read of `uri`; undefined when it
 * has none.
 *
 * @throws ResourceNotFoundError (`-32602`, `data: { uri }`) with the problems
 *   of a skill whose folder failed to load: it is not listed, so reading it is
 *   reading what the server does not have, not a failure of the server.
 */
function instructionsOf(factory: Factory, uri: URL, name: string): InstructionSkill | undefined {
  try {
    return factory.skills.instructions(name);
  } catch (error) {
    if (error instanceof ValidationError) throw new ResourceNotFoundError(shortened(uri.href), error.message);
    throw error;
  }
}

/**
 * The skills that have instructions, by name. A skill whose folder failed to
 * load has none, even when a built-in skill of that name has some: the
 * factory refuses its instructions (`skills.instructions` throws), so lists
 * leave it out and `skills.problems()` reports it.
 */
export function skillsWithInstructions(factory: Factory): Map<string, InstructionSkill> {
  const broken = new Set(factory.skills.problems().map((problem) => problem.name));
  const skills = new Map<string, InstructionSkill>();
  for (const info of factory.skills.list()) {
    if (!info.instructions || broken.has(info.name)) continue;
    const skill = factory.skills.instructions(info.name);
    if (skill !== undefined) skills.set(info.name, skill);
  }
  return skills;
}

/**
 * Registers one prompt per skill with instructions, and returns the function
 * that brings them in line with the factory's skills again: it registers the
 * new ones, updates those whose description or instructions changed and
 * removes those gone (the MCP SDK sends `notifications/prompts/list_changed`
 * for each change when the server is connected).
 */
function registerSkillPrompts(server: McpServer, factory: Factory, params?: RequestParams): () => void {
  const prompts = new Map<
    string,
    { prompt: RegisteredPrompt; skill: InstructionSkill; arguments: PromptArguments }
  >();
  if (params !== undefined) checkPromptRequests(params, factory, prompts);
  const sync = () => {
    const skills = skillsWithInstructions(factory);
    const listed = new Map(factory.skills.list().map((info) => [info.name, info]));
    for (const [name, { prompt }] of prompts) {
      if (skills.has(name)) continue;
      prompt.remove();
      prompts.delete(name);
    }
    for (const [name, skill] of skills) {
      const registered = prompts.get(name);
      const takes = promptArgumentsOf(factory, listed.get(name));
      const argumentsChanged =
        registered !== undefined &&
        Object.keys(registered.arguments.shape).join() !== Object.keys(takes.shape).join();
      if (registered === undefined) {
        const prompt = server.registerPrompt(
          name,
          { title: name, description: skill.description, argsSchema: takes },
          promptOf(skill, takes),
        );
        prompts.set(name, { prompt, skill, arguments: takes });
      } else if (
        argumentsChanged ||
        registered.skill.description !== skill.description ||
        registered.skill.instructions !== skill.instructions
      ) {
        registered.prompt.update({
          description: skill.description,
          argsSchema: takes,
          callback: promptOf(skill, takes),
        });
        prompts.set(name, { prompt: registered.prompt, skill, arguments: takes });
      }
    }
  };
  sync();
  return sync;
}

/**
 * Registers `skill://{name}/{+path}`: the `scripts/`, `references/` and
 * `assets/` files of the instruction skills loaded from folders, each listed in
 * resources/list. Registered after `skill://{name}/SKILL.md`, which therefore
 * keeps serving the SKILL.md itself. A skill whose folder failed to load lists
 * and completes no files; reading one is refused with its problems.
 */
function registerSkillFiles(server: McpServer, factory: Factory, listing: ResourceListing): void {
  const withFiles = () =>
    [...skillsWithInstructions(factory).values()].filter((skill) => skill.files.length > 0);
  listing.template(
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
                title: `${skill.name}/${path}`,
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
            const files = skillsWithInstructions(factory).get(context?.arguments?.name ?? "")?.files ?? [];
            return files.filter((path) => path.startsWith(value));
          },
        },
      }),
      {
        title: "Skill file",
        description: "A file of an Agent Skill: a script, reference or asset next to its SKILL.md",
      },
      async (uri, variables) => {
        const name = decodedVariable(uri, variables, "name");
        const skill = instructionsOf(factory, uri, name);
        if (skill === undefined) {
          const known = withFiles().map((each) => each.name);
          throw new ResourceNotFoundError(
            uri.href,
            `no skill "${name}" with files; skills with files: ${known.join(", ") || "none"}`,
          );
        }
        const path = decodedVariable(uri, variables, "path", PATH_MAX);
        try {
          return { contents: [skillFileContents(skill, path, uri.href)] };
        } catch (error) {
          if (error instanceof NotFoundError) throw new ResourceNotFoundError(uri.href, error.message);
          throw error;
        }
      },
    ),
  );
}

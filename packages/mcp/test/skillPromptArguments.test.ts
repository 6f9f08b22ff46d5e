/**
 * A runnable skill's prompt takes the skill's input as its arguments, as its
 * instructions' run_skill call does: summarize-line's took `task` while its
 * text said to call run_skill with `{"line": ...}`. An instruction skill's
 * prompt still takes `task`. A real SDK client over stdio to the built
 * `factory-mcp`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("skill-prompt-arguments-test", ({ dir }) => {
  mkdirSync(join(dir, "skills", "release-notes"), { recursive: true });
  writeFileSync(
    join(dir, "skills", "release-notes", "SKILL.md"),
    "---\nname: release-notes\ndescription: Write release notes\n---\nList what changed for customers.\n",
  );
});

/** The text of the prompt `name` got with `args`. */
const promptText = async (name: string, args: Record<string, string>) => {
  const [message] = (await server.client.getPrompt({ name, arguments: args })).messages;
  return message?.content.type === "text" ? message.content.text : "";
};

describe("skill prompts", () => {
  it("take a runnable skill's input as arguments, named in the text, and end with the run_skill call", async () => {
    const { prompts } = await server.client.listPrompts();
    const summarize = prompts.find((prompt) => prompt.name === "summarize-line");
    expect(summarize?.arguments?.map((argument) => argument.name)).toEqual(["line"]);

    const text = await promptText("summarize-line", { line: "checkout" });
    expect(text).toContain('run_skill with {"name": "summarize-line", "input": {"line": "<id>"}}');
    expect(
      text.endsWith('\n\nCall run_skill with {"name":"summarize-line","input":{"line":"checkout"}}'),
    ).toBe(true);
    expect(await promptText("summarize-line", {})).not.toContain('"name":"summarize-line"');
  });

  it("take a task for a skill that has only instructions", async () => {
    const { prompts } = await server.client.listPrompts();
    const notes = prompts.find((prompt) => prompt.name === "release-notes");
    expect(notes?.arguments?.map((argument) => argument.name)).toEqual(["task"]);
    expect(await promptText("release-notes", { task: "v2.4" })).toBe(
      "List what changed for customers.\n\nTask: v2.4",
    );
  });
});

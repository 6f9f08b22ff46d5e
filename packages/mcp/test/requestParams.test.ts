/**
 * Params of the requests the MCP SDK answers itself (prompts/get,
 * resources/read, completion/complete, the list methods, tools/call) that are
 * wrong are refused with -32602 naming the param, in the words the tools use,
 * where the SDK answered -32603 with zod's issues as JSON. A real SDK client
 * over stdio to the built `factory-mcp`, on both protocol revisions.
 */
import { type Client, ProtocolError } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectToServer, useSeededFolder } from "./fixtures.js";

const folder = useSeededFolder();

describe.each([
  ["2025-11-25", "legacy" as const],
  ["2026-07-28", { pin: "2026-07-28" } as const],
])("factory-mcp request params (protocol %s)", (_protocol, mode) => {
  let client: Client;

  beforeAll(async () => {
    client = await connectToServer("request-params-test", ["--dir", folder.dir, "--actor", "agent"], {
      client: { versionNegotiation: { mode } },
    });
  });

  afterAll(async () => {
    await client.close();
  });

  /** The error a request with these params (sent as they are) is refused with. */
  async function refusal(
    method: string,
    params: unknown,
  ): Promise<{ code: number; message: string; data: unknown }> {
    const error = await client.request({ method, params } as never).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error, `${method} ${JSON.stringify(params)}`).toBeInstanceOf(ProtocolError);
    const { code, message, data } = error as ProtocolError;
    return { code, message, data };
  }

  it("refuses prompts/get without a name, or with an argument that is not text, naming it", async () => {
    expect(await refusal("prompts/get", {})).toEqual({
      code: -32602,
      message:
        "prompts/get request is invalid: name: required (a string): the prompt's name, as prompts/list gives it",
      data: {
        issues: [
          { path: "name", message: "required (a string): the prompt's name, as prompts/list gives it" },
        ],
      },
    });
    expect(await refusal("prompts/get", { name: "summarize-line", arguments: { task: 5 } })).toMatchObject({
      code: -32602,
      message:
        "prompts/get request is invalid: arguments.task: expected a string (the argument's value), got a number",
    });
  });

  it("refuses prompts/get of a prompt it does not have, or of an argument the prompt does not take", async () => {
    expect(await refusal("prompts/get", { name: "summarise-line" })).toMatchObject({
      code: -32602,
      message:
        'prompts/get request is invalid: name: no prompt "summarise-line" (did you mean "summarize-line"?)',
    });
    expect(
      await refusal("prompts/get", { name: "summarize-line", arguments: { taks: "checkout" } }),
    ).toMatchObject({
      code: -32602,
      message:
        'prompts/get request is invalid: arguments: unknown argument "taks"; summarize-line takes line',
    });
    // A right request is still answered.
    const prompt = await client.getPrompt({ name: "summarize-line", arguments: { line: "checkout" } });
    expect(JSON.stringify(prompt.messages)).toContain('"input\\":{\\"line\\":\\"checkout\\"}');
  });

  it("refuses resources/read of a uri that is missing, not text or not a URI, naming it", async () => {
    expect(await refusal("resources/read", {})).toMatchObject({
      code: -32602,
      message: expect.stringMatching(/^resources\/read request is invalid: uri: required \(a string\): /),
    });
    expect(await refusal("resources/read", { uri: 5 })).toMatchObject({
      code: -32602,
      message: expect.stringMatching(
        /^resources\/read request is invalid: uri: expected a string \(.*\), got a number$/,
      ),
    });
    expect(await refusal("resources/read", { uri: "not a uri" })).toMatchObject({
      code: -32602,
      message:
        'resources/read request is invalid: uri: "not a uri" is not a URI: a resource\'s URI starts with its scheme, such as factory://floorplan',
    });
  });

  it("refuses resources/read of a URI longer than the SDK matches, naming its length, where it answered -32603", async () => {
    const uri = `factory://lines/${"é".repeat(200_000)}`;
    expect(await refusal("resources/read", { uri })).toMatchObject({
      code: -32602,
      message: `resources/read request is invalid: uri: "factory://lines/${"é".repeat(64)}... (200,016 characters)" is 1,200,016 characters as a URI (percent-encoded); a resource's URI is at most 1,000,000`,
    });
  });

  it("refuses resources/read of a URI no resource has, naming the resources there", async () => {
    expect(await refusal("resources/read", { uri: "factory://lines/" })).toEqual({
      code: -32602,
      message:
        "no resource at factory://lines/: the resources there are factory://lines/{id} (resources/templates/list describes the templates)",
      data: { uri: "factory://lines/" },
    });
    const elsewhere = await refusal("resources/read", { uri: "factory://nothing/here" });
    expect(elsewhere.message).toMatch(
      /^no resource at factory:\/\/nothing\/here: this server's resources are factory:\/\/floorplan, factory:\/\/standards, .*skill:\/\/\{name\}\/SKILL\.md/,
    );
  });

  it("refuses completion/complete with params of the wrong shape, naming them", async () => {
    const lines = { type: "ref/resource", uri: "factory://lines/{id}" };
    expect(await refusal("completion/complete", { ref: lines, argument: { name: "id" } })).toMatchObject({
      code: -32602,
      message:
        "completion/complete request is invalid: argument.value: required (a string): what is typed so far",
    });
    expect(
      await refusal("completion/complete", {
        ref: { type: "ref/nope" },
        argument: { name: "id", value: "" },
      }),
    ).toMatchObject({
      code: -32602,
      message:
        'completion/complete request is invalid: ref.type: expected "ref/prompt" or "ref/resource", got "ref/nope"',
    });
    expect(
      await refusal("completion/complete", {
        ref: lines,
        argument: { name: "id", value: "ch" },
        context: { arguments: { line: 7 } },
      }),
    ).toMatchObject({
      code: -32602,
      message:
        "completion/complete request is invalid: context.arguments.line: expected a string (the argument's or variable's value), got a number",
    });
  });

  it("refuses completion/complete of a template, variable or prompt it does not have, naming it", async () => {
    expect(
      await refusal("completion/complete", {
        ref: { type: "ref/resource", uri: "factory://lines/{id}" },
        argument: { name: "line", value: "ch" },
      }),
    ).toMatchObject({
      code: -32602,
      message:
        'completion/complete request is invalid: argument.name: factory://lines/{id} has no variable "line"; it has id',
    });
    const template = await refusal("completion/complete", {
      ref: { type: "ref/resource", uri: "factory://line/{id}" },
      argument: { name: "id", value: "ch" },
    });
    expect(template.message).toMatch(
      /^completion\/complete request is invalid: ref\.uri: no resource template "factory:\/\/line\/\{id\}"; the templates are .*factory:\/\/lines\/\{id\}/,
    );
    expect(
      await refusal("completion/complete", {
        ref: { type: "ref/prompt", name: "summarize-line" },
        argument: { name: "task", value: "" },
      }),
    ).toMatchObject({
      code: -32602,
      message:
        'completion/complete request is invalid: argument.name: unknown argument "task"; summarize-line takes line',
    });
    // A right request is still answered.
    const completed = await client.complete({
      ref: { type: "ref/resource", uri: "factory://lines/{id}" },
      argument: { name: "id", value: "ch" },
    });
    expect(completed.completion.values).toEqual(["checkout"]);
  });

  it("refuses a cursor of the lists it answers in one page, as resources/list refuses one it did not give", async () => {
    for (const method of ["tools/list", "prompts/list", "resources/templates/list"])
      expect(await refusal(method, { cursor: "page-2" })).toEqual({
        code: -32602,
        message: `cursor "page-2" is not one this server gave: ${method} answers in one page, with no nextCursor; omit the cursor`,
        data: { cursor: "page-2" },
      });
    expect((await client.listTools()).tools.length).toBeGreaterThan(20);
  });

  it("refuses a list's cursor and a tool call's name that are not text, naming them", async () => {
    for (const method of ["tools/list", "prompts/list", "resources/list", "resources/templates/list"])
      expect(await refusal(method, { cursor: 2 })).toMatchObject({
        code: -32602,
        message: `${method} request is invalid: cursor: expected a string (the nextCursor of the previous page; omit it for the first page), got a number`,
      });
    expect(await refusal("tools/call", { name: ["who_owns"] })).toMatchObject({
      code: -32602,
      message:
        "tools/call request is invalid: name: expected a string (the tool's name, as tools/list gives it), got an array",
    });
  });
});

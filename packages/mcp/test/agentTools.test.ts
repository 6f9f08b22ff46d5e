import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { defineSkill, type Factory, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type HttpServer, serveHttp } from "../src/index.js";

const token = "agent-tools-token-0123456789";
const png = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);
const notUtf8 = Buffer.from([0xff, 0xfe, 0x41, 0x42, 0xc3]);
let dir: string;
let factory: Factory;
let server: HttpServer;
let client: Client;

type ToolResult = {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content: { type: string; text?: string }[];
};
const call = async (name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as ToolResult;

/** A skill folder in the Agent Skills format, with a text reference, a script, an image and bytes that are not UTF-8. */
function writeSkillFolder(root: string): void {
  const skill = join(root, "skills", "release-notes");
  for (const folder of ["references", "scripts", "assets"])
    mkdirSync(join(skill, folder), { recursive: true });
  writeFileSync(
    join(skill, "SKILL.md"),
    "---\nname: release-notes\ndescription: Write release notes from merged work\n---\n\nRead references/style guide.md first.\n",
  );
  writeFileSync(join(skill, "references", "style guide.md"), "# Style\n\nOne line per change, past tense.\n");
  writeFileSync(join(skill, "scripts", "collect.sh"), '#!/bin/sh\ngit log --oneline "$1"\n');
  writeFileSync(join(skill, "assets", "logo.png"), png);
  writeFileSync(join(skill, "assets", "table.bin"), notUtf8);
  // A folder whose SKILL.md names another skill: it fails to load, and the rest of the factory still opens.
  mkdirSync(join(root, "skills", "mismatch"), { recursive: true });
  writeFileSync(
    join(root, "skills", "mismatch", "SKILL.md"),
    "---\nname: other-name\ndescription: Wrong name.\n---\nBody.\n",
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mcp-agent-tools-"));
  writeSkillFolder(dir);
  factory = await openFactory({
    dir,
    actor: "ana",
    skills: [
      defineSkill({
        name: "shout",
        description: "Upper-cases a text",
        input: z.string().min(1),
        output: z.string(),
        run: async (text) => text.toUpperCase(),
      }),
      defineSkill({
        name: "sum",
        description: "Adds numbers",
        input: z.array(z.number()).min(1),
        output: z.number(),
        run: async (numbers) => numbers.reduce((total, value) => total + value, 0),
      }),
    ],
  });
  await factory.floorplan.applyPlan({
    // cy is told directly (get_inbox's tests): a notification goes to an operator of the floor plan.
    operators: [{ id: "ana" }, { id: "bo" }, { id: "cy" }],
    lines: [{ id: "checkout", owner: "ana", description: "Cart and payment", paths: ["/src/checkout/"] }],
  });
  server = await serveHttp(factory, { port: 0, token });
  client = new Client({ name: "agent-tools-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
}, 60_000);

afterAll(async () => {
  await client.close();
  await server.close();
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("get_inbox", () => {
  it("cuts a long body to 1,000 characters saying how long it was, and answers a short one whole", async () => {
    const signal = `> ${"The card form times out on submit. ".repeat(300)}`;
    // cy has an inbox of their own, which the other tests' counts leave out.
    const long = await factory.inbox.notify({
      to: "cy",
      title: "New high signal for checkout",
      body: signal,
    });
    const short = await factory.inbox.notify({ to: "cy", title: "A link is suspect", body: "Review it." });

    const { items } = (await call("get_inbox", { operator: "cy" })).structuredContent as {
      items: { id: string; body: string }[];
    };

    const body = items.find((item) => item.id === long.id)?.body ?? "";
    expect(body).toHaveLength(1000);
    expect(body.startsWith("> The card form times out on submit.")).toBe(true);
    expect(body).toMatch(/\.\.\. \(cut: the body is 10,502 characters; ref names what it is about\)$/);
    expect(items.find((item) => item.id === short.id)?.body).toBe("Review it.");
  });
});

describe("mark_inbox_read", () => {
  it("marks notifications read so get_inbox with unreadOnly stops returning them; by default it shows both", async () => {
    const first = await factory.inbox.notify({ to: "bo", title: "New signal on checkout", body: "" });
    const second = await factory.inbox.notify({ to: "bo", title: "A link is suspect", body: "" });
    const unread = async () => {
      const items = (await call("get_inbox", { operator: "bo", unreadOnly: true })).structuredContent
        ?.items as { id: string }[] | undefined;
      return (items ?? []).map((item) => item.id);
    };
    expect(await unread()).toEqual([first.id, second.id]);

    const marked = await call("mark_inbox_read", { operator: "bo", ids: [first.id] });
    expect(marked.isError).toBeUndefined();
    expect(marked.structuredContent).toEqual({ marked: [first.id], alreadyRead: [], unread: 1 });
    expect(await unread()).toEqual([second.id]);

    const again = await call("mark_inbox_read", { operator: "bo", ids: [first.id, second.id] });
    expect(again.structuredContent).toEqual({ marked: [second.id], alreadyRead: [first.id], unread: 0 });
    expect(await unread()).toEqual([]);
    const all = await call("get_inbox", { operator: "bo" });
    expect(all.structuredContent?.items).toMatchObject([
      { id: first.id, read: true },
      { id: second.id, read: true },
    ]);
    const newest = await call("get_inbox", { operator: "bo", limit: 1 });
    expect(newest.structuredContent?.items).toMatchObject([{ id: second.id }]);
  });

  it("refuses an unknown operator, and ids not in the operator's inbox by name, marking nothing", async () => {
    const mine = await factory.inbox.notify({ to: "ana", title: "Contract of checkout changed", body: "" });
    const theirs = await factory.inbox.notify({ to: "bo", title: "Someone else's", body: "" });

    const nobody = await call("mark_inbox_read", { operator: "nobody", ids: [mine.id] });
    expect(nobody.isError).toBe(true);
    expect(nobody.content[0]?.text).toBe(
      'E_NOT_FOUND: operator: no operator "nobody" in the floor plan, and no notification was ever sent to them (factory://floorplan lists the operators)',
    );
    const unknownInbox = await call("get_inbox", { operator: "nobody" });
    expect(unknownInbox.isError).toBe(true);
    expect(unknownInbox.content[0]?.text).toBe(nobody.content[0]?.text);

    const wrong = await call("mark_inbox_read", { operator: "ana", ids: [mine.id, "ev_nope", theirs.id] });
    expect(wrong.isError).toBe(true);
    expect(wrong.content[0]?.text).toContain(
      `ids[1] "ev_nope", ids[2] "${theirs.id}" are not notifications in ana's inbox`,
    );
    expect(wrong.content[0]?.text).toContain("nothing was marked");
    expect(await factory.inbox.unreadCount("ana")).toBe(1);

    const empty = await call("mark_inbox_read", { operator: "ana", ids: [] });
    expect(empty.isError).toBe(true);
    expect(empty.content[0]?.text).toContain("ids: must not be empty");
  });
});

describe("skill files as resources", () => {
  const uri = (path: string) => `skill://release-notes/${path}`;

  it("lists the files of a skill loaded from a folder beside its SKILL.md, and list_skills names them", async () => {
    const { resources } = await client.listResources();
    const skillFiles = resources.filter((resource) => resource.uri.startsWith("skill://release-notes/"));
    expect(skillFiles.map((resource) => [resource.uri, resource.mimeType])).toEqual([
      ["skill://release-notes/SKILL.md", "text/markdown"],
      ["skill://release-notes/assets/logo.png", "image/png"],
      ["skill://release-notes/assets/table.bin", undefined],
      ["skill://release-notes/references/style%20guide.md", "text/markdown"],
      ["skill://release-notes/scripts/collect.sh", "text/x-shellscript"],
    ]);
    const answer = (await call("list_skills", {})).structuredContent;
    const listed = answer?.skills as { name: string }[];
    expect(listed.find((skill) => skill.name === "release-notes")).toMatchObject({
      files: ["assets/logo.png", "assets/table.bin", "references/style guide.md", "scripts/collect.sh"],
    });
    expect(listed.map((skill) => skill.name)).not.toContain("mismatch");
    expect(answer?.problems).toEqual([
      { name: "mismatch", message: expect.stringMatching(/mismatch\/SKILL\.md:2:7: name: .*folder/) },
    ]);
  });

  it("serves text files as text and binary ones as base64 blobs, and SKILL.md as before", async () => {
    const read = async (path: string) => (await client.readResource({ uri: uri(path) })).contents[0];
    expect(await read("SKILL.md")).toMatchObject({
      mimeType: "text/markdown",
      text: expect.stringContaining("name: release-notes"),
    });
    expect(await read("references/style%20guide.md")).toEqual({
      uri: uri("references/style%20guide.md"),
      mimeType: "text/markdown",
      text: "# Style\n\nOne line per change, past tense.\n",
    });
    expect(await read("scripts/collect.sh")).toMatchObject({ mimeType: "text/x-shellscript" });
    expect(await read("assets/logo.png")).toEqual({
      uri: uri("assets/logo.png"),
      mimeType: "image/png",
      blob: png.toString("base64"),
    });
    expect(await read("assets/table.bin")).toEqual({
      uri: uri("assets/table.bin"),
      mimeType: "application/octet-stream",
      blob: notUtf8.toString("base64"),
    });
  });

  it("refuses a path the skill does not have, naming the files it has", async () => {
    await expect(client.readResource({ uri: uri("references/missing.md") })).rejects.toThrow(
      /skill "release-notes" has no file "references\/missing\.md"; it has: assets\/logo\.png, assets\/table\.bin, references\/style guide\.md, scripts\/collect\.sh/,
    );
    await expect(client.readResource({ uri: "skill://nope/references/a.md" })).rejects.toThrow(
      /no skill "nope" with files; skills with files: release-notes/,
    );
  });
});

describe("run_skill", () => {
  it("runs skills whose input is a string or an array, and the skill's validation names what is wrong", async () => {
    expect((await call("run_skill", { name: "shout", input: "ship it" })).structuredContent).toMatchObject({
      skill: "shout",
      output: "SHIP IT",
    });
    expect((await call("run_skill", { name: "sum", input: [1, 2, 3.5] })).structuredContent).toMatchObject({
      output: 6.5,
    });
    const wrong = await call("run_skill", { name: "sum", input: [1, "two"] });
    expect(wrong.isError).toBe(true);
    expect(wrong.content[0]?.text).toContain(
      "input of skill sum is invalid: input[1]: must be a number, not a string",
    );
    const object = await call("run_skill", { name: "summarize-line", input: { line: "checkout" } });
    expect(object.isError).toBeUndefined();
  });

  it("refuses keys the skill's input does not take, naming them, and names wrong fields inside input", async () => {
    const unknown = await call("run_skill", {
      name: "summarize-line",
      input: { line: "checkout", lines: ["x"] },
    });
    expect(unknown.isError).toBe(true);
    expect(unknown.content[0]?.text).toMatch(
      /^E_VALIDATION: input of skill summarize-line is invalid: input: unknown field "lines"; it takes line/,
    );
    // Recorded as a refused run, as any other refused input is, so a factory operator sees agents' misses.
    const runs = await factory.log.read({ types: ["skill.ran"], subjects: ["summarize-line"] });
    expect(runs.at(-1)?.data).toMatchObject({
      outcome: "invalid-input",
      error: expect.stringContaining('unknown field "lines"'),
    });
    const wrong = await call("run_skill", { name: "summarize-line", input: { line: 7 } });
    expect(wrong.content[0]?.text).toMatch(
      /^E_VALIDATION: input of skill summarize-line is invalid: input\.line: /,
    );
  });

  it("names the argument inside input that names nothing", async () => {
    const missing = await call("run_skill", { name: "summarize-line", input: { line: "nowhere" } });
    expect(missing.isError).toBe(true);
    expect(missing.content[0]?.text).toMatch(/^E_NOT_FOUND: input\.line: no line "nowhere"/);
  });

  it("refuses an instruction skill, saying how to get its instructions", async () => {
    const instructions = await call("run_skill", { name: "release-notes" });
    expect(instructions.isError).toBe(true);
    expect(instructions.content[0]?.text).toMatch(
      /^E_NOT_FOUND: name: "release-notes" is an instruction skill \(a SKILL\.md without a handler\), so run_skill does not run it: get its instructions as the prompt "release-notes" or read the resource skill:\/\/release-notes\/SKILL\.md, and follow them yourself; runnable skills: .*shout/,
    );
    const prompt = await client.getPrompt({ name: "release-notes" });
    expect(JSON.stringify(prompt.messages)).toContain("Read references/style guide.md first.");
  });
});

describe("get_context", () => {
  it("is a not-found error naming an unknown line or work item", async () => {
    const line = await call("get_context", { line: "nowhere" });
    expect(line.isError).toBe(true);
    expect(line.content[0]?.text).toContain('E_NOT_FOUND: line: no line "nowhere"');
    const item = await call("get_context", { workItem: "wi_nope" });
    expect(item.isError).toBe(true);
    expect(item.content[0]?.text).toContain('E_NOT_FOUND: workItem: no work item "wi_nope"');
  });

  it("names further matching documents in relatedKnowledge, which get_document reads", async () => {
    for (let index = 0; index < 12; index += 1) {
      await factory.knowledge.capture({
        kind: "research",
        title: `Checkout abandonment study ${index}`,
        body: `Customers abandon checkout when the payment form asks for the address twice. ${"Detail. ".repeat(120)}`,
        source: { system: "test" },
        lines: ["checkout"],
      });
    }
    const pack = await call("get_context", {
      question: "why do customers abandon checkout",
      budgetTokens: 1500,
    });
    expect(pack.isError).toBeUndefined();
    const related = pack.structuredContent?.relatedKnowledge as {
      id: string;
      title: string;
      score: number;
    }[];
    expect(related.length).toBeGreaterThan(0);
    expect(related[0]).toEqual({
      id: expect.any(String),
      title: expect.stringContaining("Checkout abandonment study"),
      kind: "research",
      score: expect.any(Number),
    });
    const document = await call("get_document", { id: related[0]?.id });
    expect(document.structuredContent?.title).toBe(related[0]?.title);
  });
});

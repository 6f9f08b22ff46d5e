/**
 * What factory operators encoded, as a resource: `factory://metrics/encoded`
 * answers `factory.encodedUsage` over the last 30 days, and
 * `factory://metrics/encoded{?from,to,operator}` over another window or for
 * one author, its parameters each optional and in any order. A parameter that
 * is wrong is refused with -32602 naming it, and the server goes on serving.
 * Over stdio to the built factory-mcp, on a factory whose log holds runs of a
 * skill bo encoded (the server's process does not register the skill: it
 * credits bo from the runs' records).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, ProtocolError } from "@modelcontextprotocol/client";
import { defineSkill, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { connectToServer } from "./fixtures.js";

const shout = defineSkill({
  name: "shout",
  description: "Upper-cases its text.",
  author: "bo",
  input: z.object({ text: z.string() }),
  output: z.string(),
  run: async ({ text }) => text.toUpperCase(),
});

let dir: string;
let client: Client;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-mcp-encoded-"));
  const factory = await openFactory({ dir, actor: "ana", skills: [shout] });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: [{ id: "checkout", owner: "ana" }],
  });
  await factory.skills.run("shout", { text: "hi" }, { actor: "ana" });
  await factory.skills.run("shout", { text: "ho" }, { actor: "bo" });
  await factory.close();
  client = await connectToServer("encoded-usage-test", ["--dir", dir, "--actor", "agent"]);
});
afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What a read of `uri` answers, parsed. */
async function read(uri: string): Promise<{
  window: { from: string; to: string };
  operator?: string;
  authors: { author: string | null; runs: number; operators: string[]; skills: { skill: string }[] }[];
}> {
  const { contents } = await client.readResource({ uri });
  expect(contents[0]).toMatchObject({ uri, mimeType: "application/json" });
  return JSON.parse((contents[0] as { text: string }).text);
}

/** What a read of `uri` was refused with. */
async function refusal(uri: string): Promise<ProtocolError> {
  const error = await client.readResource({ uri }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProtocolError);
  expect(error).toMatchObject({ code: -32602, data: { uri } });
  return error as ProtocolError;
}

const DAY = 86_400_000;

describe("factory://metrics/encoded", () => {
  it("is listed, and its template with from, to and operator is described", async () => {
    const { resources } = await client.listResources();
    expect(resources.find((resource) => resource.uri === "factory://metrics/encoded")).toMatchObject({
      name: "encoded-usage",
      mimeType: "application/json",
    });
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate)).toContain(
      "factory://metrics/encoded{?from,to,operator}",
    );
  });

  it("answers each author's skills with their runs over the last 30 days", async () => {
    const usage = await read("factory://metrics/encoded");
    const days = (Date.parse(usage.window.to) - Date.parse(usage.window.from)) / DAY;
    expect(days).toBe(30);
    expect(Date.parse(usage.window.to)).toBeGreaterThan(Date.now() - DAY);
    const bo = usage.authors.find((author) => author.author === "bo");
    expect(bo).toMatchObject({ runs: 2, succeeded: 2, operators: ["ana", "bo"], rules: [], automations: [] });
    expect(bo?.skills).toEqual([expect.objectContaining({ skill: "shout", runs: 2 })]);
  });

  it("answers what factory.encodedUsage answers for the window and operator of its query, in any order", async () => {
    const from = new Date(Date.now() - 2 * DAY).toISOString();
    const to = new Date(Date.now() + DAY).toISOString();
    const uri = `factory://metrics/encoded?operator=bo&to=${encodeURIComponent(to)}&from=${encodeURIComponent(from)}`;
    const answered = await read(uri);
    expect(answered.window).toEqual({ from, to });
    expect(answered.operator).toBe("bo");
    expect(answered.authors.map((author) => author.author)).toEqual(["bo"]);

    const factory = await openFactory({ dir, actor: "test" });
    try {
      expect(answered).toEqual(
        JSON.parse(JSON.stringify(await factory.encodedUsage({ from, to, operator: "bo" }))),
      );
    } finally {
      await factory.close();
    }

    const ana = await read("factory://metrics/encoded?operator=ana");
    expect(ana.authors).toEqual([]);
    const before = await read("factory://metrics/encoded?from=2000-01-01&to=2000-02-01");
    expect(before.window).toEqual({ from: "2000-01-01T00:00:00.000Z", to: "2000-02-01T00:00:00.000Z" });
    expect(before.authors.find((author) => author.author === "bo")).toBeUndefined();
    // A span back from now, as get_metrics' since takes it.
    const week = await read("factory://metrics/encoded?from=7d");
    expect((Date.parse(week.window.to) - Date.parse(week.window.from)) / DAY).toBeCloseTo(7, 3);
  });

  it("refuses a parameter that is wrong with -32602 naming it, and goes on serving", async () => {
    const cases: [string, string][] = [
      [
        "factory://metrics/encoded?from=yesterday",
        "factory://metrics/encoded?from=yesterday is invalid: from: expected an ISO date (2026-03-01), an instant (2026-03-01T09:00:00Z) or a span back from now (30d, 12h, 2w)",
      ],
      [
        "factory://metrics/encoded?operater=bo",
        'factory://metrics/encoded?operater=bo is invalid: operater: is no parameter of factory://metrics/encoded (did you mean "operator"?)',
      ],
      [
        "factory://metrics/encoded?line=checkout",
        "factory://metrics/encoded?line=checkout is invalid: line: is no parameter of factory://metrics/encoded (the parameters are from, to, operator)",
      ],
      [
        "factory://metrics/encoded?operator=Ana%20Diaz",
        "factory://metrics/encoded?operator=Ana%20Diaz is invalid: operator: operator id must be 1-64 chars of [a-z0-9._-], starting with a letter or digit",
      ],
      [
        "factory://metrics/encoded?from=2026-02-01&to=2026-01-01",
        'factory://metrics/encoded?from=2026-02-01&to=2026-01-01 is invalid: to: must be after from (got from "2026-02-01", to "2026-01-01")',
      ],
      [
        "factory://metrics/encoded?to=1d&to=2d",
        "factory://metrics/encoded?to=1d&to=2d is invalid: to: given 2 times: give it once",
      ],
      [
        "factory://metrics/encoded?from=7d&%66rom=8d",
        "factory://metrics/encoded?from=7d&%66rom=8d is invalid: from: given 2 times: give it once",
      ],
      [
        "factory://metrics/encoded?operator=%E0%A4%A",
        'factory://metrics/encoded?operator=%E0%A4%A is invalid: operator: "%E0%A4%A" is not valid percent-encoding: each % starts two hex digits, and they spell UTF-8',
      ],
    ];
    for (const [uri, message] of cases) expect((await refusal(uri)).message).toContain(message);
    expect((await read("factory://metrics/encoded")).authors.length).toBeGreaterThan(0);
  });
});

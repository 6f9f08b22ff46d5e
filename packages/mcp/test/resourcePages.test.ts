/**
 * Resources an agent can afford to read: `resources/list` a page at a time
 * with a cursor for the rest, and the floor plan of a large plan page by
 * page. A real SDK client over stdio to the built `factory-mcp`, on a factory
 * of 230 lines.
 */
import { ProtocolError, type Resource } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const LINES = 230;

const server = useSeededServer("resource-pages-test", async ({ factory }) => {
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: Array.from({ length: LINES }, (_, n) => ({
      id: `line-${String(n).padStart(3, "0")}`,
      description: `Line number ${n} of the shop`,
      owner: n % 2 === 0 ? "ana" : "bo",
      paths: [`/src/line-${n}/`],
      ...(n === 0 ? {} : { dependsOn: [`line-${String(n - 1).padStart(3, "0")}`] }),
    })),
  });
});

/** What a read of `uri` answers, as JSON. */
async function readJson(uri: string): Promise<{ text: string; body: Record<string, unknown> }> {
  const { contents } = await server.client.readResource({ uri });
  const text = (contents[0] as { text: string }).text;
  return { text, body: JSON.parse(text) as Record<string, unknown> };
}

describe("factory-mcp resources on a large factory", () => {
  it("lists resources a page at a time with a nextCursor, every resource once across the pages", async () => {
    const { client } = server;
    const first = await client.request({ method: "resources/list", params: {} });
    expect(first.resources).toHaveLength(100);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(JSON.stringify(first).length).toBeLessThan(20_000);

    const listed: Resource[] = [...first.resources];
    let cursor = first.nextCursor;
    while (cursor !== undefined) {
      const page = await client.listResources({ cursor });
      expect(page.resources.length).toBeGreaterThan(0);
      expect(page.resources.length).toBeLessThanOrEqual(100);
      listed.push(...page.resources);
      cursor = page.nextCursor;
    }
    const uris = listed.map((resource) => resource.uri);
    expect(new Set(uris).size).toBe(uris.length);
    expect(uris.slice(0, 2)).toEqual(["factory://floorplan", "factory://standards"]);
    expect(uris).toContain("factory://lines/line-000");
    // Without a cursor the SDK's client walks the pages itself and gets the same list.
    expect((await client.listResources()).resources).toEqual(listed);
  });

  it("refuses a cursor it did not give with -32602, naming the cursor", async () => {
    for (const cursor of ["page-2", "", Buffer.from("r-1").toString("base64url")]) {
      const error = await server.client.listResources({ cursor }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toMatchObject({ code: -32602 });
      expect((error as Error).message).toContain(
        `cursor ${JSON.stringify(cursor)} is not one this server gave`,
      );
    }
  });

  it("refuses a cursor past the last page with -32602, naming the cursor and how many resources there are", async () => {
    const { resources } = await server.client.listResources();
    for (const offset of [resources.length, 9999]) {
      const cursor = Buffer.from(`r${offset}`).toString("base64url");
      const error = await server.client.listResources({ cursor }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toMatchObject({
        code: -32602,
        message: `cursor "${cursor}" is past the last page (${resources.length} resources now): pass the nextCursor of the previous resources/list page, or no cursor for the first page`,
        data: { cursor },
      });
    }
  });

  it("gives the floor plan 100 lines a page, naming the next page, every line once", async () => {
    const first = await readJson("factory://floorplan");
    expect(first.body).toMatchObject({
      count: LINES,
      page: 1,
      pages: 3,
      next: "factory://floorplan/pages/2",
    });
    expect(first.body.lines).toHaveLength(100);
    expect(first.text.length).toBeLessThan(20_000);
    expect((first.body.lines as { id: string; dependsOn: string[] }[])[1]).toMatchObject({
      id: "line-001",
      owner: "bo",
      dependsOn: ["line-000"],
    });

    const ids = (first.body.lines as { id: string }[]).map((line) => line.id);
    let next = first.body.next as string | undefined;
    while (next !== undefined) {
      const page = await readJson(next);
      ids.push(...(page.body.lines as { id: string }[]).map((line) => line.id));
      next = page.body.next as string | undefined;
    }
    expect(ids).toHaveLength(LINES);
    expect(new Set(ids).size).toBe(LINES);
    expect((await readJson("factory://floorplan/pages/1")).text).toBe(first.text);

    for (const [page, message] of [
      ["4", "no floor plan page 4: the floor plan has 230 lines, 3 pages of 100"],
      ["0", 'no floor plan page "0": pages are numbered from 1'],
    ] as const) {
      const error = await server.client.readResource({ uri: `factory://floorplan/pages/${page}` }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect((error as Error).message).toContain(message);
    }
  });
});

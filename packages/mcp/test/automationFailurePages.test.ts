/**
 * The automations' failures a page at a time: `factory://automations/failures`
 * answers the newest 20, with the count of all and the address of the next
 * page; `factory://automations/failures/{automation}` keeps one automation's,
 * and a name the factory has not is refused naming the ones near it. Over
 * stdio to the built factory-mcp, on a factory where two automations of an SDK
 * program failed on each of 15 captured signals (30 failures).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/client";
import { defineAutomation, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tellPager } from "./failingAutomations.js";
import { connectToServer } from "./fixtures.js";

const FAILURES = "factory://automations/failures";
const SIGNALS = 15;

/** Refuses every captured signal at once: the team it files them with does not exist. */
const fileWithTeam = defineAutomation({
  name: "file-with-team",
  description: "Files each captured signal with a team that does not exist.",
  on: ["signal.captured"],
  run: () => {
    throw Object.assign(new Error("no such team"), { code: "E_NO_TEAM", retriable: false });
  },
});

/** A failure as a page lists it, as far as these tests look. */
interface Listed {
  readonly automation: string;
  readonly event: { readonly seq: number };
}

/** A page of failures, as far as these tests look. */
interface Page {
  readonly automations: string[];
  readonly failures: Listed[];
  readonly count: number;
  readonly page?: number;
  readonly pages?: number;
  readonly next?: string;
  readonly more?: string;
}

let dir: string;
let client: Client;
/** The captured signals' positions in the log, oldest first. */
const positions: number[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-mcp-failure-pages-"));
  const factory = await openFactory({ dir, actor: "ana", automations: [tellPager, fileWithTeam] });
  try {
    for (let index = 1; index <= SIGNALS; index++)
      await factory.work.captureSignal({ text: `checkout is slow (${index})`, source: "support" });
    await factory.automations?.idle();
    positions.push(...(await factory.log.read({ types: ["signal.captured"] })).map((event) => event.seq));
  } finally {
    await factory.close();
  }
  client = await connectToServer("automation-failure-pages-test", ["--dir", dir, "--actor", "agent"]);
});
afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What a read of `uri` answers, parsed. */
async function read(uri: string): Promise<Page> {
  const { contents } = await client.readResource({ uri });
  return JSON.parse((contents[0] as { text: string }).text);
}

/** The (position, automation) of each failure, in the page's order. */
const handlings = (page: Page) => page.failures.map((failure) => [failure.event.seq, failure.automation]);

/** Every failure of `automations`, newest first: the later signal first, then by automation, last first. */
const newestFirst = (automations: readonly string[]) =>
  positions.toReversed().flatMap((seq) => automations.map((automation) => [seq, automation]));

describe(`${FAILURES}, a page at a time`, () => {
  it("answers the newest 20, the count of all, and the next page's address until the last", async () => {
    const first = await read(FAILURES);
    expect(first).toMatchObject({
      automations: ["file-with-team", "tell-pager"],
      count: 2 * SIGNALS,
      page: 1,
      pages: 2,
      next: `${FAILURES}/pages/2`,
      more: "10 older failed handlings not shown: next reads the following page",
    });
    const second = await read(first.next as string);
    expect(second).toMatchObject({ count: 2 * SIGNALS, page: 2, pages: 2 });
    expect(second.next).toBeUndefined();
    expect(second.more).toBeUndefined();
    const all = newestFirst(["tell-pager", "file-with-team"]);
    expect(handlings(first)).toEqual(all.slice(0, 20));
    expect(handlings(second)).toEqual(all.slice(20));
  });

  it("keeps one automation's, whose 15 take one page", async () => {
    const pager = await read(`${FAILURES}/tell-pager`);
    expect(pager.count).toBe(SIGNALS);
    expect(handlings(pager)).toEqual(newestFirst(["tell-pager"]));
    expect(pager.page).toBeUndefined();
    expect(pager.next).toBeUndefined();
    expect(handlings(await read(`${FAILURES}/tell-pager/pages/1`))).toEqual(handlings(pager));
    // A built-in automation that never ran on the factory has none.
    expect(await read(`${FAILURES}/route-new-signals`)).toMatchObject({ failures: [], count: 0 });
  });

  it.each([
    [`${FAILURES}/tell-pagr`, 'no automation "tell-pagr" in this factory (did you mean "tell-pager"?)'],
    [`${FAILURES}/pages/3`, `no page 3 of ${FAILURES}: it has 30 failed handlings, 2 pages of 20`],
    [
      `${FAILURES}/tell-pager/pages/2`,
      `no page 2 of ${FAILURES}/tell-pager: it has 15 failed handlings, 1 page of 20`,
    ],
    [
      `${FAILURES}/pages/0`,
      `no page "0" of the failed automation handlings: pages are numbered from 1 (${FAILURES} is page 1 and names the next)`,
    ],
  ])("refuses %s as resource not found, saying why", async (uri, message) => {
    await expect(client.readResource({ uri })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining(message),
      data: { uri },
    });
  });

  it("completes an automation's name and describes its templates", async () => {
    const completion = await client.complete({
      ref: { type: "ref/resource", uri: `${FAILURES}/{automation}` },
      argument: { name: "automation", value: "tell" },
    });
    expect(completion.completion.values).toEqual(["tell-pager"]);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate)).toEqual(
      expect.arrayContaining([
        `${FAILURES}/pages/{page}`,
        `${FAILURES}/{automation}`,
        `${FAILURES}/{automation}/pages/{page}`,
      ]),
    );
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importGitCommits } from "../../src/connectors/git.js";
import type { Factory } from "../../src/index.js";
import { makeRepo, type TestRepo } from "../codebase/makeRepo.js";
import { openTestFactory } from "./testFactory.js";

const ada = { name: "Ada Lovelace", email: "ada@example.com" };
const grace = { name: "Grace Hopper", email: "grace@example.com" };

let factory: Factory;
let remove: () => Promise<void>;
let repo: TestRepo;

beforeEach(async () => {
  ({ factory, remove } = await openTestFactory());
  repo = makeRepo([
    { author: ada, message: "cart: first basket", files: { "packages/cart/src/cart.ts": "export {};\n" } },
  ]);
});
afterEach(async () => {
  repo.remove();
  await remove();
});

describe("importGitCommits", () => {
  it("records each commit as a change set of the line owning most of its paths, idempotently", async () => {
    const billing = repo.commit({
      author: grace,
      date: "2026-11-20T10:00:00Z",
      message: "billing: round to cents",
      files: {
        "billing/round.py": "x = 1\n",
        "billing/tests/test_round.py": "def test_x(): pass\n",
        "packages/cart/src/total.ts": "export {};\n",
      },
    });
    repo.commit({ author: ada, message: "nothing", files: {} });
    const summary = await importGitCommits(factory, { root: repo.root });
    expect(summary).toEqual({ created: 2, updated: 0, unchanged: 0, skipped: 1, truncated: 0, problems: [] });
    const changeSet = factory.work.artifact(`CS-${billing.slice(0, 12)}`);
    expect(changeSet).toMatchObject({
      kind: "changeSet",
      title: "billing: round to cents",
      line: "billing",
      fields: {
        commit: billing,
        paths: ["billing/round.py", "billing/tests/test_round.py", "packages/cart/src/total.ts"],
        author: "Grace Hopper",
        email: "grace@example.com",
        date: "2026-11-20T10:00:00+00:00",
        subject: "billing: round to cents",
      },
    });
    const head = await factory.log.head();
    expect(await importGitCommits(factory, { root: repo.root })).toEqual({
      created: 0,
      updated: 0,
      unchanged: 2,
      skipped: 1,
      truncated: 0,
      problems: [],
    });
    expect(await factory.log.head()).toBe(head);
  });

  it("links commits to work items by trailer, merged branch and unmerged branch, and reports unknown ids", async () => {
    const byTrailer = await factory.work.createWorkItem({ line: "cart", title: "Pay by link" });
    const merged = await factory.work.createWorkItem({ line: "cart", title: "Gift cards" });
    const open = await factory.work.createWorkItem({ line: "billing", title: "Credit notes" });
    const trailer = repo.commit({
      author: ada,
      message: `cart: pay by link\n\nAdds the link.\n\nFactory-Item: ${byTrailer.id}\nCo-authored-by: Grace <grace@example.com>`,
      files: { "packages/cart/src/link.ts": "export {};\n" },
    });
    const unknown = repo.commit({
      author: ada,
      message: "cart: typo\n\nFactory-Item: wi_01JZZZZZZZZZZZZZZZZZZZZZZZ",
      files: { "packages/cart/src/typo.ts": "export {};\n" },
    });
    const branch = `feature/${merged.id.toLowerCase()}-gift-cards`;
    repo.git("checkout", "-q", "-b", branch);
    const gift1 = repo.commit({
      author: grace,
      message: "gift cards",
      files: { "packages/cart/gift.ts": "1\n" },
    });
    const gift2 = repo.commit({
      author: grace,
      message: "gift tests",
      files: { "packages/cart/gift.test.ts": "1\n" },
    });
    repo.git("checkout", "-q", "main");
    const readme = repo.commit({
      author: ada,
      message: "cart: readme",
      files: { "packages/cart/README.md": "# Cart\n" },
    });
    // The branch takes main in before it lands: main's commits stay main's.
    repo.git("checkout", "-q", branch);
    repo.git("-c", "user.name=Grace", "-c", "user.email=grace@example.com", "merge", "-q", "--no-ff", "main");
    repo.git("checkout", "-q", "main");
    repo.git("-c", "user.name=Ada", "-c", "user.email=ada@example.com", "merge", "-q", "--no-ff", branch);
    repo.git("checkout", "-q", "-b", `wip/${open.id}`);
    const credit = repo.commit({
      author: grace,
      message: "credit notes",
      files: { "billing/credit.py": "1\n" },
    });
    repo.git("checkout", "-q", "main");

    const summary = await importGitCommits(factory, { root: repo.root });
    const cs = (hash: string) => factory.work.artifact(`CS-${hash.slice(0, 12)}`);
    expect(cs(trailer)?.workItem).toBe(byTrailer.id);
    expect(cs(gift1)?.workItem).toBe(merged.id);
    expect(cs(gift2)?.workItem).toBe(merged.id);
    expect(cs(credit)).toMatchObject({ workItem: open.id, line: "billing" });
    expect(cs(unknown)?.workItem).toBeUndefined();
    expect(cs(readme)?.workItem).toBeUndefined();
    expect(factory.work.artifactsOf(merged.id).map((artifact) => artifact.id)).toEqual(
      [gift1, gift2].map((hash) => `CS-${hash.slice(0, 12)}`),
    );
    expect(summary.problems).toEqual([
      {
        item: `commit ${unknown.slice(0, 12)}`,
        message: 'work item "wi_01JZZZZZZZZZZZZZZZZZZZZZZZ" named by the commit does not exist',
      },
    ]);
    expect(summary).toMatchObject({ created: 7, skipped: 2 });
  });

  it("links a commit naming several work items to the others, right after its change set, once", async () => {
    const pay = await factory.work.createWorkItem({ line: "cart", title: "Pay by link" });
    const gift = await factory.work.createWorkItem({ line: "cart", title: "Gift cards" });
    const first = repo.git("rev-parse", "HEAD");
    const both = repo.commit({
      author: ada,
      message: `cart: pay for gift cards by link\n\nFactory-Item: ${pay.id}\nFactory-Item: ${gift.id}`,
      files: { "packages/cart/src/giftLink.ts": "export {};\n" },
    });
    const after = repo.commit({
      author: ada,
      message: "cart: tidy",
      files: { "packages/cart/src/tidy.ts": "export {};\n" },
    });
    const head = await factory.log.head();
    expect(await importGitCommits(factory, { root: repo.root })).toMatchObject({ created: 4, problems: [] });
    const id = `CS-${both.slice(0, 12)}`;
    expect(factory.work.artifact(id)?.workItem).toBe(pay.id);
    expect(factory.work.linksOf(id).map(({ from, to, type }) => ({ from, to, type }))).toEqual([
      { from: id, to: gift.id, type: "implements" },
    ]);
    // The log reads as commit by commit, oldest first: each change set, then the links it makes.
    const written = await factory.log.read({ after: head });
    // A link's subject is its own id: it is named by its downstream end here.
    const named = (event: (typeof written)[number]) =>
      event.type === "trace.linked" ? String((event.data as { from?: unknown }).from) : event.subject;
    expect(written.map((event) => `${event.type} ${named(event)}`)).toEqual([
      `artifact.recorded CS-${first.slice(0, 12)}`,
      `artifact.recorded ${id}`,
      `trace.linked ${id}`,
      `artifact.recorded CS-${after.slice(0, 12)}`,
    ]);
    const end = await factory.log.head();
    expect(await importGitCommits(factory, { root: repo.root })).toMatchObject({ created: 0, unchanged: 3 });
    expect(await factory.log.head()).toBe(end);
  });

  it("imports only a range, or commits since a date", async () => {
    const second = repo.commit({ author: grace, message: "two", files: { "billing/a.py": "1\n" } });
    repo.commit({ author: grace, message: "three", files: { "billing/b.py": "1\n" } });
    expect(
      await importGitCommits(factory, { root: repo.root, range: `${second}~1..${second}` }),
    ).toMatchObject({
      created: 1,
    });
    expect(factory.work.artifact(`CS-${second.slice(0, 12)}`)).toBeDefined();
    const dated = makeRepo([
      { author: ada, date: "2026-01-10T09:00:00Z", message: "old", files: { "billing/old.py": "1\n" } },
      { author: ada, date: "2026-07-01T09:00:00Z", message: "new", files: { "billing/new.py": "1\n" } },
    ]);
    try {
      expect(await importGitCommits(factory, { root: dated.root, since: "2026-06-01" })).toMatchObject({
        created: 1,
      });
      expect(factory.work.artifact(`CS-${dated.git("rev-parse", "HEAD").slice(0, 12)}`)?.title).toBe("new");
    } finally {
      dated.remove();
    }
  });

  it("reads paths with tabs, quotes and newlines as they are", async () => {
    const odd = repo.commit({
      author: grace,
      message: "odd names",
      files: { "billing/tab\tname.py": "1\n", 'billing/q"uote.py': "1\n", "billing/new\nline.py": "1\n" },
    });
    await importGitCommits(factory, { root: repo.root });
    const changeSet = factory.work.artifact(`CS-${odd.slice(0, 12)}`);
    expect(changeSet?.line).toBe("billing");
    expect(changeSet?.fields.paths).toEqual([
      "billing/new\nline.py",
      'billing/q"uote.py',
      "billing/tab\tname.py",
    ]);
  });

  it("cuts a long commit subject to a title without splitting a surrogate pair", async () => {
    const subject = `${"s".repeat(499)}\u{1F680} and more`;
    const long = repo.commit({ author: grace, message: subject, files: { "billing/a.py": "1\n" } });

    expect(await importGitCommits(factory, { root: repo.root })).toMatchObject({ created: 2 });
    expect(factory.work.artifact(`CS-${long.slice(0, 12)}`)?.title).toBe("s".repeat(499));
  });

  it("imports nothing from a repository with no commit yet", async () => {
    const empty = makeRepo([]);
    try {
      expect(await importGitCommits(factory, { root: empty.root })).toMatchObject({ created: 0, skipped: 0 });
    } finally {
      empty.remove();
    }
  });

  it("refuses a since it cannot read instead of importing nothing", async () => {
    await expect(importGitCommits(factory, { root: repo.root, since: "garbage" })).rejects.toMatchObject({
      _tag: "ValidationError",
      message: expect.stringMatching(/since: expected an ISO date/),
    });
    expect(await importGitCommits(factory, { root: repo.root, since: "30d" })).toMatchObject({ created: 1 });
  });

  it("rejects a range git cannot read, and options that look like flags", async () => {
    await expect(importGitCommits(factory, { root: repo.root, range: "nope..main" })).rejects.toMatchObject({
      _tag: "ValidationError",
      message: expect.stringMatching(/range: git log failed/),
    });
    await expect(importGitCommits(factory, { root: repo.root, range: "--all" })).rejects.toMatchObject({
      _tag: "ValidationError",
      message: expect.stringMatching(/range: must not start with '-'/),
    });
  });
});

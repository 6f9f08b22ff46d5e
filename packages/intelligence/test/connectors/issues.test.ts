import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INPUT_LIMITS } from "@software-factory/core";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { importIssues, severityOfLabels } from "../../src/connectors/issues.js";
import type { Factory } from "../../src/index.js";
import { openTestFactory } from "./testFactory.js";

// As printed by `gh issue list --state all --json number,title,body,labels,state,url,author,createdAt`.
const GITHUB = `[
  {
    "author": { "id": "MDQ6VXNlcjE=", "is_bot": false, "login": "octocat", "name": "The Octocat" },
    "body": "Checkout fails when the basket holds more than 99 items.\\r\\n\\r\\nSteps: add 100 items, pay.",
    "createdAt": "2026-11-20T09:12:44Z",
    "labels": [
      { "id": "LA_kwDOA", "name": "bug", "description": "Something isn't working", "color": "d73a4a" },
      { "id": "LA_kwDOB", "name": "line:cart", "description": "", "color": "ededed" }
    ],
    "number": 42,
    "state": "OPEN",
    "title": "Checkout fails above 99 items",
    "url": "https://github.com/acme/shop/issues/42"
  },
  {
    "author": { "id": "MDQ6VXNlcjI=", "is_bot": false, "login": "hubot", "name": "" },
    "body": "",
    "createdAt": "2026-11-21T10:00:00Z",
    "labels": [{ "id": "LA_kwDOC", "name": "P0", "description": "", "color": "b60205" }, { "id": "LA_kwDOD", "name": "billing", "description": "", "color": "0e8a16" }],
    "number": 43,
    "state": "OPEN",
    "title": "Invoices show the wrong VAT",
    "url": "https://github.com/acme/shop/issues/43"
  },
  {
    "author": { "id": "MDQ6VXNlcjE=", "is_bot": false, "login": "octocat", "name": "The Octocat" },
    "body": "Done in #12.",
    "createdAt": "2026-10-01T08:00:00Z",
    "labels": [],
    "number": 12,
    "state": "CLOSED",
    "title": "Add a favicon",
    "url": "https://github.com/acme/shop/issues/12"
  },
  {
    "author": null,
    "body": null,
    "createdAt": "2026-11-22T08:00:00Z",
    "labels": [{ "id": "LA_kwDOE", "name": "line:search", "description": "", "color": "ededed" }],
    "number": 44,
    "state": "OPEN",
    "title": "Search is slow",
    "url": "https://github.com/acme/shop/issues/44"
  }
]
`;

// As returned by GET https://gitlab.com/api/v4/projects/:id/issues
const GITLAB = `[
  {
    "id": 151234001,
    "iid": 7,
    "project_id": 4242,
    "title": "Credit notes for refunds",
    "description": "Finance needs a credit note for every refund.",
    "state": "opened",
    "created_at": "2026-11-18T14:03:11.120Z",
    "updated_at": "2026-11-19T08:00:00.000Z",
    "closed_at": null,
    "labels": ["type::feature", "severity::high", "line::billing"],
    "milestone": null,
    "assignees": [],
    "author": { "id": 17, "username": "grace", "name": "Grace Hopper", "state": "active", "web_url": "https://gitlab.com/grace" },
    "web_url": "https://gitlab.com/acme/backoffice/-/issues/7"
  },
  {
    "id": 151234002,
    "iid": 8,
    "project_id": 4242,
    "title": "Rounding error on invoices",
    "description": null,
    "state": "opened",
    "created_at": "2026-11-19T10:00:00.000Z",
    "labels": ["bug"],
    "author": { "id": 18, "username": "ada", "name": "Ada", "state": "active", "web_url": "https://gitlab.com/ada" },
    "web_url": "https://gitlab.com/acme/backoffice/-/issues/8"
  }
]
`;

const folder = mkdtempSync(join(tmpdir(), "factory-issues-"));
const write = (name: string, text: string) => {
  const file = join(folder, name);
  writeFileSync(file, text);
  return file;
};
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let factory: Factory;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ factory, remove } = await openTestFactory());
});
afterEach(() => remove());

/** A GitHub export element of project a/b. */
const githubIssue = (number: number, createdAt: string) => ({
  number,
  title: `Issue ${number}`,
  labels: [],
  state: "OPEN",
  url: `https://github.com/a/b/issues/${number}`,
  createdAt,
});

describe("importIssues", () => {
  it("turns open GitHub issues into signals with severity and line from their labels, once", async () => {
    const file = write("gh.json", GITHUB);
    const summary = await importIssues(factory, { file, format: "github", as: "signals" });
    expect(summary).toEqual({
      created: 3,
      updated: 0,
      unchanged: 0,
      skipped: 1,
      truncated: 0,
      problems: [
        {
          item: "github acme/shop#44",
          message: 'label names line "search", which the floor plan does not have',
        },
      ],
    });
    const signals = factory.work.signals();
    expect(signals.map((signal) => [signal.source, signal.severity, signal.line, signal.customer])).toEqual([
      ["https://github.com/acme/shop/issues/42", "high", "cart", "octocat"],
      ["https://github.com/acme/shop/issues/43", "critical", "billing", "hubot"],
      ["https://github.com/acme/shop/issues/44", "medium", undefined, undefined],
    ]);
    expect(signals[0]?.text).toBe(
      "Checkout fails above 99 items\n\nCheckout fails when the basket holds more than 99 items.\r\n\r\nSteps: add 100 items, pay.",
    );
    expect(factory.work.artifact("ext-github-acme.shop-42")?.fields).toMatchObject({
      labels: ["bug", "line:cart"],
      target: signals[0]?.id,
      targetKind: "signal",
    });
    const head = await factory.log.head();
    const again = await importIssues(factory, { file, format: "github", as: "signals" });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3, skipped: 1 });
    expect(await factory.log.head()).toBe(head);
    expect(factory.work.signals()).toHaveLength(3);
    write(
      "gh.json",
      GITHUB.replace(
        '"state": "OPEN",\n    "title": "Checkout fails',
        '"state": "CLOSED",\n    "title": "Checkout fails',
      ),
    );
    expect(await importIssues(factory, { file, format: "github", as: "signals" })).toMatchObject({
      created: 0,
      updated: 1,
      unchanged: 2,
      skipped: 1,
    });
    expect(factory.work.artifact("ext-github-acme.shop-42")?.fields.state).toBe("closed");
  });

  it("turns GitLab issues into work items of the labelled line, and records an edited issue as updated", async () => {
    const file = write("gitlab.json", GITLAB);
    const summary = await importIssues(factory, { file, format: "gitlab", as: "workItems", line: "cart" });
    expect(summary).toMatchObject({ created: 2, unchanged: 0, problems: [] });
    expect(factory.work.list().map((item) => [item.title, item.line, item.kind, item.owner])).toEqual([
      ["Credit notes for refunds", "billing", "feature", "bo"],
      ["Rounding error on invoices", "cart", "bug", "ana"],
    ]);
    const credit = factory.work.list()[0];
    expect(factory.work.artifactsOf(credit?.id ?? "").map((artifact) => artifact.id)).toEqual([
      "ext-gitlab-acme.backoffice-7",
    ]);
    write("gitlab.json", GITLAB.replace('"bug"', '"bug", "P1"'));
    const edited = await importIssues(factory, { file, format: "gitlab", as: "workItems", line: "cart" });
    expect(edited).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect(factory.work.list()).toHaveLength(2);
    expect(factory.work.artifact("ext-gitlab-acme.backoffice-8")?.fields.labels).toEqual(["bug", "P1"]);
  });

  it("reports issues with no line as problems when making work items, and closed ones only on request", async () => {
    const file = write("gh-items.json", GITHUB);
    const summary = await importIssues(factory, {
      file,
      format: "github",
      as: "workItems",
      includeClosed: true,
    });
    expect(summary.created).toBe(2);
    expect(summary.skipped).toBe(2);
    expect(summary.problems.map((problem) => problem.item)).toEqual([
      "github acme/shop#12",
      "github acme/shop#44",
      "github acme/shop#44",
    ]);
    expect(await importIssues(factory, { file, format: "github", as: "signals" })).toMatchObject({
      problems: [
        { item: "github acme/shop#42", message: expect.stringMatching(/already imported as a workItem/) },
        { item: "github acme/shop#43", message: expect.stringMatching(/already imported as a workItem/) },
        expect.objectContaining({ item: "github acme/shop#44" }),
      ],
    });
  });

  it("validates every issue before writing anything, naming the element, field and line", async () => {
    const bad = write(
      "bad.json",
      `[\n  { "number": 1, "title": "ok", "labels": [], "state": "OPEN", "url": "https://github.com/a/b/issues/1" },\n  { "number": "2", "title": "", "labels": [], "state": "OPEN", "url": "https://github.com/a/b/issues/2" }\n]\n`,
    );
    const head = await factory.log.head();
    await expect(importIssues(factory, { file: bad, format: "github", as: "signals" })).rejects.toMatchObject(
      {
        _tag: "ValidationError",
        message: expect.stringMatching(
          /bad\.json:3 \[1\]\.number: .*bad\.json:3 \[1\]\.title: title must not be empty/,
        ),
      },
    );
    expect(await factory.log.head()).toBe(head);
    await expect(
      importIssues(factory, { file: write("broken.json", "[\n  {,\n]"), format: "gitlab", as: "signals" }),
    ).rejects.toMatchObject({
      _tag: "ValidationError",
      message: expect.stringMatching(/broken\.json:2:\d+/),
    });
    await expect(
      importIssues(factory, { file: bad, format: "github", as: "signals", line: "nowhere" }),
    ).rejects.toMatchObject({ _tag: "ValidationError" });
  });

  it("cuts what a tracker allows longer than the factory does, and counts each cut field", async () => {
    const username = "u".repeat(255);
    const file = write(
      "long.json",
      JSON.stringify([
        {
          iid: 1,
          title: "T".repeat(600),
          description: "d".repeat(20_000),
          state: "opened",
          web_url: "https://gitlab.com/acme/shop/-/issues/1",
          author: { username },
        },
      ]),
    );

    expect(await importIssues(factory, { file, format: "gitlab", as: "signals" })).toMatchObject({
      created: 1,
      truncated: 3,
      problems: [],
    });
    const [signal] = factory.work.signals();
    expect(signal?.text).toHaveLength(INPUT_LIMITS.signalText);
    expect(signal?.customer).toBe(username.slice(0, INPUT_LIMITS.customer));
    const ref = factory.work.artifact("ext-gitlab-acme.shop-1");
    expect(ref?.title).toBe("T".repeat(INPUT_LIMITS.title));
    expect(ref?.fields.author).toBe(username);
    expect(await importIssues(factory, { file, format: "gitlab", as: "signals" })).toMatchObject({
      unchanged: 1,
      truncated: 0,
    });
  });

  it("never cuts a field inside a surrogate pair, which no store could keep", async () => {
    // An emoji is two UTF-16 units; each field's limit falls between them.
    const rocket = "\u{1F680}";
    const file = write(
      "emoji.json",
      JSON.stringify([
        {
          iid: 1,
          title: `${"T".repeat(INPUT_LIMITS.title - 1)}${rocket}`,
          description: `${"d".repeat(INPUT_LIMITS.signalText - INPUT_LIMITS.title - 4)}${rocket}`,
          state: "opened",
          web_url: "https://gitlab.com/acme/shop/-/issues/1",
          author: { username: `${"u".repeat(INPUT_LIMITS.customer - 1)}${rocket}` },
        },
      ]),
    );

    expect(await importIssues(factory, { file, format: "gitlab", as: "signals" })).toMatchObject({
      created: 1,
      truncated: 3,
    });
    const [signal] = factory.work.signals();
    expect(signal?.text).toHaveLength(INPUT_LIMITS.signalText - 1);
    expect(signal?.customer).toBe("u".repeat(INPUT_LIMITS.customer - 1));
    expect(factory.work.artifact("ext-gitlab-acme.shop-1")?.title).toBe("T".repeat(INPUT_LIMITS.title - 1));
  });

  it("refuses an issue a write would refuse, writing none of the issues before it", async () => {
    const project = "group/".repeat(90);
    const file = write(
      "url.json",
      JSON.stringify(
        [1, 2, 3].map((iid) => ({
          iid,
          title: `Issue ${iid}`,
          state: "opened",
          web_url: `https://gitlab.com/${iid === 3 ? project : ""}acme/-/issues/${iid}`,
          author: { username: "ada" },
        })),
        null,
        2,
      ),
    );
    const events = await factory.log.head();

    const error = await importIssues(factory, { file, format: "gitlab", as: "signals" }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toMatchObject({
      _tag: "ValidationError",
      issues: [expect.objectContaining({ path: "[2].web_url", line: 20 })],
    });
    expect((error as Error).message).toContain(
      "url.json:20 [2].web_url: source is at most 500 characters (written as the signal's source)",
    );
    expect(await factory.log.head()).toBe(events);
    expect(factory.work.signals()).toEqual([]);
  });

  it("refuses a createdAt that is not an ISO 8601 instant, naming the element's line", async () => {
    const file = write(
      "dates.json",
      `[\n${[githubIssue(1, "2026-11-20T09:12:44Z"), githubIssue(2, "yesterday")]
        .map((element) => JSON.stringify(element))
        .join(",\n")}\n]\n`,
    );
    const events = await factory.log.head();

    const error = await importIssues(factory, { file, format: "github", as: "signals" }).catch(
      (caught: unknown) => caught,
    );

    expect((error as { issues: unknown[] }).issues).toEqual([
      expect.objectContaining({ path: "[1].createdAt", line: 3, message: expect.stringMatching(/ISO 8601/) }),
    ]);
    expect(await factory.log.head()).toBe(events);
  });

  it("refuses an issue listed twice in one export, naming both elements", async () => {
    const file = write(
      "twice.json",
      `[\n${[
        githubIssue(1, "2026-11-20T09:12:44Z"),
        githubIssue(2, "2026-11-20T10:00:00Z"),
        githubIssue(1, "2026-11-21T09:00:00+02:00"),
      ]
        .map((element) => JSON.stringify(element))
        .join(",\n")}\n]\n`,
    );
    const events = await factory.log.head();

    await expect(importIssues(factory, { file, format: "github", as: "signals" })).rejects.toMatchObject({
      issues: [
        expect.objectContaining({
          path: "[2].number",
          line: 4,
          message: "github a/b#1 is also element [0] on line 2; an export lists each issue once",
        }),
      ],
    });
    expect(await factory.log.head()).toBe(events);
  });

  it("refuses text no store can keep (NUL, a lone surrogate), naming element and field, before writing any issue", async () => {
    const elements = [
      githubIssue(1, "2026-11-20T09:12:44Z"),
      { ...githubIssue(2, "2026-11-20T10:00:00Z"), body: "a\u0000b" },
      { ...githubIssue(3, "2026-11-20T11:00:00Z"), labels: [{ name: "ok" }, { name: "x\uD800" }] },
    ];
    // JSON.stringify writes the NUL and the lone surrogate as \u escapes, as trackers' exports do.
    const file = write(
      "unstorable.json",
      `[\n${elements.map((element) => JSON.stringify(element)).join(",\n")}\n]\n`,
    );
    const events = await factory.log.head();

    const error = await importIssues(factory, { file, format: "github", as: "signals" }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toMatchObject({
      _tag: "ValidationError",
      issues: [
        { path: "[1].body", line: 3, message: expect.stringContaining("NUL character (\\u0000) at index 1") },
        {
          path: "[2].labels[1].name",
          line: 4,
          message: expect.stringContaining("lone UTF-16 surrogate (\\ud800)"),
        },
      ],
    });
    expect(await factory.log.head()).toBe(events);
    // As work items the body is kept only as a hash, so only the label is refused.
    await expect(
      importIssues(factory, { file, format: "github", as: "workItems", line: "cart" }),
    ).rejects.toMatchObject({ issues: [expect.objectContaining({ path: "[2].labels[1].name" })] });
    expect(await factory.log.head()).toBe(events);
  });

  it("names a title no store can keep once, at its field of the export, though each write would refuse it", async () => {
    const file = write(
      "unstorable-title.json",
      JSON.stringify([{ ...githubIssue(1, "2026-11-20T09:12:44Z"), title: "Pay\u0000by link" }]),
    );
    const events = await factory.log.head();
    const once = {
      issues: [
        {
          path: "[0].title",
          message: "contains a NUL character (\\u0000) at index 3, which cannot be stored",
        },
      ],
    };

    await expect(importIssues(factory, { file, format: "github", as: "signals" })).rejects.toMatchObject(
      once,
    );
    await expect(
      importIssues(factory, { file, format: "github", as: "workItems", line: "cart" }),
    ).rejects.toMatchObject(once);
    expect(await factory.log.head()).toBe(events);
  });

  it("reads an export that starts with a UTF-8 byte order mark", async () => {
    const file = write("bom.json", `\uFEFF${GITLAB}`);
    expect(await importIssues(factory, { file, format: "gitlab", as: "signals" })).toMatchObject({
      created: 2,
      problems: [],
    });
  });

  it("refuses an export that is not UTF-8 text at the line and column of its first bad byte", async () => {
    const file = join(folder, "latin1.json");
    writeFileSync(file, Buffer.from(GITLAB.replace("Finance needs", "Finan\u00e7e needs"), "latin1"));

    await expect(importIssues(factory, { file, format: "gitlab", as: "signals" })).rejects.toThrow(
      `GitLab issue export is invalid: ${file}:7:26 (root): is not UTF-8 text (save it as UTF-8)`,
    );
    expect(factory.work.signals()).toEqual([]);
  });

  it("maps labels to a severity, the most severe winning", () => {
    expect(severityOfLabels([])).toBe("medium");
    expect(severityOfLabels(["bug"])).toBe("high");
    expect(severityOfLabels(["severity:low"])).toBe("low");
    expect(severityOfLabels(["P3", "severity::critical"])).toBe("critical");
    expect(severityOfLabels(["priority/p2"])).toBe("medium");
  });
});

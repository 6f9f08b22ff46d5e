/**
 * GitHub issue lists in the shapes GitHub's tools write them: `gh search
 * issues --include-prs --json ...` and the REST API (`gh api repos/<o>/<r>/issues`),
 * both of which list pull requests among the issues.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { type Factory, importIssues } from "../../src/index.js";
import { openTestFactory } from "./testFactory.js";

let factory: Factory;
let remove: () => Promise<void>;
let dir: string;

beforeEach(async () => {
  ({ factory, remove } = await openTestFactory());
  dir = mkdtempSync(join(tmpdir(), "factory-issue-exports-"));
});
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await remove();
});

const label = {
  id: 208045946,
  node_id: "MDU6TGFiZWwyMDgwNDU5NDY=",
  name: "bug",
  color: "f29513",
  default: true,
};

it("reads the REST API's issue list by its page, author and date, and skips its pull requests", async () => {
  const file = join(dir, "issues.json");
  writeFileSync(
    file,
    JSON.stringify([
      {
        url: "https://api.github.com/repos/acme/shop/issues/14",
        html_url: "https://github.com/acme/shop/issues/14",
        number: 14,
        state: "open",
        title: "Checkout fails on Safari",
        body: null,
        user: { login: "octocat", id: 1, type: "User" },
        labels: [label],
        milestone: null,
        created_at: "2026-11-20T09:12:44Z",
      },
      {
        url: "https://api.github.com/repos/acme/shop/issues/15",
        html_url: "https://github.com/acme/shop/pull/15",
        number: 15,
        state: "open",
        title: "Fix Safari checkout",
        body: "Fixes #14",
        user: { login: "octocat", id: 1, type: "User" },
        labels: [],
        pull_request: { url: "https://api.github.com/repos/acme/shop/pulls/15", merged_at: null },
        created_at: "2026-11-21T09:12:44Z",
      },
    ]),
  );
  expect(await importIssues(factory, { file, format: "github", as: "signals" })).toMatchObject({
    created: 1,
    skipped: 1,
    problems: [],
  });
  expect(factory.work.artifact("ext-github-acme.shop-15")).toBeUndefined();
  expect(factory.work.artifact("ext-github-acme.shop-14")?.fields).toMatchObject({
    project: "acme/shop",
    url: "https://github.com/acme/shop/issues/14",
    author: "octocat",
    createdAt: "2026-11-20T09:12:44Z",
  });
});

it("skips the pull requests gh search issues --include-prs lists", async () => {
  const file = join(dir, "search.json");
  const found = (number: number, kind: "issues" | "pull", isPullRequest: boolean) => ({
    author: {
      id: "MDQ6VXNlcjE=",
      is_bot: false,
      login: "octocat",
      type: "User",
      url: "https://github.com/octocat",
    },
    body: "",
    createdAt: "2026-11-20T09:12:44Z",
    isPullRequest,
    labels: [{ id: "LA_kwDOA", name: "bug", description: "Something isn't working", color: "d73a4a" }],
    number,
    repository: { name: "shop", nameWithOwner: "acme/shop" },
    state: "open",
    title: `${kind} ${number}`,
    url: `https://github.com/acme/shop/${kind}/${number}`,
  });
  writeFileSync(file, JSON.stringify([found(1, "issues", false), found(2, "pull", true)]));
  expect(await importIssues(factory, { file, format: "github", as: "signals" })).toMatchObject({
    created: 1,
    skipped: 1,
  });
  expect(factory.work.artifact("ext-github-acme.shop-1")).toBeDefined();
});

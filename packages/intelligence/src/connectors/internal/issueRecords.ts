/**
 * Issue exports read into one shape: GitHub's `gh issue list --json
 * number,title,body,labels,state,url,author,createdAt` and the GitLab API's
 * issues JSON (`iid`, `title`, `description`, `labels`, `state`, `web_url`,
 * `author.username`, `created_at`).
 *
 * @module
 */
import { z } from "zod";

/** An issue from either system. */
export interface ExternalIssue {
  readonly system: "github" | "gitlab";
  /** Project path (`acme/shop`) and number, unique within the system. */
  readonly project: string;
  readonly number: number;
  readonly title: string;
  readonly body: string;
  readonly labels: readonly string[];
  readonly open: boolean;
  readonly url: string;
  readonly author?: string;
  readonly createdAt?: string;
  /** Whether it is a pull request, which GitHub lists among issues in its search and REST API. */
  readonly pullRequest: boolean;
}

const text = z
  .string()
  .nullish()
  .transform((value) => value ?? "");

/** When the issue was opened, as both systems write it (`2026-11-20T09:12:44Z`). */
const instant = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 instant, as 2026-11-20T09:12:44Z" })
  .optional();

const login = z.object({ login: z.string().min(1) }).nullish();

/**
 * One element of `gh issue list --json number,title,body,labels,state,url,author,createdAt`,
 * of `gh search issues --json ...` (which may list pull requests, `isPullRequest`), or of
 * the REST API's issue list (`gh api repos/<owner>/<repo>/issues`: its `url` is the API's,
 * the page is `html_url`, the author `user`, the date `created_at`, and a pull request has `pull_request`).
 */
export const GitHubIssueSchema = z.object({
  number: z.number().int().positive(),
  title: z.string().trim().min(1, "title must not be empty"),
  body: text,
  labels: z.array(z.object({ name: z.string().min(1) })).default([]),
  state: z.string().min(1),
  url: z.url(),
  html_url: z.url().optional(),
  author: login,
  user: login,
  createdAt: instant,
  created_at: instant,
  isPullRequest: z.boolean().optional(),
  pull_request: z.unknown().optional(),
});

/** One element of the GitLab API's `GET /projects/:id/issues` (labels as names or, `with_labels_details`, objects). */
export const GitLabIssueSchema = z.object({
  iid: z.number().int().positive(),
  title: z.string().trim().min(1, "title must not be empty"),
  description: text,
  labels: z.array(z.union([z.string().min(1), z.object({ name: z.string().min(1) })])).default([]),
  state: z.string().min(1),
  web_url: z.url(),
  author: z.object({ username: z.string().min(1) }).nullish(),
  created_at: instant,
});

/** The project path of an issue URL: `https://github.com/acme/shop/issues/3` -> `acme/shop`. */
function projectOf(url: string): string {
  const path = new URL(url).pathname.replace(/^\//, "");
  return path.replace(/\/(?:-\/)?(?:issues|work_items)\/\d+\/?$/, "");
}

/** A GitHub issue in the common shape. */
export function fromGitHub(issue: z.output<typeof GitHubIssueSchema>): ExternalIssue {
  const url = issue.html_url ?? issue.url;
  const author = issue.author?.login ?? issue.user?.login;
  const createdAt = issue.createdAt ?? issue.created_at;
  return {
    system: "github",
    project: projectOf(url),
    number: issue.number,
    title: issue.title,
    body: issue.body,
    labels: issue.labels.map((label) => label.name),
    open: issue.state.toLowerCase() === "open",
    url,
    ...(author === undefined ? {} : { author }),
    ...(createdAt === undefined ? {} : { createdAt }),
    pullRequest:
      issue.isPullRequest === true ||
      (issue.pull_request !== undefined && issue.pull_request !== null) ||
      /\/pull\/\d+\/?$/.test(new URL(url).pathname),
  };
}

/** A GitLab issue in the common shape. */
export function fromGitLab(issue: z.output<typeof GitLabIssueSchema>): ExternalIssue {
  return {
    system: "gitlab",
    project: projectOf(issue.web_url),
    number: issue.iid,
    title: issue.title,
    body: issue.description,
    labels: issue.labels.map((label) => (typeof label === "string" ? label : label.name)),
    open: issue.state.toLowerCase() === "opened" || issue.state.toLowerCase() === "open",
    url: issue.web_url,
    ...(issue.author?.username === undefined ? {} : { author: issue.author.username }),
    ...(issue.created_at === undefined ? {} : { createdAt: issue.created_at }),
    pullRequest: false,
  };
}

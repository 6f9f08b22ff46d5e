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
}

const text = z
  .string()
  .nullish()
  .transform((value) => value ?? "");

/** When the issue was opened, as both systems write it (`2026-11-20T09:12:44Z`). */
const instant = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 instant, as 2026-11-20T09:12:44Z" })
  .optional();

/** One element of `gh issue list --json number,title,body,labels,state,url,author,createdAt`. */
export const GitHubIssueSchema = z.object({
  number: z.number().int().positive(),
  title: z.string().trim().min(1, "title must not be empty"),
  body: text,
  labels: z.array(z.object({ name: z.string().min(1) })).default([]),
  state: z.string().min(1),
  url: z.url(),
  author: z.object({ login: z.string().min(1) }).nullish(),
  createdAt: instant,
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
  return {
    system: "github",
    project: projectOf(issue.url),
    number: issue.number,
    title: issue.title,
    body: issue.body,
    labels: issue.labels.map((label) => label.name),
    open: issue.state.toLowerCase() === "open",
    url: issue.url,
    ...(issue.author?.login === undefined ? {} : { author: issue.author.login }),
    ...(issue.createdAt === undefined ? {} : { createdAt: issue.createdAt }),
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
  };
}

/**
 * The automations' failures, as resources: `factory://automations/failures`
 * answers `readAutomationFailures` (each event whose last handling failed,
 * by any automation that ran on the factory, in this process or another), so
 * an agent can see why a notification was not delivered or a signal not
 * routed. A page at a time, newest first, as the floor plan pages its lines:
 * `factory://automations/failures/pages/{page}` goes further back, and
 * `factory://automations/failures/{automation}` (with its own
 * `/pages/{page}`) keeps one automation's, so a factory with thousands of
 * failed deliveries is not one enormous resource. Read-only: a retry is
 * `factory automations retry` or `factory.automations.retry` in the process
 * that runs the automation. Resources rather than a tool cost nothing in
 * `tools/list`.
 *
 * @module
 */
import {
  type McpServer,
  ResourceNotFoundError,
  ResourceTemplate,
  type Variables,
} from "@modelcontextprotocol/server";
import { automationNames, type Factory, readAutomationFailures } from "@software-factory/intelligence";
import { json, startingWith } from "./resourceContents.js";
import type { ResourceListing } from "./resourcePages.js";
import { nearHint } from "./tools/knownValues.js";
import { decodedVariable } from "./uriVariables.js";

/** The address of the automations' failures. */
const FAILURES = "factory://automations/failures";
/**
 * Failures in a page: some 12,000 characters, a floor plan page's order (a
 * failed webhook delivery, with its error, reads as some 600).
 */
const FAILURES_PAGE = 20;

/** `count` and the noun, plural but for one: `1 failed handling`, `3 failed handlings`. */
function handlings(count: number, what = "failed handling"): string {
  return `${count} ${what}${count === 1 ? "" : "s"}`;
}

/** The address of page `page` (from 1) of `automation`'s failures, or of all when it is undefined. */
function pageAddress(automation: string | undefined, page: number): string {
  const first = automation === undefined ? FAILURES : `${FAILURES}/${encodeURIComponent(automation)}`;
  return page === 1 ? first : `${first}/pages/${page}`;
}

/**
 * The page number a read of a page names.
 *
 * @throws ResourceNotFoundError naming it when it is not a whole number from 1.
 */
function pageOf(uri: URL, variables: Variables, automation: string | undefined): number {
  const page = decodedVariable(uri, variables, "page");
  if (/^[1-9]\d{0,8}$/.test(page)) return Number(page);
  throw new ResourceNotFoundError(
    uri.href,
    `no page "${page}" of the failed automation handlings: pages are numbered from 1 (${pageAddress(automation, 1)} is page 1 and names the next)`,
  );
}

/**
 * Page `page` (from 1) of the failed handlings of `automation` (of every
 * automation when undefined), newest first: every automation the log
 * records, the page's failures, the count of all, and, when they take more
 * than one page, `page`, `pages`, and while older ones follow, `next` (the
 * address of the following page) and `more` (how many).
 *
 * @throws ResourceNotFoundError naming an automation the factory has not (with the names near it), or a page past the last.
 */
async function failuresPage(factory: Factory, uri: URL, automation: string | undefined, page: number) {
  const found = await readAutomationFailures(factory.log, automation, {
    limit: FAILURES_PAGE,
    skip: (page - 1) * FAILURES_PAGE,
  });
  const known = automationNames(found.automations);
  if (automation !== undefined && !known.includes(automation))
    throw new ResourceNotFoundError(
      uri.href,
      `no automation "${automation}" in this factory ${nearHint(automation, known, `the automations are ${known.join(", ")}`)}`,
    );
  const pages = Math.max(1, Math.ceil(found.count / FAILURES_PAGE));
  if (page > pages)
    throw new ResourceNotFoundError(
      uri.href,
      `no page ${page} of ${pageAddress(automation, 1)}: it has ${handlings(found.count)}, ${handlings(pages, "page")} of ${FAILURES_PAGE}`,
    );
  const older = found.count - page * FAILURES_PAGE;
  return {
    automations: found.automations,
    failures: [...found.failures].reverse(),
    count: found.count,
    ...(pages === 1 ? {} : { page, pages }),
    ...(page < pages
      ? {
          next: pageAddress(automation, page + 1),
          more: `${handlings(older, "older failed handling")} not shown: next reads the following page`,
        }
      : {}),
  };
}

/**
 * Registers `factory://automations/failures` and its pages on a server, the
 * failures of one automation and their pages, and lists the first with
 * `listing`.
 */
export function registerAutomationResources(
  server: McpServer,
  factory: Factory,
  listing: ResourceListing,
): void {
  const automationOf = (uri: URL, variables: Variables) => decodedVariable(uri, variables, "automation");
  const complete = {
    automation: async (value: string) =>
      startingWith(
        automationNames((await readAutomationFailures(factory.log, undefined, { limit: 1 })).automations),
        value,
      ),
  };
  listing.fixed(
    FAILURES,
    server.registerResource(
      "automation-failures",
      FAILURES,
      {
        title: "Failed automation handlings",
        description: `Events an automation failed to handle (route-new-signals, owner notifications, webhook delivery...), not yet retried successfully, newest first, ${FAILURES_PAGE} a page (next names the following page): automation, event, error, permanent or not, attempts, when; ${FAILURES}/{automation} keeps one automation's`,
        mimeType: "application/json",
      },
      async (uri) => json(uri, await failuresPage(factory, uri, undefined, 1)),
    ),
  );
  listing.template(
    server.registerResource(
      "automation-failures-page",
      new ResourceTemplate(`${FAILURES}/pages/{page}`, { list: undefined }),
      {
        title: "Failed automation handlings, a page",
        description: `${FAILURES_PAGE} failed handlings of every automation, newest first; ${FAILURES} is page 1`,
        mimeType: "application/json",
      },
      async (uri, variables) =>
        json(uri, await failuresPage(factory, uri, undefined, pageOf(uri, variables, undefined))),
    ),
  );
  listing.template(
    server.registerResource(
      "automation-failures-of",
      new ResourceTemplate(`${FAILURES}/{automation}`, { list: undefined, complete }),
      {
        title: "One automation's failed handlings",
        description: `The events one automation failed to handle, newest first, ${FAILURES_PAGE} a page (next names the following page)`,
        mimeType: "application/json",
      },
      async (uri, variables) => json(uri, await failuresPage(factory, uri, automationOf(uri, variables), 1)),
    ),
  );
  listing.template(
    server.registerResource(
      "automation-failures-of-page",
      new ResourceTemplate(`${FAILURES}/{automation}/pages/{page}`, { list: undefined, complete }),
      {
        title: "One automation's failed handlings, a page",
        description: `${FAILURES_PAGE} failed handlings of one automation, newest first; ${FAILURES}/{automation} is page 1`,
        mimeType: "application/json",
      },
      async (uri, variables) => {
        const automation = automationOf(uri, variables);
        return json(uri, await failuresPage(factory, uri, automation, pageOf(uri, variables, automation)));
      },
    ),
  );
}

/**
 * The resources of the factory's MCP server: the floor plan (100 lines a
 * page), lines (100 of each kind of neighbour), documents
 * (`documentResources.ts`), work items,
 * artifacts and signals (`workResources.ts`), standards, what factory
 * operators encoded (`metricsResources.ts`) and the automations' failures
 * (`automationResources.ts`), with completions for ids.
 * What they list is noted in a `ResourceListing`, which pages `resources/list`.
 *
 * Listed resources are named by their id (`name`, what a program passes
 * back), with the human-readable title in `title` (a line without a name: its
 * id) and, for lines, the description in `description`. Each sets its own
 * `title`: the SDK fills what a listed resource leaves out from its template's
 * metadata, which would title every line "Line". Reading an id the factory does not have is
 * the SDK's {@link ResourceNotFoundError}: JSON-RPC `-32602` with
 * `data: { uri }` (the 2026-07-28 spec's resource-not-found, which the SDK
 * answers on every revision), its message naming the id and where ids are listed.
 * An id whose percent-encoding is malformed is refused the same way, naming it.
 *
 * @module
 */

import { type McpServer, ResourceNotFoundError, ResourceTemplate } from "@modelcontextprotocol/server";
import type { Factory } from "@software-factory/intelligence";
import { registerAutomationResources } from "./automationResources.js";
import { registerDocumentResources } from "./documentResources.js";
import { lineIds } from "./idCompletions.js";
import { registerMetricsResources } from "./metricsResources.js";
import { json, MAX_LISTED } from "./resourceContents.js";
import { ResourceListing } from "./resourcePages.js";
import { nearHint } from "./tools/knownValues.js";
import { decodedVariable } from "./uriVariables.js";
import { registerWorkResources } from "./workResources.js";

/** Lines in a page of the floor plan: some 10,000 characters. */
const FLOORPLAN_PAGE = 100;
/**
 * Lines a line's resource names among those it depends on, and among its
 * dependents: a line 999 lines of a floor plan depend on read as
 * 248,778 characters (25,086 now).
 */
const SHOWN_NEIGHBOURS = 100;

/**
 * Page `page` of the floor plan (from 1): its lines with owner, domain and the
 * lines they depend on, the count of all, and, when the plan takes more than
 * one page, `page`, `pages` and `next` (the uri of the following page).
 */
async function floorplanPage(factory: Factory, uri: URL, page: number) {
  await factory.floorplan.refresh();
  const lines = factory.floorplan.lines();
  const pages = Math.max(1, Math.ceil(lines.length / FLOORPLAN_PAGE));
  if (page > pages)
    throw new ResourceNotFoundError(
      uri.href,
      `no floor plan page ${page}: the floor plan has ${lines.length} line${lines.length === 1 ? "" : "s"}, ${pages} page${pages === 1 ? "" : "s"} of ${FLOORPLAN_PAGE}`,
    );
  return {
    lines: lines.slice((page - 1) * FLOORPLAN_PAGE, page * FLOORPLAN_PAGE).map((line) => ({
      id: line.id,
      name: line.name,
      domain: line.domain,
      owner: line.owner ?? null,
      dependsOn: factory.floorplan
        .dependencies(line.id, { transitive: false })
        .map((reached) => reached.line),
    })),
    count: lines.length,
    ...(pages === 1 ? {} : { page, pages }),
    ...(page < pages ? { next: `factory://floorplan/pages/${page + 1}` } : {}),
  };
}

/**
 * Registers the factory's resources on a server. Its `resources/list` stays
 * the SDK's, one page with every listed resource of the server;
 * `createFactoryMcpServer` pages it instead.
 */
export function registerFactoryResources(server: McpServer, factory: Factory): void {
  registerListedResources(server, factory, new ResourceListing());
}

/** Registers the factory's resources on a server, and what they list with `listing`. */
export function registerListedResources(server: McpServer, factory: Factory, listing: ResourceListing): void {
  listing.fixed(
    "factory://floorplan",
    server.registerResource(
      "floorplan",
      "factory://floorplan",
      {
        title: "Floor plan",
        description: `Lines with owners, domains and the lines they depend on, ${FLOORPLAN_PAGE} a page (next names the following page)`,
        mimeType: "application/json",
      },
      async (uri) => json(uri, await floorplanPage(factory, uri, 1)),
    ),
  );

  listing.template(
    server.registerResource(
      "floorplan-page",
      new ResourceTemplate("factory://floorplan/pages/{page}", { list: undefined }),
      {
        title: "Floor plan page",
        description: `${FLOORPLAN_PAGE} lines of the floor plan; factory://floorplan is page 1`,
        mimeType: "application/json",
      },
      async (uri, variables) => {
        const page = decodedVariable(uri, variables, "page");
        if (!/^[1-9]\d{0,8}$/.test(page))
          throw new ResourceNotFoundError(
            uri.href,
            `no floor plan page "${page}": pages are numbered from 1 (factory://floorplan is page 1 and names the next)`,
          );
        return json(uri, await floorplanPage(factory, uri, Number(page)));
      },
    ),
  );

  listing.template(
    server.registerResource(
      "line",
      new ResourceTemplate("factory://lines/{id}", {
        list: async () => {
          await factory.floorplan.refresh();
          return {
            resources: factory.floorplan
              .lines()
              .slice(0, MAX_LISTED)
              .map((line) => ({
                uri: `factory://lines/${encodeURIComponent(line.id)}`,
                name: line.id,
                title: line.name ?? line.id,
                ...(line.description === undefined ? {} : { description: line.description }),
                mimeType: "application/json",
              })),
          };
        },
        complete: { id: (value) => lineIds(factory, value) },
      }),
      { title: "Line", description: "One line of the floor plan", mimeType: "application/json" },
      async (uri, variables) => {
        await factory.floorplan.refresh();
        const id = decodedVariable(uri, variables, "id");
        const line = factory.floorplan.line(id);
        if (line === undefined)
          throw new ResourceNotFoundError(
            uri.href,
            `no line "${id}" in the floor plan ${nearHint(
              id,
              factory.floorplan.lines().map((known) => known.id),
              "factory://floorplan lists the lines",
            )}`,
          );
        const dependsOn = factory.floorplan.dependencies(id, { transitive: false });
        const dependents = factory.floorplan.dependents(id, { transitive: false });
        const cut = dependsOn.length > SHOWN_NEIGHBOURS || dependents.length > SHOWN_NEIGHBOURS;
        return json(uri, {
          ...line,
          dependsOn: dependsOn.slice(0, SHOWN_NEIGHBOURS),
          dependsOnCount: dependsOn.length,
          dependents: dependents.slice(0, SHOWN_NEIGHBOURS),
          dependentCount: dependents.length,
          ...(cut
            ? {
                more: `${SHOWN_NEIGHBOURS} of each shown: factory://floorplan and its pages name every line with the lines it depends on`,
              }
            : {}),
        });
      },
    ),
  );

  registerDocumentResources(server, factory, listing);
  registerWorkResources(server, factory, listing);

  listing.fixed(
    "factory://standards",
    server.registerResource(
      "standards",
      "factory://standards",
      {
        title: "Standards",
        description: "The rules every line is checked against",
        mimeType: "application/json",
      },
      async (uri) =>
        json(uri, {
          rules: factory.standards.rules().map((rule) => ({
            id: rule.id,
            description: rule.description,
            severity: rule.severity,
            appliesTo: rule.appliesTo,
          })),
        }),
    ),
  );

  registerMetricsResources(server, factory, listing);
  registerAutomationResources(server, factory, listing);
}

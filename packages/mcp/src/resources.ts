/**
 * The resources of the factory's MCP server: the floor plan, lines, documents,
 * work items and standards, with completions for ids.
 *
 * @module
 */

import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/server";
import type { Factory } from "@software-factory/intelligence";

const MAX_LISTED = 200;
const MAX_COMPLETIONS = 50;

function json(uri: URL, value: unknown) {
  return {
    contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(value, null, 2) }],
  };
}

function variable(variables: Record<string, string | string[]>, name: string): string {
  const value = variables[name];
  return decodeURIComponent(Array.isArray(value) ? (value[0] ?? "") : (value ?? ""));
}

function startingWith(values: Iterable<string>, prefix: string): string[] {
  const found: string[] = [];
  for (const value of values) {
    if (value.startsWith(prefix)) found.push(value);
    if (found.length >= MAX_COMPLETIONS) break;
  }
  return found;
}

/** Registers the factory's resources on a server. */
export function registerFactoryResources(server: McpServer, factory: Factory): void {
  server.registerResource(
    "floorplan",
    "factory://floorplan",
    {
      title: "Floor plan",
      description: "Lines with owners, domains and dependency counts",
      mimeType: "application/json",
    },
    async (uri) => {
      await factory.floorplan.refresh();
      const lines = factory.floorplan.lines();
      return json(uri, {
        lines: lines.map((line) => ({
          id: line.id,
          name: line.name,
          domain: line.domain,
          owner: line.owner ?? null,
          dependsOn: factory.floorplan
            .dependencies(line.id, { transitive: false })
            .map((reached) => reached.line),
        })),
        count: lines.length,
      });
    },
  );

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
              name: line.name ?? line.id,
            })),
        };
      },
      complete: {
        id: (value) =>
          startingWith(
            factory.floorplan.lines().map((line) => line.id),
            value,
          ),
      },
    }),
    { title: "Line", description: "One line of the floor plan", mimeType: "application/json" },
    async (uri, variables) => {
      await factory.floorplan.refresh();
      const id = variable(variables, "id");
      const line = factory.floorplan.line(id);
      if (line === undefined) throw new Error(`no line "${id}"`);
      return json(uri, {
        ...line,
        dependsOn: factory.floorplan.dependencies(id, { transitive: false }),
        dependents: factory.floorplan.dependents(id, { transitive: false }),
      });
    },
  );

  server.registerResource(
    "document",
    new ResourceTemplate("factory://documents/{id}", {
      list: async () => ({
        resources: (await factory.knowledge.list({ limit: MAX_LISTED })).map((document) => ({
          uri: `factory://documents/${document.id}`,
          name: document.title,
          mimeType: "text/markdown",
        })),
      }),
      complete: {
        id: async (value) =>
          startingWith(
            (await factory.knowledge.list({ limit: 1000 })).map((document) => document.id),
            value,
          ),
      },
    }),
    {
      title: "Knowledge document",
      description: "A document as markdown, with its provenance",
      mimeType: "text/markdown",
    },
    async (uri, variables) => {
      const id = variable(variables, "id");
      const document = await factory.knowledge.get(id);
      if (document === undefined) throw new Error(`no document "${id}"`);
      const provenance = [
        `kind: ${document.kind}`,
        `source: ${document.source.system}${document.source.uri === undefined ? "" : ` ${document.source.uri}`}`,
        ...(document.source.author === undefined ? [] : [`author: ${document.source.author}`]),
        `lines: ${document.lines.join(", ") || "none"}`,
        `revision: ${document.revisions.length}`,
        ...(document.supersededBy === undefined ? [] : [`superseded by: ${document.supersededBy.id}`]),
      ].join("\n");
      return {
        contents: [
          {
            uri: uri.href,
            mimeType: "text/markdown",
            text: `# ${document.title}\n\n${provenance}\n\n${document.body}`,
          },
        ],
      };
    },
  );

  server.registerResource(
    "work-item",
    new ResourceTemplate("factory://work/{id}", {
      list: async () => {
        await factory.work.refresh();
        return {
          resources: factory.work
            .list({ state: "active" })
            .slice(0, MAX_LISTED)
            .map((item) => ({ uri: `factory://work/${item.id}`, name: item.title })),
        };
      },
      complete: {
        id: (value) =>
          startingWith(
            factory.work.list().map((item) => item.id),
            value,
          ),
      },
    }),
    { title: "Work item", description: "A work item with its trace", mimeType: "application/json" },
    async (uri, variables) => {
      await factory.work.refresh();
      const id = variable(variables, "id");
      const item = factory.work.get(id);
      if (item === undefined) throw new Error(`no work item "${id}"`);
      return json(uri, { item, trace: factory.work.trace(id) });
    },
  );

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
  );
}

/**
 * The assembly line's resources: `factory://work/{id}`, a work item with its
 * trace as `shownTrace` cuts it (artifact fields and signal texts at 500
 * characters, the first signals and their count) and the documents linked
 * to it (see `linkedKnowledge`); `factory://artifacts/{id}`,
 * one artifact's latest version with its fields whole; and
 * `factory://signals/{id}`, one signal with its text whole.
 *
 * @module
 */
import { type McpServer, ResourceNotFoundError, ResourceTemplate } from "@modelcontextprotocol/server";
import type { Factory } from "@software-factory/intelligence";
import { artifactIds, signalIds, workItemIds } from "./idCompletions.js";
import { linkedKnowledge } from "./linkedKnowledge.js";
import { json, MAX_LISTED } from "./resourceContents.js";
import type { ResourceListing } from "./resourcePages.js";
import { shownTrace } from "./shownTrace.js";
import { decodedVariable } from "./uriVariables.js";

/** Registers the work item, artifact and signal resources on a server, and what they list with `listing`. */
export function registerWorkResources(server: McpServer, factory: Factory, listing: ResourceListing): void {
  listing.template(
    server.registerResource(
      "work-item",
      new ResourceTemplate("factory://work/{id}", {
        list: async () => {
          await factory.work.refresh();
          return {
            resources: factory.work
              .list({ state: "active" })
              .slice(0, MAX_LISTED)
              .map((item) => ({
                uri: `factory://work/${item.id}`,
                name: item.id,
                title: item.title,
                mimeType: "application/json",
              })),
          };
        },
        complete: { id: (value) => workItemIds(factory, value) },
      }),
      // Each listed work item repeats this description: a cut field says itself where it reads whole.
      { title: "Work item", description: "A work item with its trace", mimeType: "application/json" },
      async (uri, variables) => {
        await factory.work.refresh();
        const id = decodedVariable(uri, variables, "id");
        const item = factory.work.get(id);
        if (item === undefined)
          throw new ResourceNotFoundError(uri.href, `no work item "${id}" (list_work lists the work items)`);
        return json(uri, {
          workItem: item,
          trace: shownTrace(factory.work.trace(id)),
          ...(await linkedKnowledge(factory, id)),
        });
      },
    ),
  );

  listing.template(
    server.registerResource(
      "artifact",
      // Not listed: a factory records thousands; factory://work/{id} names a work item's.
      new ResourceTemplate("factory://artifacts/{id}", {
        list: undefined,
        complete: { id: (value) => artifactIds(factory, value) },
      }),
      {
        title: "Artifact",
        description: "An artifact's latest version with its fields whole",
        mimeType: "application/json",
      },
      async (uri, variables) => {
        await factory.work.refresh();
        const id = decodedVariable(uri, variables, "id");
        const artifact = factory.work.artifact(id);
        if (artifact === undefined)
          throw new ResourceNotFoundError(
            uri.href,
            `no artifact "${id}" (factory://work/{id} names a work item's artifacts)`,
          );
        return json(uri, { artifact });
      },
    ),
  );

  listing.template(
    server.registerResource(
      "signal",
      // Not listed: a factory captures thousands; factory://work/{id} names a work item's.
      new ResourceTemplate("factory://signals/{id}", {
        list: undefined,
        complete: { id: (value) => signalIds(factory, value) },
      }),
      { title: "Signal", description: "A signal with its text whole", mimeType: "application/json" },
      async (uri, variables) => {
        await factory.work.refresh();
        const id = decodedVariable(uri, variables, "id");
        const signal = factory.work.signal(id);
        if (signal === undefined)
          throw new ResourceNotFoundError(
            uri.href,
            `no signal "${id}" (factory://work/{id} names a work item's signals)`,
          );
        return json(uri, { signal });
      },
    ),
  );
}

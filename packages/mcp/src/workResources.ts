/**
 * The assembly line's resources: `factory://work/{id}`, a work item with its
 * trace, each artifact's fields cut to {@link FIELD_CHARACTERS}; and
 * `factory://artifacts/{id}`, one artifact's latest version with its fields
 * whole.
 *
 * @module
 */
import { type McpServer, ResourceNotFoundError, ResourceTemplate } from "@modelcontextprotocol/server";
import { type Artifact, cutText } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import { json, MAX_LISTED, startingWith } from "./resourceContents.js";
import type { ResourceListing } from "./resourcePages.js";
import { decodedVariable } from "./uriVariables.js";

/**
 * Characters of an artifact's field (its text, or the JSON of another value)
 * `factory://work/{id}` shows: a work item whose design had a 192,000-character
 * body read as 197,447 characters.
 */
const FIELD_CHARACTERS = 500;

/** The uri that reads the artifact `id` with its fields whole. */
const artifactUri = (id: string) => `factory://artifacts/${encodeURIComponent(id)}`;

/**
 * A field of the artifact `id` as `factory://work/{id}` shows it: whole when
 * its text (or JSON) is at most {@link FIELD_CHARACTERS}, else its first
 * characters, saying how long it is and where it reads whole.
 */
function shownField(id: string, value: unknown): unknown {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "");
  if (text.length <= FIELD_CHARACTERS) return value;
  const what = typeof value === "string" ? "" : " as JSON";
  const note = `... (cut: the field is ${text.length.toLocaleString("en-US")} characters${what}; ${artifactUri(id)} reads it whole)`;
  return `${cutText(text, FIELD_CHARACTERS)}${note}`;
}

/** `artifact` with each field shown as {@link shownField} shows it. */
const shownArtifact = (artifact: Artifact): Artifact => ({
  ...artifact,
  fields: Object.fromEntries(
    Object.entries(artifact.fields).map(([name, value]) => [name, shownField(artifact.id, value)]),
  ),
});

/** Registers the work item and artifact resources on a server, and what they list with `listing`. */
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
        complete: {
          id: (value) =>
            startingWith(
              factory.work.list().map((item) => item.id),
              value,
            ),
        },
      }),
      // Each listed work item repeats this description: a cut field says itself where it reads whole.
      { title: "Work item", description: "A work item with its trace", mimeType: "application/json" },
      async (uri, variables) => {
        await factory.work.refresh();
        const id = decodedVariable(uri, variables, "id");
        const item = factory.work.get(id);
        if (item === undefined)
          throw new ResourceNotFoundError(uri.href, `no work item "${id}" (list_work lists the work items)`);
        // The trace's item is the work item again.
        const { item: _again, artifacts, ...trace } = factory.work.trace(id);
        return json(uri, { workItem: item, trace: { ...trace, artifacts: artifacts.map(shownArtifact) } });
      },
    ),
  );

  listing.template(
    server.registerResource(
      "artifact",
      // Not listed: a factory records thousands; factory://work/{id} names a work item's.
      new ResourceTemplate("factory://artifacts/{id}", {
        list: undefined,
        complete: {
          id: (value) =>
            startingWith(
              factory.work.artifacts().map((artifact) => artifact.id),
              value,
            ),
        },
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
}

/**
 * `resources/list` a page at a time. The SDK's `McpServer` answers every
 * listed resource in one page and ignores the request's cursor; a factory
 * lists hundreds (lines, documents, work items, skill files), so the server
 * answers {@link RESOURCE_PAGE_SIZE} at a time with a `nextCursor` for the
 * rest, as MCP's pagination has it.
 *
 * @module
 */
import {
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
  type RegisteredResource,
  type RegisteredResourceTemplate,
  type Resource,
  type ServerContext,
} from "@modelcontextprotocol/server";

/**
 * Resources in one page of `resources/list`: some 16,000 characters, and with
 * the SDK client's default of 64 pages an aggregating `listResources()` reads
 * up to 6,400.
 */
export const RESOURCE_PAGE_SIZE = 100;

/** What a cursor of this server holds: where the next page starts. */
const CURSOR = /^r(0|[1-9]\d{0,8})$/;

/** The cursor of the page that starts at `offset`. */
function cursorAt(offset: number): string {
  return Buffer.from(`r${offset}`).toString("base64url");
}

/** Where the page of `cursor` starts, or a `-32602` error naming the cursor when this server gave no such cursor. */
function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const offset = CURSOR.exec(Buffer.from(cursor, "base64url").toString("utf8"))?.[1];
  if (offset === undefined || cursorAt(Number(offset)) !== cursor)
    throw new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      `cursor ${JSON.stringify(cursor)} is not one this server gave: pass the nextCursor of the previous resources/list page, or no cursor for the first page`,
      { cursor },
    );
  return Number(offset);
}

/** The `-32602` refusal of a cursor at or past the end of the `count` resources listed now. */
function pastTheLastPage(cursor: string, count: number): ProtocolError {
  return new ProtocolError(
    ProtocolErrorCode.InvalidParams,
    `cursor ${JSON.stringify(cursor)} is past the last page (${count} resource${count === 1 ? "" : "s"} now): pass the nextCursor of the previous resources/list page, or no cursor for the first page`,
    { cursor },
  );
}

/**
 * The resources a server lists, in the SDK's order (the fixed resources,
 * then what each template lists, each in the order registered), each
 * answered as the SDK's own `resources/list` answers it (a fixed resource's
 * metadata; a template's metadata under what its `list` gives).
 */
export class ResourceListing {
  readonly #fixed: ((ctx: ServerContext) => Promise<Resource[]>)[] = [];
  readonly #templates: ((ctx: ServerContext) => Promise<Resource[]>)[] = [];
  readonly #fixedUris: string[] = [];
  readonly #registeredTemplates: RegisteredResourceTemplate[] = [];

  /** The URIs of the fixed resources, in the order registered. */
  get uris(): readonly string[] {
    return this.#fixedUris;
  }

  /** The registered templates, in the order registered. */
  get templates(): readonly RegisteredResourceTemplate[] {
    return this.#registeredTemplates;
  }

  /** Lists a resource registered at a fixed `uri` while it is enabled. */
  fixed(uri: string, registered: RegisteredResource): void {
    this.#fixedUris.push(uri);
    this.#fixed.push(async () =>
      registered.enabled ? [{ uri, name: registered.name, ...registered.metadata }] : [],
    );
  }

  /** Lists what a registered template's `list` gives (nothing for a template without `list`). */
  template(registered: RegisteredResourceTemplate): void {
    this.#registeredTemplates.push(registered);
    this.#templates.push(async (ctx) => {
      const list = registered.resourceTemplate.listCallback;
      if (list === undefined) return [];
      return (await list(ctx)).resources.map((resource) => ({ ...registered.metadata, ...resource }));
    });
  }

  /**
   * Answers `resources/list` on `server` a page at a time (replacing the SDK's
   * handler): {@link RESOURCE_PAGE_SIZE} resources, and `nextCursor` while more
   * follow. A cursor this server did not give is refused with `-32602`
   * (invalid params) naming it, and so is one at or past the end (the list
   * shrank since a page gave it, and the pages from it would skip resources),
   * as the tools refuse such a cursor.
   */
  page(server: McpServer): void {
    server.server.removeRequestHandler("resources/list");
    server.server.setRequestHandler("resources/list", async (request, ctx) => {
      const offset = offsetOf(request.params?.cursor);
      const all: Resource[] = [];
      for (const source of [...this.#fixed, ...this.#templates]) all.push(...(await source(ctx)));
      if (offset > 0 && offset >= all.length) throw pastTheLastPage(request.params?.cursor ?? "", all.length);
      const end = offset + RESOURCE_PAGE_SIZE;
      return {
        resources: all.slice(offset, end),
        ...(end < all.length ? { nextCursor: cursorAt(end) } : {}),
      };
    });
  }
}

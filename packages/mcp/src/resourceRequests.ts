/**
 * Checks of what `resources/read` and `completion/complete` name against the
 * resources a server registered: a URI that is no URI, longer than any, or that no resource or
 * template of the server matches, and a template or variable to complete that
 * the server does not have, are refused naming the part and what there is,
 * where the SDK says `Resource not found: <uri>` or answers an empty
 * completion.
 *
 * @module
 */
import { ResourceNotFoundError } from "@modelcontextprotocol/server";
import { shortened } from "./internal/shortened.js";
import { invalidParams, type RequestParams } from "./requestParams.js";
import type { ResourceListing } from "./resourcePages.js";

/**
 * Characters of a URI that a template is matched against at most: the MCP
 * SDK's `UriTemplate.match` throws past them, which it answers as `-32603`.
 */
const URI_MAX = 1_000_000;

/** What precedes the first variable of a template (all of a fixed URI). */
function literalPrefix(template: string): string {
  const brace = template.indexOf("{");
  return brace === -1 ? template : template.slice(0, brace);
}

/**
 * The refusal of `uri` (its text as sent, `href` as parsed), which no
 * resource of `listing` matches: the resources whose fixed start it shares,
 * or else all of them.
 */
function noResourceAt(uri: string, href: string, listing: ResourceListing): ResourceNotFoundError {
  const all = [
    ...listing.uris,
    ...listing.templates.map((each) => each.resourceTemplate.uriTemplate.toString()),
  ];
  const near = all.filter((each) => {
    const prefix = literalPrefix(each);
    return href.startsWith(prefix) || prefix.startsWith(href);
  });
  const there =
    near.length > 0
      ? `the resources there are ${near.join(", ")}`
      : `this server's resources are ${all.join(", ")}`;
  return new ResourceNotFoundError(
    shortened(uri),
    `no resource at ${shortened(uri)}: ${there} (resources/templates/list describes the templates)`,
  );
}

/**
 * Adds to `params` the checks of what `resources/read` and
 * `completion/complete` name, against the resources and templates noted in
 * `listing` (call it once they are all registered; they are read at each
 * request).
 */
export function checkResourceRequests(params: RequestParams, listing: ResourceListing): void {
  params.check("resources/read", ({ uri }) => {
    let href: string;
    try {
      href = new URL(uri).href;
    } catch {
      throw invalidParams("resources/read", [
        {
          path: "uri",
          message: `"${shortened(uri)}" is not a URI: a resource's URI starts with its scheme, such as factory://floorplan`,
        },
      ]);
    }
    if (href.length > URI_MAX)
      throw invalidParams("resources/read", [
        {
          path: "uri",
          message: `"${shortened(uri)}" is ${href.length.toLocaleString("en-US")} characters as a URI (percent-encoded); a resource's URI is at most ${URI_MAX.toLocaleString("en-US")}`,
        },
      ]);
    if (listing.uris.includes(href)) return;
    if (listing.templates.some((each) => each.resourceTemplate.uriTemplate.match(href) !== null)) return;
    throw noResourceAt(uri, href, listing);
  });
  params.check("completion/complete", ({ ref, argument }) => {
    if (ref.type !== "ref/resource" || listing.uris.includes(ref.uri)) return;
    const templates = listing.templates.map((each) => each.resourceTemplate.uriTemplate);
    const template = templates.find((each) => each.toString() === ref.uri);
    if (template === undefined)
      throw invalidParams("completion/complete", [
        {
          path: "ref.uri",
          message: `no resource template "${shortened(ref.uri)}"; the templates are ${templates.join(", ")}`,
        },
      ]);
    const variables = template.variableNames;
    if (!variables.includes(argument.name))
      throw invalidParams("completion/complete", [
        {
          path: "argument.name",
          message: `${ref.uri} has no variable "${shortened(argument.name)}"; it has ${variables.join(", ")}`,
        },
      ]);
  });
}

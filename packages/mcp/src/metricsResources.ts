/**
 * What factory operators encoded, as a resource: `factory://metrics/encoded`
 * answers `factory.encodedUsage` (each author's skills, rules and
 * automations, with their use) over the last 30 days, and
 * `factory://metrics/encoded{?from,to,operator}` over another window or for
 * one author. A resource rather than a field of `get_metrics`: declaring it
 * in that tool's output schema would add some 1,800 characters to every
 * `tools/list`, which a resource does not.
 *
 * The query's parameters are each optional and come in any order (the SDK's
 * own template matching wants every one, in the template's order); a
 * parameter that is unknown, given twice, badly percent-encoded or of the
 * wrong form is refused with `-32602`, naming it; so is an operator the
 * factory does not know, as `get_metrics` refuses one.
 *
 * @module
 */
import {
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
  ResourceTemplate,
  UriTemplate,
  type Variables,
} from "@modelcontextprotocol/server";
import {
  formatIssues,
  instantOf,
  NotFoundError,
  type ValidationIssue,
  validationErrorFromZod,
} from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import { z } from "zod";
import { shortened } from "./internal/shortened.js";
import { json } from "./resourceContents.js";
import type { ResourceListing } from "./resourcePages.js";
import { nearHint, operatorIds } from "./tools/knownValues.js";
import { ID_MAX, Operator, PointInTime } from "./tools/shared.js";

/** The address of the encoded use over the last 30 days, and the start of its template's. */
const ENCODED = "factory://metrics/encoded";
/** The default window, as `get_metrics` has it: the 30 days up to now. */
const WINDOW_MS = 30 * 86_400_000;

/**
 * `factory://metrics/encoded{?from,to,operator}`, matching its query's
 * parameters in any order and each optional, and any other parameter too
 * (for the read to refuse by name, where no match would say only that no
 * resource is there). A parameter given twice matches as a list.
 */
class EncodedQueryTemplate extends UriTemplate {
  constructor() {
    super(`${ENCODED}{?from,to,operator}`);
  }

  override match(uri: string): Variables | null {
    if (uri === ENCODED) return {};
    if (!uri.startsWith(`${ENCODED}?`) || uri.includes("#")) return null;
    const found = new Map<string, string[]>();
    for (const pair of uri.slice(ENCODED.length + 1).split("&")) {
      if (pair === "") continue;
      const equals = pair.indexOf("=");
      const key = equals === -1 ? pair : pair.slice(0, equals);
      found.set(key, [...(found.get(key) ?? []), equals === -1 ? "" : pair.slice(equals + 1)]);
    }
    return Object.fromEntries(
      [...found].map(([key, values]) => [key, values.length === 1 ? (values[0] as string) : values]),
    );
  }
}

/** The query a read of the template takes, as `get_metrics` takes its window (`since`, `until`) and operator. */
const EncodedQuery = z.object({
  from: PointInTime.optional(),
  to: PointInTime.optional(),
  operator: Operator.optional(),
});

/** The `-32602` refusal of a read of `uri`, naming each parameter that is wrong. */
function refusal(uri: URL, issues: readonly ValidationIssue[]): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, formatIssues(shortened(uri.href), issues), {
    uri: shortened(uri.href),
    issues,
  });
}

/** The parameters of the query. */
const PARAMETERS = Object.keys(EncodedQuery.shape);

/**
 * The query's parameters, percent-decoded.
 *
 * @throws ProtocolError naming each one that is unknown (with the known ones close to it), given twice, badly encoded or too long.
 */
function decodedQuery(uri: URL, variables: Variables): Record<string, string> {
  const issues: ValidationIssue[] = [];
  const decoded: [string, string][] = [];
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return undefined;
    }
  };
  for (const [rawKey, raw] of Object.entries(variables)) {
    const key = decode(rawKey) ?? rawKey;
    if (decoded.some(([given]) => given === key)) {
      issues.push({ path: shortened(key), message: "given 2 times: give it once" });
      continue;
    }
    if (!PARAMETERS.includes(key)) {
      const where = `the parameters are ${PARAMETERS.join(", ")}`;
      issues.push({
        path: shortened(key),
        message: `is no parameter of ${ENCODED} ${nearHint(key, PARAMETERS, where)}`,
      });
      continue;
    }
    if (Array.isArray(raw)) {
      issues.push({ path: shortened(key), message: `given ${raw.length} times: give it once` });
      continue;
    }
    const value = decode(raw);
    if (value === undefined)
      issues.push({
        path: shortened(key),
        message: `"${shortened(raw)}" is not valid percent-encoding: each % starts two hex digits, and they spell UTF-8`,
      });
    else if (value.length > ID_MAX)
      issues.push({ path: shortened(key), message: `is ${value.length} characters, at most ${ID_MAX}` });
    else decoded.push([key, value]);
  }
  if (issues.length > 0) throw refusal(uri, issues);
  return Object.fromEntries(decoded);
}

/**
 * What a read of `uri` answers: `factory.encodedUsage` over the window its
 * query names (default the 30 days up to now, the end exclusive and a
 * millisecond after now, as `get_metrics`), for its operator when it names one.
 *
 * @throws ProtocolError (`-32602`) naming each parameter that is wrong, `to` when the window is empty, or `operator` when the factory does not know them.
 */
async function encodedUsage(factory: Factory, uri: URL, variables: Variables) {
  const parsed = EncodedQuery.safeParse(decodedQuery(uri, variables));
  if (!parsed.success) {
    throw refusal(uri, validationErrorFromZod(parsed.error.issues, { subject: ENCODED }).issues);
  }
  const { from, to, operator } = parsed.data;
  const now = factory.log.clock.now().getTime();
  const end = to === undefined ? new Date(now + 1) : (instantOf(to, now) as Date);
  const start = from === undefined ? new Date(end.getTime() - WINDOW_MS) : (instantOf(from, now) as Date);
  if (start.getTime() >= end.getTime())
    throw refusal(uri, [
      to === undefined
        ? { path: "from", message: `must be before now, the end of the window without to (got "${from}")` }
        : {
            path: "to",
            message: `must be after from (got from "${from ?? start.toISOString()}", to "${to}")`,
          },
    ]);
  const usage = await factory.encodedUsage({
    from: start,
    to: end,
    ...(operator === undefined ? {} : { operator }),
  });
  if (operator !== undefined && usage.authors.length === 0) await requireOperator(factory, uri, operator);
  return usage;
}

/**
 * Refuses an `operator` the factory does not know, as `get_metrics` refuses
 * one: neither in the floor plan nor the owner of a work item (nor, as the
 * caller checked, the author of anything used in the window).
 *
 * @throws ProtocolError (`-32602`) naming `operator` and the operators close to it.
 */
async function requireOperator(factory: Factory, uri: URL, operator: string): Promise<void> {
  await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
  try {
    // The SDK refuses an owner neither in the floor plan nor with work.
    factory.work.list({ owner: operator });
    return;
  } catch (error) {
    if (!(error instanceof NotFoundError) || error.field !== "owner" || error.id !== operator) throw error;
  }
  const near = nearHint(operator, operatorIds(factory), "factory://floorplan lists the operators");
  throw refusal(uri, [
    {
      path: "operator",
      message: `no operator "${operator}" in the floor plan, no work item is theirs and nothing they encoded is used in the window ${near}`,
    },
  ]);
}

/** Registers `factory://metrics/encoded` and its template on a server, and what they list with `listing`. */
export function registerMetricsResources(
  server: McpServer,
  factory: Factory,
  listing: ResourceListing,
): void {
  const read = async (uri: URL, variables: Variables) =>
    json(uri, await encodedUsage(factory, uri, variables));
  listing.fixed(
    ENCODED,
    server.registerResource(
      "encoded-usage",
      ENCODED,
      {
        title: "What factory operators encoded",
        description: `Each author's skills, rules and automations with their use over the last 30 days; ${ENCODED}{?from,to,operator} for another window or one author`,
        mimeType: "application/json",
      },
      async (uri) => read(uri, {}),
    ),
  );
  listing.template(
    server.registerResource(
      "encoded-usage-window",
      new ResourceTemplate(new EncodedQueryTemplate(), { list: undefined }),
      {
        title: "What factory operators encoded, in a window",
        description:
          "from and to (an ISO date or instant, or a span back from now: 30d, 12h, 2w; default the last 30 days) and operator (only what they encoded), each optional, in any order",
        mimeType: "application/json",
      },
      read,
    ),
  );
}

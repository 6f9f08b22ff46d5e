/**
 * The params of the requests the MCP SDK answers itself (`prompts/get`,
 * `resources/read`, `completion/complete`, the list methods, `tools/call`),
 * checked before the SDK's own check of them. The SDK (2.4) answers params
 * that do not have the shape MCP gives them with `-32603` (internal error)
 * and zod's issues as JSON (typescript-sdk#2284; `tools/call` with `-32602`
 * and the same dump), as if the server had failed; this server answers
 * `-32602` (invalid params) naming each wrong param in the words its tools use
 * (`prompts/get request is invalid: arguments.task: expected a string, got a
 * number`). The parts of the server that know what a param may name (the
 * prompts, the resources) add their checks of it with
 * {@link RequestParams.check}.
 *
 * @module
 */
import {
  isJSONRPCRequest,
  type JSONRPCErrorResponse,
  type JSONRPCRequest,
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
  type Result,
  type ServerContext,
} from "@modelcontextprotocol/server";
import {
  formatIssues,
  prototypeKeyIssues,
  type ValidationIssue,
  validationErrorFromZod,
} from "@software-factory/core";
import { z } from "zod";
import { shortened } from "./internal/shortened.js";

/** What a value is, as a refusal names it: `a number`, `an array`, `null`. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;
}

/** The error of a param that is missing (`required (a string): what`) or not of its `kind`. */
function expected(kind: string, what: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined
      ? `required (${kind}): ${what}`
      : `expected ${kind} (${what}), got ${kindOf(issue.input)}`;
}

const text = (what: string) => z.string({ error: expected("a string", what) });
const textsByName = (what: string, value: string) =>
  z.record(z.string(), text(value), { error: expected("an object of strings by name", what) });
const object = <Shape extends z.core.$ZodLooseShape>(shape: Shape, what: string) =>
  z.looseObject(shape, { error: expected("an object", what) });

/** The error of a completion's `ref` that is not a prompt's or a resource template's. */
function refType(issue: { input?: unknown }): string {
  const { input } = issue;
  if (input === null || typeof input !== "object" || Array.isArray(input))
    return expected("an object", "what to complete: a prompt or a resource template")(issue);
  const type = (input as { type?: unknown }).type;
  const got = typeof type === "string" ? JSON.stringify(shortened(type)) : kindOf(type);
  return `expected "ref/prompt" or "ref/resource", got ${type === undefined ? "none" : got}`;
}

/** `_meta` of any request, as far as MCP defines it for every revision. */
const meta = object(
  {
    progressToken: z
      .union([z.string(), z.number().int()], {
        error: expected("a string or an integer", "the progress token"),
      })
      .optional(),
  },
  "the request's metadata",
).optional();

/** The params of any request, as far as MCP defines them for every method. */
const anyParams = object({ _meta: meta }, "the request's params");

const paginated = object(
  { _meta: meta, cursor: text("the nextCursor of the previous page; omit it for the first page").optional() },
  "the request's params",
).optional();

/** The params of each checked method, as MCP gives them (unknown keys pass, as they do in the SDK). */
const PARAMS = {
  "tools/list": paginated,
  "prompts/list": paginated,
  "resources/list": paginated,
  "resources/templates/list": paginated,
  "tools/call": object(
    {
      _meta: meta,
      name: text("the tool's name, as tools/list gives it"),
      arguments: z
        .record(z.string(), z.unknown(), { error: expected("an object", "the tool's arguments by name") })
        .optional(),
    },
    "the request's params",
  ),
  "prompts/get": object(
    {
      _meta: meta,
      name: text("the prompt's name, as prompts/list gives it"),
      arguments: textsByName("the prompt's arguments by name", "the argument's value").optional(),
    },
    "the request's params",
  ),
  "resources/read": object(
    { _meta: meta, uri: text("the resource's URI, as resources/list or resources/templates/list gives it") },
    "the request's params",
  ),
  "completion/complete": object(
    {
      _meta: meta,
      ref: z.discriminatedUnion(
        "type",
        [
          object({ type: z.literal("ref/prompt"), name: text("the prompt's name") }, "what to complete"),
          object(
            {
              type: z.literal("ref/resource"),
              uri: text("the resource template, as resources/templates/list gives it"),
            },
            "what to complete",
          ),
        ],
        { error: refType },
      ),
      argument: object(
        { name: text("the argument's or variable's name"), value: text("what is typed so far") },
        "the argument to complete",
      ),
      context: object(
        {
          arguments: textsByName(
            "the values of the other arguments or variables by name",
            "the argument's or variable's value",
          ).optional(),
        },
        "the values given so far",
      ).optional(),
    },
    "the request's params",
  ),
} as const;

/** A method whose params this server checks. */
export type CheckedMethod = keyof typeof PARAMS;

/** The params of `method` once they have the shape MCP gives them. */
export type ParamsOf<Method extends CheckedMethod> = NonNullable<z.output<(typeof PARAMS)[Method]>>;

/**
 * The `-32602` (invalid params) error of a request whose params have `issues`,
 * worded as a tool's `E_VALIDATION` (`prompts/get request is invalid: name:
 * ...`), with the issues as `data.issues`.
 */
export function invalidParams(method: string, issues: readonly ValidationIssue[]): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, formatIssues(`${method} request`, issues), {
    issues,
  });
}

/**
 * The `-32602` answer to a request that the MCP SDK's message schema refuses
 * for its params alone: params that are a list, a `_meta` that is not an
 * object, a `_meta.progressToken` that is not a string or an integer
 * (`tools/call request is invalid: _meta.progressToken: expected a string or
 * an integer (the progress token), got an object`), worded and carrying
 * `data.issues` as {@link invalidParams}. The SDK refuses such a request
 * before any server sees it, which its transports answer with `-32600`
 * (invalid request); the stdio line reader and the HTTP server answer with
 * this instead. Undefined for anything else: what is not a request with an
 * id and a method, params that are not structured as JSON-RPC asks (a number,
 * `null`), or params MCP allows.
 */
export function paramsRefusal(value: unknown): JSONRPCErrorResponse | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const { params, ...request } = value as Record<string, unknown>;
  if (typeof params !== "object" || params === null || !isJSONRPCRequest(request)) return undefined;
  const parsed = anyParams.safeParse(params);
  if (parsed.success) return undefined;
  const { method, id } = request;
  const { issues } = validationErrorFromZod(parsed.error.issues, { subject: method });
  const { code, message, data } = invalidParams(method, issues);
  return { jsonrpc: "2.0", id, error: { code, message, data } };
}

/** A request handler as the SDK's `Server` stores it. */
type RequestHandler = (request: JSONRPCRequest, ctx: ServerContext) => Promise<Result>;

/**
 * The hook of the SDK's `Server` that wraps each request handler as it is
 * set, for subclasses (protected in its typings); `McpServer` makes its
 * `Server` itself, so the hook is taken on the instance.
 */
interface HandlerHook {
  _wrapHandler: (method: string, handler: RequestHandler) => RequestHandler;
}

/**
 * Checks the params of the {@link CheckedMethod}s of one server before the
 * SDK's handlers see them: their shape first, then the checks added with
 * {@link RequestParams.check}.
 */
export class RequestParams {
  readonly #checks = new Map<string, ((params: never) => void)[]>();

  /**
   * Checks the params of every handler set on `server` from now on; make it
   * before registering anything (handlers set earlier stay unchecked). With an
   * SDK whose `Server` has no such hook, it checks nothing and the SDK answers
   * as it does: the server still starts (the package takes any 2.x SDK), and
   * this package's tests of the answers fail.
   */
  constructor(server: McpServer) {
    const hook = server.server as unknown as Partial<HandlerHook>;
    if (hook._wrapHandler === undefined) return;
    const wrap = hook._wrapHandler.bind(server.server);
    hook._wrapHandler = (method, handler) => {
      const wrapped = wrap(method, handler);
      if (!(method in PARAMS)) return wrapped;
      return async (request, ctx) => {
        this.#refuseInvalid(method as CheckedMethod, request.params);
        return wrapped(request, ctx);
      };
    };
  }

  /**
   * Adds a check of `method`'s params, run once they have MCP's shape: it
   * throws the error to answer (such as {@link invalidParams}) when they name
   * what the server does not have.
   */
  check<Method extends CheckedMethod>(method: Method, check: (params: ParamsOf<Method>) => void): void {
    const checks = this.#checks.get(method) ?? [];
    checks.push(check as (params: never) => void);
    this.#checks.set(method, checks);
  }

  #refuseInvalid(method: CheckedMethod, params: unknown): void {
    // Before any parse, which drops a `__proto__` key (JSON reads it as a member) without a word.
    const protoKeys = prototypeKeyIssues(
      (params as { arguments?: unknown } | undefined)?.arguments,
      "arguments",
    );
    if (protoKeys.length > 0) throw invalidParams(method, protoKeys);
    const parsed = PARAMS[method].safeParse(params);
    if (!parsed.success)
      throw invalidParams(method, validationErrorFromZod(parsed.error.issues, { subject: method }).issues);
    for (const check of this.#checks.get(method) ?? [])
      (check as (params: unknown) => void)(parsed.data ?? {});
  }
}

/** The list methods the SDK answers in one page, without a `nextCursor`. */
const SINGLE_PAGE_LISTS = ["tools/list", "prompts/list", "resources/templates/list"] as const;

/**
 * Refuses a cursor in the list methods the SDK answers in one page (it gives
 * no `nextCursor`, so no cursor is one this server gave), with `-32602`
 * naming it as `resources/list` refuses a cursor it did not give, where the
 * SDK ignored it and answered the whole list again.
 */
export function refuseSinglePageCursors(params: RequestParams): void {
  for (const method of SINGLE_PAGE_LISTS)
    params.check(method, ({ cursor }) => {
      if (cursor === undefined) return;
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `cursor ${JSON.stringify(shortened(cursor))} is not one this server gave: ${method} answers in one page, with no nextCursor; omit the cursor`,
        { cursor: shortened(cursor) },
      );
    });
}

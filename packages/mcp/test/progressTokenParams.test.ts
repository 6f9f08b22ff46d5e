/**
 * A request whose `_meta` (or its `progressToken`) MCP does not allow is
 * refused with -32602 (invalid params) naming it, as the server refuses other
 * wrong params, on stdio and HTTP alike and on both protocol revisions: the
 * MCP SDK's message schema refuses such a request before any server sees it,
 * which both transports answered with -32600 (invalid request). A real SDK
 * client over stdio to the built `factory-mcp`, and over Streamable HTTP.
 */
import { Client, ProtocolError, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpServer, serveHttp } from "../src/index.js";
import { connectToServer, useSeededFolder } from "./fixtures.js";

const folder = useSeededFolder();
const token = "progress-token-test-0123456789";
let http: HttpServer;
let closeFactory: () => Promise<void>;

beforeAll(async () => {
  const factory = await openFactory({ dir: folder.dir, actor: "agent" });
  closeFactory = () => factory.close();
  http = await serveHttp(factory, { port: 0, token });
});

afterAll(async () => {
  await http?.close();
  await closeFactory?.();
});

type Mode = "legacy" | { pin: string };

/** A client speaking `mode`, connected over `transport` to a server of the seeded folder. */
async function connect(transport: "stdio" | "HTTP", mode: Mode): Promise<Client> {
  if (transport === "stdio")
    return connectToServer("progress-token-test", ["--dir", folder.dir, "--actor", "agent"], {
      client: { versionNegotiation: { mode } },
    });
  const client = new Client(
    { name: "progress-token-test", version: "1.0.0" },
    { versionNegotiation: { mode } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(http.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

/** The error `client` gets for a request with these params, sent as they are. */
async function refusal(client: Client, method: string, params: unknown) {
  const error = await client.request({ method, params } as never).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error, `${method} ${JSON.stringify(params)}`).toBeInstanceOf(ProtocolError);
  const { code, message, data } = error as ProtocolError;
  return { code, message, data };
}

describe.each([
  ["stdio", "2025-11-25", "legacy"],
  ["stdio", "2026-07-28", { pin: "2026-07-28" }],
  ["HTTP", "2025-11-25", "legacy"],
  ["HTTP", "2026-07-28", { pin: "2026-07-28" }],
] as const)("a bad _meta over %s (protocol %s)", (transport, _protocol, mode) => {
  let client: Client;

  beforeAll(async () => {
    client = await connect(transport, mode);
  });

  afterAll(async () => {
    await client?.close();
  });

  it("refuses a progressToken that is not a string or an integer with -32602 naming _meta.progressToken", async () => {
    const problem = "expected a string or an integer (the progress token), got an object";
    expect(
      await refusal(client, "tools/call", {
        name: "list_knowledge",
        arguments: {},
        _meta: { progressToken: { step: 1 } },
      }),
    ).toEqual({
      code: -32602,
      message: `tools/call request is invalid: _meta.progressToken: ${problem}`,
      data: { issues: [{ path: "_meta.progressToken", message: problem }] },
    });
    expect(await refusal(client, "tools/list", { _meta: { progressToken: 1.5 } })).toMatchObject({
      code: -32602,
      message:
        "tools/list request is invalid: _meta.progressToken: expected a string or an integer (the progress token), got a number",
    });
  });

  it("still answers a call with a string or an integer progress token", async () => {
    for (const progressToken of ["call-1", 7]) {
      const result = await client.request({
        method: "tools/call",
        params: { name: "list_knowledge", arguments: {}, _meta: { progressToken } },
      } as never);
      expect((result as { isError?: boolean }).isError, String(progressToken)).toBeFalsy();
    }
  });
});

// A 2026-07-28 client writes its own _meta (the envelope) in place of one that is not an object.
describe.each(["stdio", "HTTP"] as const)(
  "a _meta that is no object over %s (protocol 2025-11-25)",
  (transport) => {
    it("is refused with -32602 naming _meta", async () => {
      const client = await connect(transport, "legacy");
      try {
        expect(await refusal(client, "tools/list", { _meta: "soon" })).toMatchObject({
          code: -32602,
          message:
            "tools/list request is invalid: _meta: expected an object (the request's metadata), got a string",
        });
      } finally {
        await client.close();
      }
    });
  },
);

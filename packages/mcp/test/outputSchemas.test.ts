import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import {
  Client,
  type JsonSchemaType,
  StreamableHTTPClientTransport,
  type Tool,
} from "@modelcontextprotocol/client";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/client/validators/ajv";
import type { Factory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRepo } from "../../intelligence/test/codebase/makeRepo.js";
import { type HttpServer, serveHttp } from "../src/index.js";
import { seededFactory } from "./fixtures.js";

const token = "output-schemas-token-0123456789";
let dir: string;
let factory: Factory;
let server: HttpServer;
let client: Client;
let tools: Tool[];
/** The tools whose answers validated against their declared output schema, in the tests of this file. */
const validated = new Set<string>();

type ToolResult = {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content: { text?: string }[];
};

/** Calls a tool and returns its structured answer, failing with the error text when it refused. */
async function answer(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = (await client.callTool({ name, arguments: args })) as ToolResult;
  expect(result.isError, `${name}: ${result.content[0]?.text}`).toBeUndefined();
  return result.structuredContent ?? {};
}

/** The tool of that name, as tools/list describes it. */
function listed(name: string): Tool {
  const tool = tools.find((candidate) => candidate.name === name);
  if (tool === undefined) throw new Error(`tools/list has no ${name}`);
  return tool;
}

/** What the declared JSON Schema of the tool's output says about `value`: undefined when it validates. */
function outputProblem(name: string, value: unknown): string | undefined {
  const schema = listed(name).outputSchema;
  if (schema === undefined) return `${name} declares no output schema`;
  const result = new AjvJsonSchemaValidator().getValidator(schema as JsonSchemaType)(value);
  if (result.valid) validated.add(name);
  return result.valid ? undefined : result.errorMessage;
}

/** A JSON Schema as tools/list sends it, read loosely. */
type JsonSchema = {
  type?: unknown;
  description?: unknown;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

/** `schema` and every schema nested in it, each with its path (`tool.field[].field`). */
function schemasOf(schema: JsonSchema, path: string): { path: string; schema: JsonSchema }[] {
  const nested = [
    ...Object.entries(schema.properties ?? {}).map(([key, value]) => [`${path}.${key}`, value] as const),
    ...(schema.items === undefined ? [] : [[`${path}[]`, schema.items] as const]),
    ...(typeof schema.additionalProperties === "object"
      ? [[`${path}{}`, schema.additionalProperties] as const]
      : []),
    ...[...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])].map(
      (variant) => [path, variant] as const,
    ),
  ];
  return [{ path, schema }, ...nested.flatMap(([at, value]) => schemasOf(value, at))];
}

/** Every property declared in `schema`, at every depth, with its path. */
function propertiesOf(schema: JsonSchema, path: string): { path: string; schema: JsonSchema }[] {
  return schemasOf(schema, path).flatMap(({ path: at, schema: nested }) =>
    Object.entries(nested.properties ?? {}).map(([key, value]) => ({ path: `${at}.${key}`, schema: value })),
  );
}

/** Whether a schema says only "an object": no properties, and no schema for the values of a record. */
function isAnyObject(schema: JsonSchema): boolean {
  const values = schema.additionalProperties;
  const typedValues = typeof values === "object" && Object.keys(values).length > 0;
  return schema.type === "object" && Object.keys(schema.properties ?? {}).length === 0 && !typedValues;
}

beforeAll(async () => {
  ({ dir, factory } = await seededFactory());
  server = await serveHttp(
    factory,
    { port: 0, token },
    // The temp folder holds the repositories import_codebase reads.
    { groups: ["knowledge", "floorplan", "work", "standards", "skills", "import"], importRoot: tmpdir() },
  );
  client = new Client({ name: "output-schemas-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  tools = (await client.listTools()).tools;
}, 60_000);

afterAll(async () => {
  await client?.close();
  await server?.close();
  await factory?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("tool schemas in tools/list", () => {
  it("lists every group's tools, import included", () => {
    expect(tools.map((tool) => tool.name)).toContain("import_codebase");
    expect(tools.length).toBeGreaterThanOrEqual(25);
  });

  it("gives every tool an output schema that names the properties of its answer", () => {
    const empty = tools
      .filter((tool) => Object.keys(tool.outputSchema?.properties ?? {}).length === 0)
      .map((tool) => tool.name);
    expect(empty).toEqual([]);
  });

  it("describes every input property of every tool, at every depth", () => {
    const undescribed = tools.flatMap((tool) =>
      propertiesOf(tool.inputSchema as JsonSchema, tool.name).flatMap(({ path, schema }) => {
        const description = schema.description;
        return typeof description === "string" && description.length > 0 ? [] : [path];
      }),
    );
    expect(undescribed).toEqual([]);
  });

  it("types every object of every answer by its properties, list items included (none is any object)", () => {
    const anyObject = tools.flatMap((tool) =>
      schemasOf((tool.outputSchema ?? {}) as JsonSchema, tool.name).flatMap(({ path, schema }) =>
        isAnyObject(schema) ? [path] : [],
      ),
    );
    expect(anyObject).toEqual([]);
  });
});

describe("answers on the seeded factory validate against the declared output schemas", () => {
  it("answers of the work tools: capture_signal, create_work_item, advance_work_item, link_artifacts, get_metrics", async () => {
    const signal = await answer("capture_signal", {
      text: "Card payment fails on retry",
      source: "support",
      customer: "acme",
      line: "checkout",
    });
    const item = await answer("create_work_item", {
      line: "checkout",
      title: "Retry card payments",
      signals: [signal.id],
    });
    const other = await answer("create_work_item", { line: "payments", title: "Refund API", flow: "tiny" });
    const moved = await answer("advance_work_item", { id: item.id });
    const link = await answer("link_artifacts", { from: item.id, to: other.id, type: "derivesFrom" });
    const metrics = await answer("get_metrics", { line: "checkout" });

    expect(moved.stage).not.toBe(item.stage);
    expect(metrics.window).toBeDefined();
    for (const [name, value] of [
      ["capture_signal", signal],
      ["create_work_item", item],
      ["create_work_item", other],
      ["advance_work_item", moved],
      ["link_artifacts", link],
      ["get_metrics", metrics],
    ] as const) {
      expect(outputProblem(name, value), name).toBeUndefined();
    }
  });

  it("answers of assign_work_item, link_knowledge and unlink_knowledge, each list non-empty", async () => {
    const item = await answer("create_work_item", { line: "checkout", title: "Pay by QR code" });
    const assigned = await answer("assign_work_item", {
      id: item.id,
      owner: "bo",
      contributors: ["ana"],
      expectedVersion: item.version,
      idempotencyKey: "assign-schema",
    });
    const [document] = (await answer("list_knowledge", {})).documents as { id: string }[];
    const linked = await answer("link_knowledge", { id: document?.id, type: "informs", target: item.id });
    const other = await answer("create_work_item", { line: "checkout", title: "Pay by link" });
    await answer("link_knowledge", { id: document?.id, type: "relatesTo", target: other.id });
    const unlinked = await answer("unlink_knowledge", { id: document?.id, type: "informs", target: item.id });

    expect(assigned).toMatchObject({ owner: "bo", contributors: ["ana"] });
    expect(linked.links).toEqual([{ type: "informs", target: item.id }]);
    expect(unlinked.links).toEqual([{ type: "relatesTo", target: other.id }]);
    for (const [name, value] of [
      ["assign_work_item", assigned],
      ["link_knowledge", linked],
      ["unlink_knowledge", unlinked],
    ] as const) {
      expect(outputProblem(name, value), name).toBeUndefined();
    }
    const { links: _links, ...withoutLinks } = linked;
    expect(outputProblem("link_knowledge", withoutLinks)).toMatch(/links/);
    expect(outputProblem("unlink_knowledge", { ...unlinked, links: [{ type: "informs" }] })).toMatch(
      /target/,
    );
  });

  it("answers of record_artifact, review_link, record_deployment, open_incident, resolve_incident, list_deployments and list_incidents, each list non-empty", async () => {
    const item = await answer("create_work_item", { line: "checkout", title: "Save cards" });
    const requirement = { id: "REQ-schema", kind: "requirement", title: "Save a card", workItem: item.id };
    await answer("record_artifact", { ...requirement, fields: { body: "one card" } });
    await answer("record_artifact", { id: "DES-schema", kind: "design", title: "Vault", workItem: item.id });
    const link = await answer("link_artifacts", {
      from: "DES-schema",
      to: "REQ-schema",
      type: "derivesFrom",
    });
    const recorded = await answer("record_artifact", {
      ...requirement,
      fields: { body: "three cards", limits: [1, 2, 3], owner: { team: "checkout" } },
      fingerprintFields: ["body"],
    });
    const reviewed = await answer("review_link", { id: link.id, verdict: "adapted", note: "three tokens" });
    const incident = await answer("open_incident", { title: "Saved cards vanish" });
    const fix = await answer("record_deployment", {
      workItems: [item.id],
      remediates: [incident.id],
      line: "checkout",
      version: "v1.2.0",
    });
    const caused = await answer("open_incident", { title: "Vault times out", deployment: fix.id });
    const resolved = await answer("resolve_incident", { id: caused.id, note: "vault restarted" });
    const deployments = await answer("list_deployments", { line: "checkout" });
    const incidents = await answer("list_incidents", { line: "checkout" });

    expect((recorded.suspected as unknown[]).length).toBe(1);
    expect(reviewed).toMatchObject({ id: link.id, suspect: false });
    expect(fix).toMatchObject({ workItems: [item.id], remediates: [incident.id] });
    expect(resolved).toMatchObject({ deployment: fix.id, note: "vault restarted", alreadyResolved: false });
    expect(deployments.items).toEqual([{ ...fix, alreadyRecorded: undefined }]);
    expect(incidents.items).toEqual([{ ...resolved, alreadyResolved: undefined }]);
    for (const [name, value] of [
      ["record_artifact", recorded],
      ["review_link", reviewed],
      ["open_incident", incident],
      ["record_deployment", fix],
      ["open_incident", caused],
      ["resolve_incident", resolved],
      ["list_deployments", deployments],
      ["list_incidents", incidents],
    ] as const) {
      expect(outputProblem(name, value), name).toBeUndefined();
    }
    const { suspected: _suspected, ...withoutSuspected } = recorded;
    expect(outputProblem("record_artifact", withoutSuspected)).toMatch(/suspected/);
    expect(outputProblem("record_deployment", { ...fix, workItems: [1] })).toMatch(/workItems/);
    expect(outputProblem("list_deployments", { items: [{ ...fix, version: 2 }] })).toMatch(/version/);
    expect(outputProblem("list_incidents", { items: [{ ...caused, line: ["checkout"] }] })).toMatch(/line/);
    expect(outputProblem("resolve_incident", { ...resolved, alreadyResolved: undefined })).toMatch(
      /alreadyResolved/,
    );
  });

  it("answers of get_line, impact_of_change and get_context", async () => {
    const item = await answer("create_work_item", { line: "checkout", title: "Pay by link" });
    const line = await answer("get_line", { id: "checkout" });
    const impact = await answer("impact_of_change", { paths: ["src/checkout/cart.ts", "README.md"] });
    const byItem = await answer("get_context", { workItem: item.id, budgetTokens: 4000 });
    const byQuestion = await answer("get_context", { question: "How often are failed payments retried?" });
    const byPaths = await answer("get_context", { paths: ["src/checkout/cart.ts", "README.md"] });

    expect((line.dependents as unknown[]).length).toBe(1);
    expect((impact.affected as unknown[]).length).toBe(1);
    expect(byItem.workItem).toBeDefined();
    expect(byPaths.unclaimedPaths).toEqual(["README.md"]);
    for (const [name, value] of [
      ["get_line", line],
      ["impact_of_change", impact],
      ["get_context", byItem],
      ["get_context", byQuestion],
      ["get_context", byPaths],
    ] as const) {
      expect(outputProblem(name, value), name).toBeUndefined();
    }
  });

  it("answers of the list tools, each list non-empty: who_owns, search_knowledge, list_knowledge, list_work, route_signal, get_inbox, check_standards, list_skills", async () => {
    // A line without a description, for the line-described rule to find.
    await factory.floorplan.declareLine({ id: "returns", owner: "bo", paths: ["/src/returns/"] });
    const item = await answer("create_work_item", { line: "payments", title: "Refund by card" });
    const signal = await answer("capture_signal", { text: "Refunds to cards take weeks", source: "support" });
    await factory.inbox.notify({
      to: "bo",
      title: "New signal on payments",
      body: "A customer waits for a refund.",
      ref: { kind: "signal", id: signal.id as string },
      reason: "owner of payments",
    });
    const answers = {
      who_owns: await answer("who_owns", { paths: ["src/checkout/cart.ts", "README.md"], line: "checkout" }),
      search_knowledge: await answer("search_knowledge", { query: "retry failed card payments" }),
      list_knowledge: await answer("list_knowledge", {}),
      list_work: await answer("list_work", { line: "payments" }),
      route_signal: await answer("route_signal", { signal: signal.id, limit: 3 }),
      get_inbox: await answer("get_inbox", { operator: "bo" }),
      check_standards: await answer("check_standards", { kind: "line" }),
      list_skills: await answer("list_skills", {}),
    };
    const routed = await answer("route_signal", { signal: signal.id, line: "payments" });

    const lists = {
      who_owns: answers.who_owns.paths,
      search_knowledge: answers.search_knowledge.hits,
      list_knowledge: answers.list_knowledge.documents,
      list_work: answers.list_work.items,
      route_signal: answers.route_signal.candidates,
      get_inbox: answers.get_inbox.items,
      check_standards: answers.check_standards.findings,
      list_skills: answers.list_skills.skills,
    };
    for (const [name, list] of Object.entries(lists))
      expect((list as unknown[]).length, name).toBeGreaterThan(0);
    expect(answers.list_work.items).toContainEqual(expect.objectContaining({ id: item.id }));
    expect(answers.check_standards.findings).toContainEqual(
      expect.objectContaining({ rule: "line-described", target: { kind: "line", id: "returns" } }),
    );
    expect(routed.routed).toMatchObject({ id: signal.id, line: "payments" });
    for (const [name, value] of [...Object.entries(answers), ["route_signal", routed] as const]) {
      expect(outputProblem(name, value), name).toBeUndefined();
    }
  });

  it("answers of import_codebase with a conflict: a line a person described, which the repository describes otherwise", async () => {
    const repo = makeRepo([
      {
        author: { name: "Eve Stone", email: "eve@lab.example" },
        files: {
          "package.json": JSON.stringify({ name: "shop", private: true, workspaces: ["src/*"] }),
          "src/checkout/package.json": JSON.stringify({ name: "checkout", description: "Takes the money." }),
          "src/checkout/index.ts": "export const pay = () => true;\n",
        },
      },
    ]);
    try {
      const imported = await answer("import_codebase", { path: repo.root, dryRun: true });

      expect(imported.conflicts).toContainEqual(
        expect.objectContaining({ kind: "line", id: "checkout", field: "description" }),
      );
      expect(outputProblem("import_codebase", imported)).toBeUndefined();
    } finally {
      repo.remove();
    }
  });

  it("refuses an answer that lacks what the schema requires (the schemas are not empty in disguise)", async () => {
    const line = await answer("get_line", { id: "checkout" });
    const { paths: _paths, ...withoutPaths } = line;
    expect(outputProblem("get_line", withoutPaths)).toMatch(/paths/);
    expect(outputProblem("get_metrics", {})).toMatch(/window/);
  });

  it("answers of the other tools: get_document, capture_knowledge, revise_knowledge, record_decision, retract_knowledge, list_suspect_links, mark_inbox_read, run_skill; so every listed tool's answer validates", async () => {
    const captured = await answer("capture_knowledge", {
      kind: "note",
      title: "Refunds take a week",
      body: "Card refunds reach the customer within 7 days.",
      lines: ["payments"],
    });
    const revised = await answer("revise_knowledge", {
      id: captured.id,
      body: "Card refunds reach the customer within 5 days.",
      reason: "new provider",
    });
    const document = await answer("get_document", { id: captured.id });
    const decision = await answer("record_decision", {
      title: "Refunds through the card provider",
      context: "two providers",
      options: [{ title: "card provider", pros: ["one contract"], cons: ["fees"] }],
      decision: "card provider",
      lines: ["payments"],
    });
    const retracted = await answer("retract_knowledge", { id: decision.id, reason: "not decided yet" });
    const item = await answer("create_work_item", { line: "payments", title: "Refund faster" });
    await answer("record_artifact", {
      id: "REQ-refund",
      kind: "requirement",
      title: "Refund",
      workItem: item.id,
    });
    await answer("record_artifact", { id: "DES-refund", kind: "design", title: "Refund", workItem: item.id });
    await answer("link_artifacts", { from: "DES-refund", to: "REQ-refund", type: "derivesFrom" });
    await answer("record_artifact", {
      id: "REQ-refund",
      kind: "requirement",
      title: "Refund",
      fields: { body: "within 5 days" },
      workItem: item.id,
    });
    const suspect = await answer("list_suspect_links", { workItem: item.id });
    const notice = await factory.inbox.notify({ to: "ana", title: "Refunds changed", body: "" });
    const marked = await answer("mark_inbox_read", { operator: "ana", ids: [notice.id] });
    const ran = await answer("run_skill", { name: "summarize-line", input: { line: "payments" } });

    expect(revised).toMatchObject({ id: captured.id, revision: 2 });
    expect((suspect.items as unknown[]).length).toBe(1);
    for (const [name, value] of [
      ["capture_knowledge", captured],
      ["revise_knowledge", revised],
      ["get_document", document],
      ["record_decision", decision],
      ["retract_knowledge", retracted],
      ["list_suspect_links", suspect],
      ["mark_inbox_read", marked],
      ["run_skill", ran],
    ] as const) {
      expect(outputProblem(name, value), name).toBeUndefined();
    }
    // With the tests above: no tool is listed whose answer was not checked.
    expect(tools.map((tool) => tool.name).filter((name) => !validated.has(name))).toEqual([]);
  });
});

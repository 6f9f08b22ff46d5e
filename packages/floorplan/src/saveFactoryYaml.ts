import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { canonicalJson, checkArguments, replaceFile } from "@software-factory/core";
import { Document, isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from "yaml";
import type { z } from "zod";
import { Text } from "./internal/arguments.js";
import { aPlan } from "./internal/planArgument.js";
import {
  DomainDeclSchema,
  LineDeclSchema,
  OperatorDeclSchema,
  type Plan,
  type PlanInput,
  PlanSettingsSchema,
  ProductDeclSchema,
  planOf,
  RelationDeclSchema,
} from "./Plan.js";

type Json = Record<string, unknown>;

const omitEmpty = (object: Json): Json =>
  Object.fromEntries(
    Object.entries(object).filter(
      ([, value]) =>
        value !== undefined &&
        !(Array.isArray(value) && value.length === 0) &&
        !(
          typeof value === "object" &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length === 0
        ),
    ),
  );

/** The plan as a person would write it: defaults and empty lists left out, plain dependencies as bare ids. */
function minimal(plan: Plan): Json {
  return omitEmpty({
    version: plan.version,
    product: plan.product,
    settings: plan.settings.cycles === "warning" ? undefined : plan.settings,
    operators: plan.operators.map((operator) => omitEmpty({ ...operator })),
    domains: plan.domains.map((domain) => omitEmpty({ ...domain })),
    lines: plan.lines.map((line) =>
      omitEmpty({
        ...line,
        dependsOn: line.dependsOn.map((dependency) =>
          dependency.kind === "api" &&
          dependency.criticality === "medium" &&
          dependency.contract === undefined
            ? dependency.line
            : dependency,
        ),
      }),
    ),
    relations: plan.relations.map((relation) => omitEmpty({ ...relation })),
  });
}

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

function normalized(schema: z.ZodType, value: unknown): unknown {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : value;
}

/** Updates a map node field by field, keeping the node (and its comments) where the meaning did not change. */
function syncMap(document: Document, map: YAMLMap, value: Json, schema: z.ZodType): void {
  const before = normalized(schema, map.toJSON()) as Json;
  const after = normalized(schema, value) as Json;
  if (same(before, after)) return;
  for (const key of Object.keys(value)) {
    if (!same(before?.[key], after?.[key])) map.set(key, document.createNode(value[key]));
  }
  for (const pair of [...map.items]) {
    const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
    if (!(key in value)) map.delete(key);
  }
}

/** Updates a list of items with ids: kept items keep their nodes, new ones are added where the plan puts them. */
function syncList(
  document: Document,
  seq: YAMLSeq,
  items: readonly Json[],
  keyOf: (item: Json) => string,
  schema: z.ZodType,
): void {
  const existing = new Map<string, unknown>();
  for (const node of seq.items) {
    const json = (node as { toJSON?: () => unknown }).toJSON?.();
    if (json !== null && typeof json === "object") existing.set(keyOf(json as Json), node);
  }
  seq.items = items.map((item) => {
    const node = existing.get(keyOf(item));
    if (isMap(node)) {
      syncMap(document, node, item, schema);
      return node;
    }
    return document.createNode(item);
  });
}

const sections: readonly { key: string; schema: z.ZodType; list?: (item: Json) => string }[] = [
  { key: "product", schema: ProductDeclSchema },
  { key: "settings", schema: PlanSettingsSchema },
  { key: "operators", schema: OperatorDeclSchema, list: (item) => String(item.id) },
  { key: "domains", schema: DomainDeclSchema, list: (item) => String(item.id) },
  { key: "lines", schema: LineDeclSchema, list: (item) => String(item.id) },
  {
    key: "relations",
    schema: RelationDeclSchema,
    list: (item) => `${String(item.type)} ${String(item.from)} ${String(item.to)}`,
  },
];

/**
 * Renders a plan as `factory.yaml` text. Given the previous text, edits it in
 * place instead: comments, key order and the order of unchanged items are
 * kept, and only what changed in meaning is rewritten, so saving an unchanged
 * plan gives back the same text.
 *
 * @throws ValidationError when the plan is malformed.
 */
export function planToYaml(input: Plan | PlanInput, previous?: string): string {
  const plan = minimal(planOf(input));
  const document = previous === undefined ? undefined : parseDocument(previous);
  if (document === undefined || document.errors.length > 0 || !isMap(document.contents)) {
    return stringify(plan);
  }
  const root = document.contents as unknown as YAMLMap<unknown, unknown>;
  if (!root.has("version")) root.set("version", plan.version);
  for (const section of sections) {
    const value = plan[section.key];
    if (value === undefined) {
      if (section.key !== "version" && root.has(section.key)) root.delete(section.key);
      continue;
    }
    const node = root.get(section.key, true);
    if (section.list !== undefined && isSeq(node))
      syncList(document, node, value as Json[], section.list, section.schema);
    else if (section.list === undefined && isMap(node))
      syncMap(document, node, value as Json, section.schema);
    else if (!same((node as { toJSON?: () => unknown } | undefined)?.toJSON?.(), value))
      root.set(section.key, document.createNode(value));
  }
  return document.toString({ flowCollectionPadding: paddedFlows(previous ?? "") });
}

/** Whether the text mostly writes flow collections padded (`[ a ]`, `{ a: b }`) rather than tight (`[a]`). */
function paddedFlows(text: string): boolean {
  const padded = text.match(/[[{] [^\s]/g)?.length ?? 0;
  const tight = text.match(/[[{][^\s\]}]/g)?.length ?? 0;
  return padded > tight;
}

function stringify(plan: Json): string {
  return new Document(plan).toString({ flowCollectionPadding: false });
}

/**
 * Writes a plan to a `factory.yaml` file; when the file exists, edits it in place keeping comments and order (see {@link planToYaml}).
 *
 * The file is replaced in one step: the new text is written to a temporary
 * file beside it and flushed, then renamed over it, so a crash, a full disk
 * or a killed process leaves the old file or the new one, never a cut-off
 * plan (which, applied, would retire the lines it lost). A symbolic link
 * stays a link (its target is replaced) and the file keeps its permissions.
 *
 * @throws ValidationError when the plan is malformed, or naming `path` when it is not a string.
 */
export async function saveFactoryYaml(path: string, plan: Plan | PlanInput): Promise<void> {
  checkArguments("saveFactoryYaml", { path: [Text, path], plan: [aPlan, plan] });
  const previous = existsSync(path) ? await readFile(path, "utf8") : undefined;
  await replaceFile(path, planToYaml(plan, previous));
}

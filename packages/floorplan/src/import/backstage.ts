import { checkArguments, firstSafeLine, inPlainWords } from "@software-factory/core";
import { type LineCounter as Counter, type Document, LineCounter, parseAllDocuments } from "yaml";
import { z } from "zod";
import { Text } from "../internal/arguments.js";
import { BackstageImportOptionsSchema, parsed } from "../internal/floorPlanInputs.js";
import { positionOf } from "../internal/yamlPositions.js";
import { slugify } from "../model.js";
import type { DependencyDecl, DomainDecl, LineDecl, OperatorDecl, Plan, ProductDecl } from "../Plan.js";
import { merged } from "../planEvents.js";
import { type PlanProblem, planProblems } from "../validatePlan.js";
import { OperatorMapper } from "./operators.js";

const EntitySchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string(),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    tags: z.array(z.string()).optional(),
  }),
  spec: z
    .looseObject({
      type: z.string().optional(),
      owner: z.string().optional(),
      system: z.string().optional(),
      domain: z.string().optional(),
      dependsOn: z.array(z.string()).optional(),
      providesApis: z.array(z.string()).optional(),
      consumesApis: z.array(z.string()).optional(),
      subcomponentOf: z.string().optional(),
      memberOf: z.array(z.string()).optional(),
      profile: z.looseObject({ displayName: z.string().optional(), email: z.string().optional() }).optional(),
    })
    .default({}),
});
type Entity = z.infer<typeof EntitySchema>;

/** The outcome of {@link importBackstage}: the proposed plan and the entities that could not be used. */
export interface BackstageImport {
  /** The plan proposed from the entities that could be used. */
  readonly plan: Plan;
  /** The entities left out, each with why and where. */
  readonly problems: readonly PlanProblem[];
}

/** Options of {@link importBackstage}; a key it does not list is refused. */
export interface BackstageImportOptions {
  /** Operators already known, matched by their `backstage` handle (`group:default/payments`). */
  readonly operators?: readonly OperatorDecl[];
  /**
   * Domains already known (the floor plan's): a System the catalog does not
   * declare but one of these has its id is used as it is, with no warning.
   */
  readonly domains?: readonly DomainDecl[];
  /**
   * Lines already known (the floor plan's): a `dependsOn` or `consumesApis`
   * naming a Component or API the catalog does not hold but whose id one of
   * these has becomes a dependency on that line, with no warning.
   */
  readonly lines?: readonly LineDecl[];
}

const refName = (ref: string) => ref.replace(/^[a-zA-Z]+:/, "").replace(/^[^/]+\//, "");
const refKind = (ref: string, fallback: string) => (/^([a-zA-Z]+):/.exec(ref)?.[1] ?? fallback).toLowerCase();

/**
 * The name of an entity's entry: its title, else its name, made one line
 * (`toSafeLine`: a tab or newline becomes a space, a bidi override is
 * dropped) as a plan takes it; `fallback` (its id) when nothing is left.
 */
const nameOf = (entity: Entity, fallback: string): string =>
  firstSafeLine(entity.metadata.title ?? entity.metadata.name, fallback);

const entityKey = (entity: Entity) => `${entity.kind.toLowerCase()}:${entity.metadata.name.toLowerCase()}`;

/**
 * Line ids of Components and APIs keyed `kind:name`. Components claim their
 * name first; an API (or any entity) whose name is taken gets its kind
 * appended (`payments-api`), since Backstage names are unique per kind only.
 */
function lineIdsOf(entities: readonly Entity[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const componentsFirst = [...entities].sort(
    (a, b) => Number(a.kind.toLowerCase() === "api") - Number(b.kind.toLowerCase() === "api"),
  );
  for (const entity of componentsFirst) {
    const key = entityKey(entity);
    if (ids.has(key)) continue;
    const plain = slugify(entity.metadata.name);
    const id = taken.has(plain) ? slugify(`${entity.metadata.name}-${entity.kind}`) : plain;
    ids.set(key, id);
    taken.add(id);
  }
  return ids;
}

/** Where an entity's field is in the catalog (file:line:column), for the problems that name it. */
type Locate = (
  entity: Entity,
  path: readonly (string | number)[],
) => { line: number; column: number } | undefined;

/** A warning for a reference to a Component or API the catalog does not hold (the relation is left out). */
function notInCatalog(
  file: string,
  locate: Locate,
  component: Entity,
  field: string,
  index: number,
  ref: string,
): PlanProblem {
  return {
    code: "unknown-entity",
    severity: "warning",
    path: `${component.kind}:${component.metadata.name}.spec.${field}`,
    message: `${component.metadata.name} ${field} ${ref}, which is not in this catalog: the relation is left out`,
    file,
    ...locate(component, ["spec", field, index]),
  };
}

/** A warning for a System the catalog does not declare, which becomes a domain named after it. */
function systemNotInCatalog(
  file: string,
  locate: Locate,
  component: Entity,
  system: string,
  id: string,
): PlanProblem {
  return {
    code: "unknown-system",
    severity: "warning",
    path: `${component.kind}:${component.metadata.name}.spec.system`,
    message: `${component.metadata.name} is part of system ${system}, which is not in this catalog: the domain "${id}" is declared for it`,
    hint: `declare the System ${system} in the catalog (or the domain "${id}" in factory.yaml) to give it a name and description`,
    file,
    ...locate(component, ["spec", "system"]),
  };
}

/** A warning for a Location: the files it points at are not read, so their entities are not imported. */
function locationNotFollowed(file: string, locate: Locate, location: Entity): PlanProblem {
  const spec = location.spec as { target?: unknown; targets?: unknown };
  const targets = [spec.target, ...(Array.isArray(spec.targets) ? spec.targets : [])].filter(
    (target): target is string => typeof target === "string",
  );
  return {
    code: "location-not-followed",
    severity: "warning",
    path: `Location:${location.metadata.name}`,
    message: `Location ${location.metadata.name} points at ${targets.length === 0 ? "no target" : targets.join(", ")}, which is not read: its entities are not imported`,
    hint: "import each catalog file the Location names",
    file,
    ...locate(location, ["spec", spec.target === undefined ? "targets" : "target"]),
  };
}

/**
 * Errors of the plan as it will be merged into the known operators and
 * domains: what the mapping above could not prevent (two Systems whose names
 * slug to the same id) is reported instead of returning an invalid plan with
 * no problems.
 */
function planErrors(plan: Plan, options: BackstageImportOptions, file: string): PlanProblem[] {
  const known: Plan = {
    version: 1,
    settings: plan.settings,
    operators: [...(options.operators ?? [])],
    domains: [...(options.domains ?? [])],
    // Only their ids count here (the targets of the proposal's dependencies): their own facts are the floor plan's.
    lines: (options.lines ?? []).map(({ id }) => ({
      id,
      paths: [],
      tags: [],
      knowledge: [],
      dependsOn: [],
      contributors: [],
    })),
    relations: [],
  };
  return planProblems(merged(known, plan), { requireOwners: false })
    .filter((problem) => problem.severity === "error")
    .map((problem) => ({ ...problem, file }));
}

/**
 * Proposes a plan from Backstage catalog entities (`catalog-info.yaml`, any
 * number of YAML documents): Components (and APIs) become lines, Systems
 * domains, a single Domain the product, Groups and Users operators; `owner`
 * becomes the line's owner, `dependsOn` of components its dependencies,
 * `consumesApis` a dependency (kind api, the API as its contract) on the
 * components that `providesApis` it (else on the API's line), and `system`
 * its domain (a `subcomponentOf` without one takes its parent's). An API named
 * like a Component becomes the line `<name>-api`. A reference to a Component
 * or API the catalog lacks is a warning at its file:line; a System it lacks
 * (a single-repo `catalog-info.yaml` names its System, declared elsewhere)
 * becomes a domain named after it, with a warning at the component's
 * `spec.system`, unless `options.domains` has it. Entities of other kinds are
 * skipped, a Location with a warning (the files it points at are not read);
 * empty documents (a trailing `---`) are ignored; malformed entities are
 * reported at the field that is wrong. The plan
 * returned is valid once merged into `options.operators` and
 * `options.domains`, or its errors are among the problems.
 *
 * @throws ValidationError when an option is malformed or unknown, naming it and the options,
 *   or naming `text` or `file` when one is not a string.
 */
export function importBackstage(
  text: string,
  file = "catalog-info.yaml",
  options: BackstageImportOptions = {},
): BackstageImport {
  checkArguments("importBackstage", { text: [Text, text], file: [Text, file] });
  parsed(BackstageImportOptionsSchema, options, "importBackstage options");
  const counter: Counter = new LineCounter();
  const problems: PlanProblem[] = [];
  const entities: Entity[] = [];
  const documentOf = new Map<Entity, Document>();
  const locate: Locate = (entity, path) => {
    const document = documentOf.get(entity);
    return document === undefined ? undefined : positionOf(document, counter, path);
  };
  // As factory.yaml's: the parser's message without its position (the problem has it), its kind first.
  for (const document of parseAllDocuments(text, { lineCounter: counter, prettyErrors: false })) {
    for (const error of document.errors) {
      const position = counter.linePos(error.pos[0]);
      problems.push({
        code: "yaml",
        severity: "error",
        path: "",
        message: `YAML ${error.code.toLowerCase().replace(/_/g, " ")}: ${error.message.split("\n")[0]}`,
        hint: "fix the YAML syntax (indentation, quotes, a duplicate key)",
        file,
        line: position.line,
        column: position.col,
      });
    }
    if (document.errors.length > 0 || document.contents === null) continue;
    let data: unknown;
    try {
      data = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // An alias bomb: more alias expansions than a catalog needs.
      problems.push({
        code: "yaml",
        severity: "error",
        path: "",
        message: `YAML document could not be read: ${error instanceof Error ? error.message : String(error)}`,
        file,
        ...positionOf(document, counter, []),
      });
      continue;
    }
    // An empty document: a catalog that ends with `---`, or holds only comments there.
    if (data === null || data === undefined) continue;
    const parsed = EntitySchema.safeParse(data);
    if (!parsed.success) {
      const first = parsed.error.issues[0]?.path.map((key) => (typeof key === "number" ? key : String(key)));
      problems.push({
        code: "bad-entity",
        severity: "warning",
        path: first?.join(".") ?? "",
        message: `entity skipped: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${inPlainWords(issue)}`).join("; ")}`,
        file,
        // At the first wrong field, or its nearest ancestor when the field is missing.
        ...positionOf(document, counter, first ?? []),
      });
      continue;
    }
    entities.push(parsed.data);
    documentOf.set(parsed.data, document);
  }
  for (const location of entities.filter((entity) => entity.kind.toLowerCase() === "location"))
    problems.push(locationNotFollowed(file, locate, location));
  const mapper = new OperatorMapper("backstage", options.operators);
  const ownerOf = (ref: string | undefined) =>
    ref === undefined
      ? undefined
      : mapper.idOf(`${refKind(ref, "group")}:default/${refName(ref)}`, refName(ref));
  for (const entity of entities) {
    const kind = entity.kind.toLowerCase();
    if (kind === "user" || kind === "group") {
      const id = mapper.idOf(`${kind}:default/${entity.metadata.name}`, entity.metadata.name);
      const name = entity.spec.profile?.displayName ?? entity.metadata.title;
      const email = entity.spec.profile?.email;
      mapper.describe(id, {
        ...(name === undefined ? {} : { name }),
        ...(email !== undefined && z.email().safeParse(email).success ? { email } : {}),
      });
    }
  }
  const backstageDomains = entities.filter((entity) => entity.kind.toLowerCase() === "domain");
  const product: ProductDecl | undefined =
    backstageDomains.length === 1 && backstageDomains[0] !== undefined
      ? {
          id: slugify(backstageDomains[0].metadata.name),
          name: nameOf(backstageDomains[0], slugify(backstageDomains[0].metadata.name)),
          ...(backstageDomains[0].metadata.description === undefined
            ? {}
            : { description: backstageDomains[0].metadata.description }),
        }
      : undefined;
  const domains: DomainDecl[] = entities
    .filter((entity) => entity.kind.toLowerCase() === "system")
    .map((system) => ({
      id: slugify(system.metadata.name),
      name: nameOf(system, slugify(system.metadata.name)),
      ...(system.metadata.description === undefined ? {} : { description: system.metadata.description }),
    }));
  const knownDomains = new Set([...(options.domains ?? []), ...domains].map((domain) => domain.id));
  /** The domain of a System reference: declared (with a warning at the component's `spec.system`) when neither the catalog nor the known domains have it. */
  const domainOf = (component: Entity, system: string): string => {
    const id = slugify(refName(system));
    if (!knownDomains.has(id)) {
      knownDomains.add(id);
      domains.push({ id, name: firstSafeLine(refName(system), id) });
      problems.push(systemNotInCatalog(file, locate, component, system, id));
    }
    return id;
  };
  const components = entities.filter((entity) => ["component", "api"].includes(entity.kind.toLowerCase()));
  const lineIds = lineIdsOf(components);
  const byKey = new Map(components.map((component) => [entityKey(component), component]));
  /** Line ids of the components that provide each API, keyed by the API's name. */
  const providers = new Map<string, string[]>();
  for (const component of components) {
    for (const ref of component.spec.providesApis ?? []) {
      const api = refName(ref).toLowerCase();
      providers.set(api, [...(providers.get(api) ?? []), lineIds.get(entityKey(component)) as string]);
    }
  }
  /** The component whose `spec.system` a component's domain comes from: itself, else the parent it is a subcomponent of. */
  const systemOf = (component: Entity): Entity | undefined => {
    if (component.spec.system !== undefined) return component;
    const parent = component.spec.subcomponentOf;
    const parentEntity =
      parent === undefined ? undefined : byKey.get(`component:${refName(parent).toLowerCase()}`);
    return parentEntity?.spec.system === undefined ? undefined : parentEntity;
  };
  const knownLines = new Set((options.lines ?? []).map((line) => line.id));
  /** The known line a Component or API reference the catalog does not hold names (its slug is the line's id). */
  const knownLine = (ref: string, kind: string): string | undefined => {
    const id = slugify(refName(ref));
    return (kind === "component" || kind === "api") && knownLines.has(id) ? id : undefined;
  };
  const lines: LineDecl[] = components.map((component) => {
    const owner = ownerOf(component.spec.owner);
    const self = lineIds.get(entityKey(component));
    const dependsOn = new Map<string, DependencyDecl>();
    const depend = (line: string | undefined, dependency: Omit<DependencyDecl, "line">) => {
      // A target listed twice is one dependency; a line never depends on itself.
      if (line !== undefined && line !== self && !dependsOn.has(line))
        dependsOn.set(line, { line, ...dependency });
    };
    for (const [index, ref] of (component.spec.dependsOn ?? []).entries()) {
      const kind = refKind(ref, "component");
      const line = lineIds.get(`${kind}:${refName(ref).toLowerCase()}`) ?? knownLine(ref, kind);
      if (line === undefined && (kind === "component" || kind === "api")) {
        problems.push(notInCatalog(file, locate, component, "dependsOn", index, ref));
      }
      // Resources and other kinds are not lines.
      depend(line, { kind: kind === "api" ? "api" : "library", criticality: "medium" });
    }
    for (const [index, ref] of (component.spec.consumesApis ?? []).entries()) {
      const api = refName(ref).toLowerCase();
      const apiEntity = byKey.get(`api:${api}`);
      const contract = `API ${refName(ref)}${apiEntity?.metadata.description === undefined ? "" : `: ${apiEntity.metadata.description}`}`;
      // The components that provide the API, else the API's own line.
      const targets =
        providers.get(api) ??
        [lineIds.get(`api:${api}`) ?? knownLine(ref, "api")].filter((line) => line !== undefined);
      if (targets.length === 0)
        problems.push(notInCatalog(file, locate, component, "consumesApis", index, ref));
      for (const line of targets) depend(line, { kind: "api", criticality: "medium", contract });
    }
    const inSystem = systemOf(component);
    return {
      id: lineIds.get(entityKey(component)) ?? slugify(component.metadata.name),
      name: nameOf(component, lineIds.get(entityKey(component)) ?? slugify(component.metadata.name)),
      ...(inSystem?.spec.system === undefined ? {} : { domain: domainOf(inSystem, inSystem.spec.system) }),
      ...(component.metadata.description === undefined
        ? {}
        : { description: component.metadata.description }),
      ...(owner === undefined ? {} : { owner }),
      contributors: [],
      paths: [],
      tags: [
        ...(component.metadata.tags ?? []),
        ...(component.spec.type === undefined ? [] : [component.spec.type]),
      ].map(slugify),
      knowledge: [],
      dependsOn: [...dependsOn.values()],
    };
  });
  const plan: Plan = {
    version: 1,
    ...(product === undefined ? {} : { product }),
    settings: { cycles: "warning" },
    operators: mapper.created(),
    domains,
    lines,
    relations: [],
  };
  return { plan, problems: [...problems, ...planErrors(plan, options, file)] };
}

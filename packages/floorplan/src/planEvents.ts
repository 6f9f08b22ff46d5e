import { canonicalJson, type NewEvent } from "@software-factory/core";
import { PlanChangesOptionsSchema, parsed } from "./internal/floorPlanInputs.js";
import { checkedPlans } from "./internal/planArgument.js";
import type { ProvenanceSource } from "./model.js";
import type { ContributorDecl, DependencyDecl, LineDecl, Plan, RelationDecl } from "./Plan.js";

/** Options of {@link planChanges}; a key it does not list is refused. */
export interface PlanChangesOptions {
  /** Provenance recorded on declared facts (default `factory.yaml`). */
  readonly source?: ProvenanceSource;
  /**
   * Where inside the source each fact came from (`packages/cart/package.json@1a2b3c (npm-workspaces)`),
   * keyed `line:<id>`, `owner:<line>`, `operator:<id>` or `dependency:<from>-><to>`.
   */
  readonly refs?: ReadonlyMap<string, string>;
  /**
   * Where each fact of `current` came from, by the same keys as `refs`. When
   * the source is `factory.yaml`, a fact equal to one an import or an
   * inference recorded is declared again, so it counts as declared from then
   * on; imports never take a fact over from factory.yaml.
   */
  readonly currentSource?: (key: string) => ProvenanceSource | undefined;
}

const same = (a: unknown, b: unknown) =>
  a === undefined || b === undefined ? a === b : canonicalJson(a) === canonicalJson(b);
const byId = <Item extends { id: string }>(items: readonly Item[]) =>
  new Map(items.map((item) => [item.id, item]));

/** What a `floorplan.line.declared` event records of a line, its position aside. */
function lineAttributes(line: LineDecl) {
  const { owner: _owner, contributors: _contributors, dependsOn: _dependsOn, ...rest } = line;
  return rest;
}

/**
 * The events that turn the `current` plan into the `next` one: only the
 * differences, in an order that can be folded (nodes before the edges that
 * use them, edges removed before their nodes). Two equal plans give none. A
 * line whose only change is its position (a line before it was retired or
 * inserted) gets a `floorplan.line.moved`, not a `floorplan.line.declared`.
 *
 * @throws ValidationError when an option is malformed or unknown, naming it and the options,
 *   or naming `current` or `next` and the place inside it when one is not a plan (see `PlanSchema`).
 */
export function planChanges(current: Plan, next: Plan, options: PlanChangesOptions = {}): NewEvent[] {
  const plans = checkedPlans("planChanges", { current, next });
  parsed(PlanChangesOptionsSchema, options, "planChanges options");
  return changesBetween(plans.current, plans.next, options);
}

/** {@link planChanges} of two plans already checked (the floor plan's own, or ones `planChanges` checked). */
export function changesBetween(current: Plan, next: Plan, options: PlanChangesOptions): NewEvent[] {
  const provenance = { source: options.source ?? "factory.yaml" };
  const provenanceOf = (key: string) => {
    const ref = options.refs?.get(key);
    return ref === undefined ? provenance : { ...provenance, ref };
  };
  const declaring = provenance.source === "factory.yaml";
  /** Whether factory.yaml now declares a fact that so far only an import or an inference stated. */
  const adopted = (key: string) => {
    const was = declaring ? options.currentSource?.(key) : undefined;
    return was !== undefined && was !== "factory.yaml";
  };
  const adds: NewEvent[] = [];
  const removes: NewEvent[] = [];
  if (!same(current.settings, next.settings))
    adds.push({ type: "floorplan.settings.changed", subject: "floorplan", data: next.settings });
  if (next.product !== undefined && !same(current.product, next.product)) {
    adds.push({
      type: "floorplan.product.declared",
      subject: next.product.id,
      data: { ...next.product, provenance },
    });
  }
  for (const [kind, was, now] of [
    ["operator", byId(current.operators), byId(next.operators)],
    ["domain", byId(current.domains), byId(next.domains)],
  ] as const) {
    for (const [id, item] of now as Map<string, object>) {
      if (!same((was as Map<string, object>).get(id), item) || adopted(`${kind}:${id}`))
        adds.push({
          type: `floorplan.${kind}.declared`,
          subject: id,
          data: { ...item, provenance: provenanceOf(`${kind}:${id}`) },
        });
    }
    for (const id of (was as Map<string, object>).keys()) {
      if (!(now as Map<string, object>).has(id))
        removes.push({ type: `floorplan.${kind}.retired`, subject: id, data: { id } });
    }
  }
  const wasLines = byId(current.lines);
  const nowLines = byId(next.lines);
  const wasOrder = new Map(current.lines.map((line, index) => [line.id, index]));
  const edges: NewEvent[] = [];
  next.lines.forEach((line, order) => {
    const before = wasLines.get(line.id);
    if (
      before === undefined ||
      !same(lineAttributes(before), lineAttributes(line)) ||
      adopted(`line:${line.id}`)
    ) {
      adds.push({
        type: "floorplan.line.declared",
        subject: line.id,
        data: { ...lineAttributes(line), order, provenance: provenanceOf(`line:${line.id}`) },
      });
    } else if (wasOrder.get(line.id) !== order) {
      // Only the position changed: the line's texts are not recorded again.
      adds.push({ type: "floorplan.line.moved", subject: line.id, data: { id: line.id, order } });
    }
    if (line.owner !== before?.owner || (line.owner !== undefined && adopted(`owner:${line.id}`))) {
      edges.push(
        line.owner === undefined
          ? { type: "floorplan.owner.unassigned", subject: line.id, data: { line: line.id } }
          : {
              type: "floorplan.owner.assigned",
              subject: line.id,
              data: { line: line.id, operator: line.owner, provenance: provenanceOf(`owner:${line.id}`) },
            },
      );
    }
    const wasContributors = new Map(
      (before?.contributors ?? []).map((c: ContributorDecl) => [c.operator, c]),
    );
    const nowContributors = new Map(line.contributors.map((c) => [c.operator, c]));
    for (const [operator, contributor] of nowContributors) {
      if (!same(wasContributors.get(operator), contributor))
        edges.push({
          type: "floorplan.contributor.added",
          subject: line.id,
          data: { ...contributor, line: line.id, provenance },
        });
    }
    for (const operator of wasContributors.keys()) {
      if (!nowContributors.has(operator))
        removes.unshift({
          type: "floorplan.contributor.removed",
          subject: line.id,
          data: { line: line.id, operator },
        });
    }
    const wasDependencies = new Map((before?.dependsOn ?? []).map((d: DependencyDecl) => [d.line, d]));
    const nowDependencies = new Map(line.dependsOn.map((d) => [d.line, d]));
    for (const [to, dependency] of nowDependencies) {
      if (!same(wasDependencies.get(to), dependency) || adopted(`dependency:${line.id}->${to}`)) {
        const { line: _line, ...attributes } = dependency;
        edges.push({
          type: "floorplan.dependency.declared",
          subject: line.id,
          data: {
            from: line.id,
            to,
            ...attributes,
            provenance: provenanceOf(`dependency:${line.id}->${to}`),
          },
        });
      }
    }
    for (const to of wasDependencies.keys()) {
      if (!nowDependencies.has(to))
        removes.unshift({
          type: "floorplan.dependency.removed",
          subject: line.id,
          data: { from: line.id, to },
        });
    }
  });
  for (const id of wasLines.keys()) {
    if (!nowLines.has(id)) removes.push({ type: "floorplan.line.retired", subject: id, data: { id } });
  }
  const relationKey = (relation: RelationDecl) => `${relation.type} ${relation.from} ${relation.to}`;
  const wasRelations = new Map(current.relations.map((relation) => [relationKey(relation), relation]));
  const nowRelations = new Map(next.relations.map((relation) => [relationKey(relation), relation]));
  for (const [key, relation] of nowRelations) {
    if (!same(wasRelations.get(key), relation))
      edges.push({
        type: "floorplan.relation.added",
        subject: relation.from,
        data: { ...relation, provenance },
      });
  }
  for (const [key, relation] of wasRelations) {
    if (!nowRelations.has(key))
      removes.unshift({
        type: "floorplan.relation.removed",
        subject: relation.from,
        data: { type: relation.type, from: relation.from, to: relation.to },
      });
  }
  // Removals of edges come first among removals (unshift), then lines, domains and operators.
  const retirementOrder = (event: NewEvent) =>
    ["line", "domain", "operator"].findIndex((kind) => event.type === `floorplan.${kind}.retired`);
  const edgeRemovals = removes.filter((event) => retirementOrder(event) === -1);
  const retirements = removes
    .filter((event) => retirementOrder(event) !== -1)
    .sort((a, b) => retirementOrder(a) - retirementOrder(b));
  return [...adds, ...edges, ...edgeRemovals, ...retirements];
}

/**
 * Merges a partial plan (an import) into a full one: entities of `addition`
 * replace those with the same id (keeping their place), new ones are appended,
 * and nothing is removed. The product of `addition` is taken when `base` has
 * none or it has the same id; a product of another id does not rename the
 * one `base` has (a plan applied whole, as factory.yaml is, renames it).
 *
 * @throws ValidationError naming `base` or `addition` and the place inside it when one is not a plan (see `PlanSchema`).
 */
export function mergePlans(base: Plan, addition: Plan): Plan {
  const plans = checkedPlans("mergePlans", { base, addition });
  return merged(plans.base, plans.addition);
}

/** {@link mergePlans} of two plans already checked (the floor plan's own, or ones `mergePlans` checked). */
export function merged(base: Plan, addition: Plan): Plan {
  const mergeList = <Item extends { id: string }>(was: readonly Item[], now: readonly Item[]) => {
    const replaced = byId(now);
    const merged = was.map((item) => replaced.get(item.id) ?? item);
    const known = new Set(was.map((item) => item.id));
    return [...merged, ...now.filter((item) => !known.has(item.id))];
  };
  const relationKey = (relation: RelationDecl) => `${relation.type} ${relation.from} ${relation.to}`;
  const relations = new Map(base.relations.map((relation) => [relationKey(relation), relation]));
  for (const relation of addition.relations) relations.set(relationKey(relation), relation);
  // A plan has one product: an addition describes it again under its id, or names it when base has
  // none; another id does not rename it (that is for factory.yaml, applied whole).
  const product =
    base.product === undefined || addition.product?.id === base.product.id
      ? (addition.product ?? base.product)
      : base.product;
  return {
    version: 1,
    ...(product === undefined ? {} : { product }),
    settings: base.settings,
    operators: mergeList(base.operators, addition.operators),
    domains: mergeList(base.domains, addition.domains),
    lines: mergeList(base.lines, addition.lines),
    relations: [...relations.values()],
  };
}

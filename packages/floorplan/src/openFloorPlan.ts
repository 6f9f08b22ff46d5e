import { type EventLog, type Projection, startProjection, strictInput } from "@software-factory/core";
import { z } from "zod";
import { floorPlanEvents, floorPlanEventTypes } from "./events.js";
import { FloorGraph } from "./FloorGraph.js";
import { FloorPlan } from "./FloorPlan.js";
import { parsed } from "./internal/floorPlanInputs.js";
import { foldEvent } from "./internal/fold.js";
import { loadFloorSnapshot, saveFloorSnapshot } from "./internal/snapshot.js";
import { type RelationDefinition, RelationRegistry } from "./RelationRegistry.js";

/** Options of {@link openFloorPlan}; a key it does not list is refused. */
export interface OpenFloorPlanOptions {
  /** The factory's event log; the floor plan events are registered on it if they are not yet. */
  readonly log: EventLog;
  /** Custom relation types (beside partOf, dependsOn, owns, contributes). */
  readonly relations?: Iterable<RelationDefinition>;
  /** Follow events other processes append (default true). */
  readonly live?: boolean;
  /**
   * Folder for a snapshot of the graph, stamped with the log position it
   * reflects: opening loads it and folds only the events after it, and closing
   * saves it when events were folded since. Without it the whole log is folded.
   */
  readonly cacheDir?: string;
  /**
   * Whether the snapshot in `cacheDir` is saved on close (default `true`).
   * `false` loads it and never writes to `cacheDir`: for a factory opened
   * read-only, whose folder must stay as it is.
   */
  readonly saveCaches?: boolean;
}

/** What {@link openFloorPlan} accepts: {@link OpenFloorPlanOptions}, no other key. */
const OpenFloorPlanOptionsSchema = strictInput({
  log: z.custom<EventLog>((value) => typeof (value as { append?: unknown } | null)?.append === "function", {
    message: "expected an event log (as openEventLog returns)",
  }),
  relations: z
    .custom<Iterable<RelationDefinition>>(
      (value) => typeof value === "object" && value !== null && Symbol.iterator in value,
      { message: "expected a list of relation definitions" },
    )
    .optional(),
  live: z.boolean().optional(),
  cacheDir: z.string().min(1, "expected a folder").optional(),
  saveCaches: z.boolean().optional(),
});

/**
 * Opens the floor plan of a factory over its event log: folds the log's
 * floor-plan events into a graph and keeps it current.
 *
 * @throws ValidationError (`floor plan options is invalid: (root): unknown key
 * "nope"; the keys are log, relations, live, cacheDir, saveCaches`) when an option is
 * malformed or unknown, or a relation definition is refused; checked before
 * anything is read.
 * @example
 * ```ts
 * const log = await openEventLog({ path: ".factory/factory.db", events: floorPlanEvents });
 * const plan = await openFloorPlan({ log });
 * await plan.applyPlan(await loadFactoryYaml("factory.yaml"));
 * console.log(plan.ownerOf("checkout"), plan.lineForPath("packages/checkout/src/cart.ts"));
 * await plan.close();
 * ```
 */
export async function openFloorPlan(options: OpenFloorPlanOptions): Promise<FloorPlan> {
  const { log, cacheDir, live, saveCaches } = parsed(
    OpenFloorPlanOptionsSchema,
    options,
    "floor plan options",
  );
  // Relations first: a refused definition must fail the open before a projection is started that nobody would close.
  const relations = new RelationRegistry(options.relations ?? []);
  for (const definition of floorPlanEvents)
    if (!log.registry.has(definition.type)) log.registry.register(definition);
  const snapshot = cacheDir === undefined ? undefined : await loadFloorSnapshot(log, cacheDir);
  const graph = new FloorGraph(snapshot?.graph);
  let folded = snapshot === undefined;
  const projection = await startProjection(log, {
    types: floorPlanEventTypes,
    ...(snapshot === undefined ? {} : { after: snapshot.position }),
    apply: (event) => {
      foldEvent(graph, event);
      folded = true;
    },
    ...(live === undefined ? {} : { live }),
  });
  const closing: Projection =
    cacheDir === undefined || saveCaches === false
      ? projection
      : {
          get position() {
            return projection.position;
          },
          catchUp: () => projection.catchUp(),
          close: async () => {
            await projection.close();
            // A snapshot that cannot be written is only a slower next open: that never fails a close.
            if (folded)
              await saveFloorSnapshot(log, cacheDir, graph.graph, projection.position).catch(() => undefined);
            folded = false;
          },
          [Symbol.asyncDispose]: () => closing.close(),
        };
  return new FloorPlan(log, graph, closing, relations);
}

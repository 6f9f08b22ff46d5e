import { z } from "zod";
import { aFunction, checkArguments, withMethods } from "./checkArguments.js";
import type { EventLog } from "./EventLog.js";
import type { StoredEvent } from "./EventStore.js";
import { EventVersionError } from "./errors.js";
import { strictInput } from "./strictInput.js";

/** Options of {@link startProjection}. */
export interface ProjectionOptions {
  /** Only fold events of these types (all when omitted). */
  readonly types?: readonly string[];
  /** Position the projection's state already reflects (from a cache on disk); 0 folds the whole log. */
  readonly after?: number;
  /** Folds one event into the projection's state. Must not throw for events of its types. */
  readonly apply: (event: StoredEvent) => void;
  /** Events read per round trip while catching up (default 1,000). */
  readonly pageSize?: number;
  /** Whether to follow new events as they land, from this process or others (default true). */
  readonly live?: boolean;
}

/** Code of the process warning a live projection emits when it meets an event stored at a newer version than its type here. */
const NEWER_EVENT_WARNING = "FACTORY_PROJECTION_NEWER_EVENT";

/** What {@link startProjection} accepts: {@link ProjectionOptions}, no other field. */
const ProjectionOptionsSchema = strictInput({
  types: z.array(z.string()).readonly().optional(),
  after: z.number().int().nonnegative().optional(),
  apply: aFunction,
  pageSize: z.number().int().positive().optional(),
  live: z.boolean().optional(),
});

/** The log argument of {@link startProjection}: what it reads and watches. */
const ALog = withMethods("an event log", "head", "read", "watch");

/**
 * A read model folded from the event log, kept current as events land.
 *
 * Writers append to the log and then `await projection.catchUp()`, which folds
 * everything up to the head, their own events included: reads after a write
 * always see it (read-your-writes), and events from other processes are
 * folded in order with no gap.
 */
export interface Projection extends AsyncDisposable {
  /** Position of the last event folded (or skipped as not of interest). */
  readonly position: number;
  /**
   * Folds every event up to the log's head as read after this call began:
   * resolves once a pass that started after the call has finished, so an
   * event appended before the call is folded when it resolves. Calls made
   * while a pass runs share the next pass.
   *
   * Rejects when a read fails, the projection left at the last event it
   * folded: as with an `EventVersionError` at an event stored at a newer
   * version of its type than the log's registry (a newer SDK wrote it),
   * which is never folded past.
   */
  catchUp(): Promise<number>;
  /** Stops following the log. */
  close(): Promise<void>;
}

/**
 * Folds the log into a read model: first everything after `after`, then, when
 * `live`, each new event as it lands.
 *
 * @throws ValidationError naming the argument or option of the wrong type (`log: must be an event log`,
 *   `options.apply: must be a function`, `options.pageSize`), or an unknown option.
 * @throws EventVersionError when the log holds an event stored at a newer version of its type than the
 *   log's registry (a newer SDK wrote it; upgrade to read it), as any read of it does. One that lands
 *   later fails the next `catchUp()`; followed live, it is told once as a process warning (code
 *   `FACTORY_PROJECTION_NEWER_EVENT`) naming it, and nothing past it is folded.
 *
 * @example
 * ```ts
 * const titles = new Map<string, string>();
 * const projection = await startProjection(log, {
 *   types: ["line.added"],
 *   apply: (event) => titles.set(event.subject, (event.data as { title: string }).title),
 * });
 * ```
 */
export async function startProjection(log: EventLog, options: ProjectionOptions): Promise<Projection> {
  checkArguments("startProjection", { log: [ALog, log], options: [ProjectionOptionsSchema, options] });
  let position = options.after ?? 0;
  /** The pass not started yet that every call made meanwhile waits for. */
  let queued: Promise<number> | undefined;
  /** The pass started or queued last; the next one starts once it settles, so passes never overlap. */
  let last: Promise<unknown> = Promise.resolve();
  let unwatch: (() => void) | undefined;
  const pageSize = options.pageSize ?? 1000;

  const pass = async (): Promise<number> => {
    const head = await log.head();
    while (position < head) {
      const page = await log.read({
        after: position,
        until: head,
        limit: pageSize,
        ...(options.types === undefined ? {} : { types: options.types }),
      });
      for (const event of page) {
        options.apply(event);
        position = event.seq;
      }
      if (page.length < pageSize) position = head;
    }
    return position;
  };

  // A call that found a pass running must not return when that pass ends:
  // the pass may have read the head before the caller's own event landed.
  const catchUp = (): Promise<number> => {
    if (queued !== undefined) return queued;
    const next = last.then(ignore, ignore).then(() => {
      queued = undefined;
      return pass();
    });
    queued = next;
    last = next;
    return next;
  };

  await catchUp();
  if (options.live !== false) {
    let warned = false;
    unwatch = log.watch(() => {
      void catchUp().catch((error: unknown) => {
        // A failed read is retried on the next wake-up or the next catchUp() call; an event this
        // code cannot read never will be, and a projection that only follows would stall unseen.
        if (!(error instanceof EventVersionError) || warned) return;
        warned = true;
        process.emitWarning(newerEventWarning(error), { code: NEWER_EVENT_WARNING });
      });
    });
    await catchUp();
  }

  const close = async (): Promise<void> => {
    unwatch?.();
    await last.catch(ignore);
  };
  return {
    get position() {
      return position;
    },
    catchUp,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * The warning of a live projection stopped at an event stored at a newer
 * version of its type: that event's type, both versions and position, in one
 * line (`a live projection folds nothing from position 2 on: event
 * "line.added" (id evt_...) is stored at version 9, and this code knows it up
 * to version 2; upgrade to read it`).
 */
function newerEventWarning(error: EventVersionError): string {
  return `a live projection folds nothing from position ${error.position} on: event "${error.type}" (id ${error.id}) is stored at version ${error.version}, and this code knows it up to version ${error.supported}; upgrade to read it`;
}

/** Swallows a settled pass's outcome: each pass's callers see its own. */
function ignore(): void {}

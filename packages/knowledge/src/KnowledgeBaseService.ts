/**
 * The knowledge base as an Effect service: the same operations as
 * {@link KnowledgeBase}, with typed errors, opened over the
 * {@link EventLogService} of the layer below and closed with the layer.
 *
 * @module
 */
import {
  attempt,
  type ClosedError,
  type ConcurrencyConflictError,
  checkArguments,
  EventLogService,
  type EventVersionError,
  eitherSignal,
  type IdempotencyConflictError,
  isKernelError,
  type NotFoundError,
  type ReadOnlyError,
  type SchemaVersionError,
  StoreError,
  type UnknownEventTypeError,
  type ValidationError,
} from "@software-factory/core";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as Option from "effect/Option";
import { z } from "zod";
import type { KnowledgeDocument } from "./DocumentStore.js";
import { EmbedderService } from "./EmbedderService.js";
import type { DocumentRetractedError } from "./errors.js";
import type { IncomingLink } from "./incomingLinks.js";
import type {
  CaptureOrReviseOptions,
  CaptureOrReviseResult,
  ListKnowledgeOptions,
  MoveOptions,
  RetractOptions,
  WriteOptions,
} from "./KnowledgeBase.js";
import { KnowledgeBase } from "./KnowledgeBase.js";
import { type OpenKnowledgeBaseOptions, openKnowledgeBase } from "./openKnowledgeBase.js";
import type { CaptureInput, Link, RecordDecisionInput, ReviseInput, SourcedCaptureInput } from "./schemas.js";
import type { SearchOptions, SearchResult } from "./search/searchOptions.js";

/**
 * What a knowledge-base call can fail with: a malformed input, an unknown
 * document or line, a change to a retracted document, a reused idempotency
 * key, a lost race, an event in the log stored at a newer version of its
 * type than this code knows (a newer SDK wrote it; the calls fold the log
 * first), the store, a write to a factory open read-only, or a closed
 * knowledge base.
 */
export type KnowledgeError =
  | ValidationError
  | NotFoundError
  | DocumentRetractedError
  | IdempotencyConflictError
  | ConcurrencyConflictError
  | UnknownEventTypeError
  | EventVersionError
  | StoreError
  | ReadOnlyError
  | ClosedError;

/**
 * The knowledge base as seen from Effect code: the same operations, with the
 * typed errors of {@link KnowledgeError}; anything else (a bug) is a defect.
 *
 * The writes (capture, captureOrRevise, recordDecision, revise, supersede,
 * link, unlink, retract) are uninterruptible: interrupting the fiber running
 * one waits until the write has landed or failed, so once the interruption
 * returns the document is stored or not, never still being written. The
 * interrupted exit does not say which: pass an `idempotencyKey` and run the
 * write again with it to learn the outcome without writing twice.
 */
export interface KnowledgeBaseShape {
  /** The Promise face underneath, for code that mixes both. */
  readonly knowledgeBase: KnowledgeBase;
  /** See {@link KnowledgeBase.capture}. */
  readonly capture: (
    input: CaptureInput,
    options?: WriteOptions,
  ) => Effect.Effect<KnowledgeDocument, KnowledgeError>;
  /** See {@link KnowledgeBase.captureOrRevise}. */
  readonly captureOrRevise: (
    input: SourcedCaptureInput,
    options?: CaptureOrReviseOptions,
  ) => Effect.Effect<CaptureOrReviseResult, KnowledgeError>;
  /** See {@link KnowledgeBase.recordDecision}. */
  readonly recordDecision: (
    input: RecordDecisionInput,
    options?: WriteOptions,
  ) => Effect.Effect<KnowledgeDocument, KnowledgeError>;
  /** See {@link KnowledgeBase.revise}. */
  readonly revise: (
    id: string,
    input: ReviseInput,
    options?: WriteOptions,
  ) => Effect.Effect<
    {
      /** The document as it stands after the call. */
      document: KnowledgeDocument;
      /** Whether a revision was recorded; false when the input changed nothing. */
      changed: boolean;
    },
    KnowledgeError
  >;
  /** See {@link KnowledgeBase.supersede}. */
  readonly supersede: (
    id: string,
    replacement: CaptureInput,
    options?: WriteOptions,
  ) => Effect.Effect<KnowledgeDocument, KnowledgeError>;
  /** See {@link KnowledgeBase.link}. */
  readonly link: (
    id: string,
    link: Link,
    options?: WriteOptions,
  ) => Effect.Effect<KnowledgeDocument, KnowledgeError>;
  /** See {@link KnowledgeBase.unlink}. */
  readonly unlink: (
    id: string,
    link: Link,
    options?: WriteOptions,
  ) => Effect.Effect<KnowledgeDocument, KnowledgeError>;
  /** See {@link KnowledgeBase.move}. */
  readonly move: (
    id: string,
    uri: string,
    options?: MoveOptions,
  ) => Effect.Effect<KnowledgeDocument, KnowledgeError>;
  /** See {@link KnowledgeBase.retract} (idempotent). */
  readonly retract: (
    id: string,
    reason: string,
    options?: RetractOptions,
  ) => Effect.Effect<KnowledgeDocument, KnowledgeError>;
  /** See {@link KnowledgeBase.get}: succeeds with `undefined` for an unknown id. */
  readonly get: (
    id: string,
    options?: { asOf?: string },
  ) => Effect.Effect<KnowledgeDocument | undefined, KnowledgeError>;
  /** The document captured from a source address, `undefined` when none was (see {@link KnowledgeBase.bySource}). */
  readonly bySource: (
    system: string,
    uri: string,
  ) => Effect.Effect<KnowledgeDocument | undefined, KnowledgeError>;
  /** Every document captured from a source system, retracted ones included (see {@link KnowledgeBase.fromSystem}). */
  readonly fromSystem: (system: string) => Effect.Effect<KnowledgeDocument[], KnowledgeError>;
  /** The links from documents to a target, each with its document and whether it is in force (see {@link KnowledgeBase.linksTo}). */
  readonly linksTo: (target: string) => Effect.Effect<IncomingLink[], KnowledgeError>;
  /**
   * See {@link KnowledgeBase.list}. Interruptible as `search` is: interrupting
   * the fiber cancels the listing as its `signal` would, and a `signal` in the
   * options that aborts interrupts it.
   */
  readonly list: (options?: ListKnowledgeOptions) => Effect.Effect<KnowledgeDocument[], KnowledgeError>;
  /**
   * See {@link KnowledgeBase.search}. Interruptible: interrupting the fiber
   * (`Fiber.interrupt`, `Effect.timeout`) cancels the search as its `signal`
   * would, so the embedder's call for it is aborted (an HTTP embedder closes
   * its request). A `signal` in the options that aborts interrupts it too.
   */
  readonly search: (query: string, options?: SearchOptions) => Effect.Effect<SearchResult, KnowledgeError>;
  /** Folds what other processes appended; succeeds with the log position reached. */
  readonly sync: Effect.Effect<number, KnowledgeError>;
}

/** Whether a thrown value is one of the kernel's typed errors in {@link KnowledgeError}. */
const isKernelKnowledgeError = isKernelError(
  "ValidationError",
  "NotFoundError",
  "IdempotencyConflictError",
  "ConcurrencyConflictError",
  "UnknownEventTypeError",
  "EventVersionError",
  "StoreError",
  "ReadOnlyError",
  "ClosedError",
);

/** Whether a thrown value is one of the typed errors of {@link KnowledgeError} (matched by `_tag`, as the kernel's are). */
const isKnowledgeError = (error: unknown): error is KnowledgeError =>
  isKernelKnowledgeError(error) ||
  (error as { _tag?: unknown } | null | undefined)?._tag === "DocumentRetractedError";

/** A Promise-face call as an Effect: its typed errors in the error channel, anything else a defect. */
const call = <A>(run: () => Promise<A>): Effect.Effect<A, KnowledgeError> => attempt(run, isKnowledgeError);

/** A write: as {@link call}, and uninterruptible, so an interrupted fiber's write has settled. */
const write = <A>(run: () => Promise<A>): Effect.Effect<A, KnowledgeError> =>
  Effect.uninterruptible(call(run));

/**
 * A search or listing as an Effect that interrupting the fiber cancels: `run`
 * gets the signal `Effect.tryPromise` aborts on interruption, combined with
 * the caller's own `signal` when the options carry one. A call cancelled by
 * that caller's signal is interrupted too, rather than failing with the
 * signal's reason as a defect.
 */
const cancellable = <A, O extends { readonly signal?: AbortSignal | undefined }>(
  options: O | undefined,
  run: (options: O | { signal: AbortSignal }) => Promise<A>,
): Effect.Effect<A, KnowledgeError> =>
  Effect.tryPromise({
    try: async (interrupted) => {
      const { signal, release } = eitherSignal(options?.signal, interrupted);
      // Options that are no object are left for the search to refuse by name.
      const withSignal =
        options === undefined
          ? { signal }
          : typeof options === "object" && options !== null
            ? { ...options, signal }
            : options;
      try {
        return await run(withSignal);
      } finally {
        release();
      }
    },
    catch: (error) => error,
  }).pipe(
    Effect.catch((error) =>
      isKnowledgeError(error)
        ? Effect.fail(error)
        : options?.signal?.aborted === true && error === options.signal.reason
          ? Effect.interrupt
          : Effect.die(error),
    ),
  );

/**
 * Wraps a Promise-face knowledge base in the Effect shape.
 *
 * @throws ValidationError naming `knowledgeBase` when it is not a KnowledgeBase.
 */
export function makeKnowledgeBaseShape(knowledgeBase: KnowledgeBase): KnowledgeBaseShape {
  checkArguments("makeKnowledgeBaseShape", { knowledgeBase: [z.instanceof(KnowledgeBase), knowledgeBase] });
  return {
    knowledgeBase,
    capture: (input, options) => write(() => knowledgeBase.capture(input, options)),
    captureOrRevise: (input, options) => write(() => knowledgeBase.captureOrRevise(input, options)),
    recordDecision: (input, options) => write(() => knowledgeBase.recordDecision(input, options)),
    revise: (id, input, options) => write(() => knowledgeBase.revise(id, input, options)),
    supersede: (id, replacement, options) => write(() => knowledgeBase.supersede(id, replacement, options)),
    link: (id, link, options) => write(() => knowledgeBase.link(id, link, options)),
    unlink: (id, link, options) => write(() => knowledgeBase.unlink(id, link, options)),
    move: (id, uri, options) => write(() => knowledgeBase.move(id, uri, options)),
    retract: (id, reason, options) => write(() => knowledgeBase.retract(id, reason, options)),
    get: (id, options) => call(() => knowledgeBase.get(id, options)),
    bySource: (system, uri) => call(() => knowledgeBase.bySource(system, uri)),
    fromSystem: (system) => call(() => knowledgeBase.fromSystem(system)),
    linksTo: (target) => call(() => knowledgeBase.linksTo(target)),
    list: (options) => cancellable(options, (withSignal) => knowledgeBase.list(withSignal)),
    search: (query, options) => cancellable(options, (withSignal) => knowledgeBase.search(query, withSignal)),
    sync: call(() => knowledgeBase.sync()),
  };
}

/**
 * The knowledge base as an Effect service.
 *
 * @example
 * ```ts
 * const program = Effect.gen(function* () {
 *   const kb = yield* KnowledgeBaseService;
 *   yield* kb.capture({ kind: "note", title: "Retries", body: "We retry payments twice.", source: { system: "cli" } });
 *   return yield* kb.search("payment retries");
 * });
 * const layer = KnowledgeBaseService.layer({ dir: ".factory/cache/knowledge" }).pipe(
 *   Layer.provide(EventLogService.layer({ path: ".factory/factory.db" })),
 * );
 * const { hits } = await Effect.runPromise(Effect.provide(program, layer));
 * ```
 */
export class KnowledgeBaseService extends Context.Service<KnowledgeBaseService, KnowledgeBaseShape>()(
  "@software-factory/knowledge/KnowledgeBase",
) {
  /**
   * A layer that opens the knowledge base over the log of
   * {@link EventLogService} (loading its caches from `dir`) and closes it with
   * the layer. Its vector index embeds with `options.embedder`, else with the
   * {@link EmbedderService} of the context when there is one, else with the
   * local hashing embedder. Its events and documents' times come from the
   * clock of that log: `EventLogService.layer`'s `clock` option, else the
   * `ClockService` of its context, else Effect's current `Clock` (a
   * `TestClock.layer()` provided below it, say; see `ClockService.current` in
   * `@software-factory/core`). Opening fails with the log's typed error, and with a
   * `StoreError` naming `dir` for anything else (caches that cannot be read
   * are rebuilt, not an error).
   */
  static layer(
    options: Omit<OpenKnowledgeBaseOptions, "log"> = {},
  ): Layer.Layer<KnowledgeBaseService, KnowledgeError | SchemaVersionError, EventLogService> {
    return Layer.effect(
      KnowledgeBaseService,
      Effect.gen(function* () {
        const { log } = yield* EventLogService;
        const embedder = yield* Effect.serviceOption(EmbedderService);
        const withEmbedder =
          options.embedder === undefined && Option.isSome(embedder)
            ? { ...options, embedder: embedder.value }
            : options;
        const knowledgeBase = yield* Effect.acquireRelease(
          Effect.tryPromise({
            try: () => openKnowledgeBase({ ...withEmbedder, log }),
            catch: (error) => asOpenError(error, options.dir),
          }),
          (opened) => Effect.promise(() => opened.close()),
        );
        return makeKnowledgeBaseShape(knowledgeBase);
      }),
    );
  }
}

const isSchemaVersionError = isKernelError("SchemaVersionError");

/** A failure to open as a typed error: the kernel's own, else a `StoreError` naming the folder. */
function asOpenError(error: unknown, dir: string | undefined): KnowledgeError | SchemaVersionError {
  if (isKnowledgeError(error) || isSchemaVersionError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreError({
    message: `could not open the knowledge base${dir === undefined ? "" : ` at ${dir}`}: ${reason}`,
    cause: error,
  });
}

import { setImmediate as nextTurn } from "node:timers/promises";
import type { EventStore, ReadQuery, StoredEvent } from "../EventStore.js";
import { EventVersionError } from "../errors.js";

const RETRY_DELAY_MS = 100;
/**
 * Longest a catch-up runs handlers without letting the event loop turn. A
 * SQLite store reads and appends synchronously, so without a turn a long
 * catch-up would keep the process from reading a socket or standard input
 * (an MCP server's requests) until it is through.
 */
const SLICE_MS = 10;

/** Code of the process warning a subscription emits, by default, when its store's reads start failing. */
const READ_FAILED_WARNING = "FACTORY_LOG_READ_FAILED";
/** Code of the process warning a subscription emits, by default, when its store's reads work again. */
const READ_RECOVERED_WARNING = "FACTORY_LOG_READ_RECOVERED";

/**
 * What {@link SubscribeOptions.onReadError} is told: a subscription's reads
 * of its store started failing, or work again after failing.
 */
export interface ReadErrorReport {
  /** `failing` at the first failed read after good ones; `recovered` when a catch-up read runs through after failures. */
  readonly state: "failing" | "recovered";
  /** The error of the first failed read (`failing`), or of the last one (`recovered`). */
  readonly error: unknown;
  /** Reads that failed in a row: 1 when `failing`, all of them when `recovered`. */
  readonly failedReads: number;
  /**
   * Position up to which events were handled: when `failing`, the events after
   * it wait until reads work again; when `recovered`, it has caught up to here.
   */
  readonly position: number;
}

/** Options of `EventLog.subscribe`. */
export interface SubscribeOptions {
  /** Deliver events after this position; defaults to the head when subscribing. */
  readonly after?: number;
  /** Only events of these types. */
  readonly types?: readonly string[];
  /** Only events about these subjects. */
  readonly subjects?: readonly string[];
  /** Events read per round trip while catching up (default 500). */
  readonly batchSize?: number;
  /** Whether an active subscription keeps the Node process alive until closed (default true). */
  readonly keepAlive?: boolean;
  /**
   * Called when the handler throws, or with an `EventVersionError` when the
   * subscription meets an event stored at a newer version of its type than
   * this code defines (a newer SDK wrote it; it can be read once upgraded):
   * the subscription has then stopped, at that event, with every event before
   * it handled. Defaults to printing to stderr.
   */
  readonly onError?: (error: unknown, event: StoredEvent) => void;
  /**
   * Called when reading the store fails (the SQLite file corrupt or its table
   * gone, a PostgreSQL connection refused, a store closed under the log): the
   * subscription keeps going, retrying from its position every 100 ms, and
   * this is told once when the failures start (`state: "failing"`) and once
   * when a read runs through again (`state: "recovered"`), not at every retry.
   * Defaults to a process warning at each (codes `FACTORY_LOG_READ_FAILED` and
   * `FACTORY_LOG_READ_RECOVERED`) naming the subscription's types and the error.
   */
  readonly onReadError?: (report: ReadErrorReport) => void;
}

/** A live subscription to the log. */
export interface Subscription extends AsyncDisposable {
  /** Position up to which every matching event has been handled. */
  readonly position: number;
  /** Whether the subscription still delivers events. */
  readonly active: boolean;
  /** Resolves when the subscription has stopped, by `close()` or because the handler threw. */
  readonly stopped: Promise<void>;
  /**
   * Stops delivery; resolves after the handler call in progress, if any, returns.
   * A handler may call it to stop after its event, but must not await it: the
   * promise waits for that very call to return, so the handler would never end.
   */
  close(): Promise<void>;
}

/**
 * Delivers events to one handler in order, once each. Every wake-up (an append
 * here, a commit seen from another process) triggers a catch-up read from the
 * last handled position, so a missed notification never loses an event.
 * A catch-up lets the event loop turn after each page and whenever its
 * handlers have run for {@link SLICE_MS} ms, so the process goes on serving
 * while a subscription works through a long history.
 */
export class LogSubscription implements Subscription {
  #position: number;
  #active = true;
  #running: Promise<void> | undefined;
  #again = false;
  #unwatch: (() => void) | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  /** Reads failed in a row, and the last one's error: a run of failures is reported at its start and end. */
  #failedReads = 0;
  #readError: unknown;
  /** When the catch-up last let the event loop turn. */
  #turnedAt = performance.now();
  #resolveStopped!: () => void;
  readonly stopped = new Promise<void>((resolve) => {
    this.#resolveStopped = resolve;
  });

  /**
   * `upcast` reads each event of `store` in its type's current shape (see
   * `EventRegistry.upcast`); an `EventVersionError` from it stops the
   * subscription at that event, and any other error is a failed read.
   */
  constructor(
    private readonly store: EventStore,
    private readonly upcast: (event: StoredEvent) => StoredEvent,
    private readonly handler: (event: StoredEvent) => void | Promise<void>,
    private readonly options: SubscribeOptions & { readonly after: number },
    private readonly onStop: (subscription: LogSubscription) => void,
  ) {
    this.#position = options.after;
  }

  get position(): number {
    return this.#position;
  }

  get active(): boolean {
    return this.#active;
  }

  start(): void {
    if (this.options.keepAlive !== false) this.#keepAlive = setInterval(() => undefined, 2 ** 30);
    this.#unwatch = this.store.watch(() => this.wake());
    this.wake();
  }

  wake(): void {
    if (!this.#active) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    this.#running = this.#drainUntilQuiet().finally(() => {
      this.#running = undefined;
      // A wake-up between the drain's last look and here only set #again: honour it, or its event waits for the next append.
      if (this.#again) this.wake();
    });
  }

  async close(): Promise<void> {
    if (!this.#active) return this.stopped;
    this.#stop();
    await this.#running;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #stop(): void {
    this.#active = false;
    this.#unwatch?.();
    clearInterval(this.#keepAlive);
    this.onStop(this);
    this.#resolveStopped();
  }

  async #drainUntilQuiet(): Promise<void> {
    do {
      this.#again = false;
      try {
        await this.#drain();
      } catch (error) {
        if (!this.#active) return;
        // The store failed to read (a transient lock, a dropped connection): say so once, and
        // retry from the same position shortly.
        this.#readFailed(error);
        setTimeout(() => this.wake(), RETRY_DELAY_MS).unref();
        return;
      }
      if (this.#failedReads > 0 && this.#active) this.#readRecovered();
    } while (this.#again && this.#active);
  }

  #readFailed(error: unknown): void {
    this.#failedReads += 1;
    this.#readError = error;
    if (this.#failedReads === 1)
      this.#report({ state: "failing", error, failedReads: 1, position: this.#position });
  }

  #readRecovered(): void {
    const report: ReadErrorReport = {
      state: "recovered",
      error: this.#readError,
      failedReads: this.#failedReads,
      position: this.#position,
    };
    this.#failedReads = 0;
    this.#readError = undefined;
    this.#report(report);
  }

  /** Tells `onReadError` (or warns); one that throws is printed, and the subscription goes on. */
  #report(report: ReadErrorReport): void {
    try {
      if (this.options.onReadError === undefined) warnReadError(report, this.options.types);
      else this.options.onReadError(report);
    } catch (error) {
      console.error("event log subscriber's onReadError failed", error);
    }
  }

  async #drain(): Promise<void> {
    const limit = this.options.batchSize ?? 500;
    while (this.#active) {
      const head = await this.store.head();
      if (head <= this.#position) return;
      const query: ReadQuery = {
        after: this.#position,
        until: head,
        limit,
        ...(this.options.types === undefined ? {} : { types: this.options.types }),
        ...(this.options.subjects === undefined ? {} : { subjects: this.options.subjects }),
      };
      const page = await this.store.read(query);
      for (const stored of page) {
        if (performance.now() - this.#turnedAt >= SLICE_MS) await this.#turn();
        if (!this.#active) return;
        let event: StoredEvent;
        try {
          event = this.upcast(stored);
        } catch (error) {
          // Any other error is a failed read, retried from this event.
          if (!(error instanceof EventVersionError)) throw error;
          // No retry can read it before this code is upgraded, and skipping it would misfold what follows.
          this.#stop();
          (this.options.onError ?? reportHandlerError)(error, stored);
          return;
        }
        try {
          await this.handler(event);
        } catch (error) {
          this.#stop();
          (this.options.onError ?? reportHandlerError)(error, event);
          return;
        }
        this.#position = event.seq;
      }
      if (page.length < limit) this.#position = head;
      await this.#turn();
    }
  }

  /** Lets the event loop turn (read sockets and standard input, run timers) before going on. */
  async #turn(): Promise<void> {
    await nextTurn();
    this.#turnedAt = performance.now();
  }
}

/** The default of {@link SubscribeOptions.onReadError}: a process warning naming the subscription and the error. */
function warnReadError(report: ReadErrorReport, types: readonly string[] | undefined): void {
  const subscription = `event log subscription${types === undefined ? "" : ` to ${types.join(", ")}`}`;
  const reason = report.error instanceof Error ? report.error.message : String(report.error);
  if (report.state === "failing")
    process.emitWarning(
      `${subscription} cannot read its store after position ${report.position}: ${reason}; it retries every ${RETRY_DELAY_MS} ms and warns again when it reads`,
      { code: READ_FAILED_WARNING },
    );
  else
    process.emitWarning(
      `${subscription} reads its store again after ${report.failedReads} failed reads (the last: ${reason}); it has handled the events up to position ${report.position}`,
      { code: READ_RECOVERED_WARNING },
    );
}

/** The default of {@link SubscribeOptions.onError}: prints why the subscription stopped, and at which event. */
function reportHandlerError(error: unknown, event: StoredEvent): void {
  const why = error instanceof EventVersionError ? "cannot read" : "subscriber failed on";
  console.error(`event log ${why} event ${event.seq} (${event.type}); subscription stopped`, error);
}

import type { EventStore, ReadQuery, StoredEvent } from "../EventStore.js";

const RETRY_DELAY_MS = 100;

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
  /** Called when the handler throws; the subscription has then stopped. Defaults to printing to stderr. */
  readonly onError?: (error: unknown, event: StoredEvent) => void;
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
 */
export class LogSubscription implements Subscription {
  #position: number;
  #active = true;
  #running: Promise<void> | undefined;
  #again = false;
  #unwatch: (() => void) | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #resolveStopped!: () => void;
  readonly stopped = new Promise<void>((resolve) => {
    this.#resolveStopped = resolve;
  });

  constructor(
    private readonly store: EventStore,
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
      } catch {
        // The store failed to read (a transient lock, a dropped connection):
        // retry from the same position shortly.
        setTimeout(() => this.wake(), RETRY_DELAY_MS).unref();
        return;
      }
    } while (this.#again && this.#active);
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
      for (const event of page) {
        if (!this.#active) return;
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
    }
  }
}

function reportHandlerError(error: unknown, event: StoredEvent): void {
  console.error(
    `event log subscriber failed on event ${event.seq} (${event.type}); subscription stopped`,
    error,
  );
}

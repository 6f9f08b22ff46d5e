import { createHash } from "node:crypto";
import type pg from "pg";
import { NotificationListener } from "./NotificationListener.js";
import type { ResolvedPostgresOptions } from "./options.js";

/**
 * The watchers of one PostgreSQL store: woken after each of its appends, on
 * each `NOTIFY` of a commit on the schema's channel (see
 * `NotificationListener`), and every `catchUpIntervalMs`. The channel is
 * listened to only while someone watches.
 */
export class StoreWatchers {
  /** The `NOTIFY` channel of the schema. */
  readonly channel: string;
  readonly #options: ResolvedPostgresOptions;
  readonly #listener: NotificationListener;
  readonly #watchers = new Set<() => void>();
  /** Whether the store is closed: a watcher added then starts nothing. */
  readonly #closed: () => boolean;
  #catchUpTimer: NodeJS.Timeout | undefined;

  /**
   * @param config the driver settings of a connection, for the listening one.
   * @param closed whether the store is closed.
   */
  constructor(
    config: pg.ClientConfig,
    options: ResolvedPostgresOptions,
    schema: string,
    closed: () => boolean,
  ) {
    this.#options = options;
    this.#closed = closed;
    this.channel = channelFor(schema);
    this.#listener = new NotificationListener({
      config: { ...config, application_name: `${options.applicationName}-listener`.slice(0, 63) },
      channel: this.channel,
      wake: () => this.notify(),
      initialDelayMs: options.retryInitialDelayMs,
      maxDelayMs: options.retryMaxDelayMs,
      checkIntervalMs: options.listenerCheckIntervalMs,
    });
  }

  /** Adds a watcher; the first starts listening (unless the store is closed). Returns the function that removes it. */
  watch(watcher: () => void): () => void {
    this.#watchers.add(watcher);
    if (this.#watchers.size === 1 && !this.#closed()) {
      this.#listener.start();
      if (this.#options.catchUpIntervalMs > 0) {
        this.#catchUpTimer = setInterval(() => this.notify(), this.#options.catchUpIntervalMs);
        this.#catchUpTimer.unref();
      }
    }
    return () => {
      if (!this.#watchers.delete(watcher) || this.#watchers.size > 0) return;
      clearInterval(this.#catchUpTimer);
      void this.#listener.stop();
    };
  }

  /** Wakes every watcher. */
  notify(): void {
    for (const watcher of this.#watchers) watcher();
  }

  /** Forgets every watcher and stops listening (the store is closing). */
  async stop(): Promise<void> {
    this.#watchers.clear();
    clearInterval(this.#catchUpTimer);
    await this.#listener.stop();
  }
}

/** The `NOTIFY` channel of a schema; hashed unless the name is plain and fits PostgreSQL's 63-byte limit. */
function channelFor(schema: string): string {
  const channel = `factory_events_${schema}`;
  // Only plain names go into the channel as they are; others (quotes, capitals, length) are hashed.
  if (/^[a-z0-9_]{1,63}$/.test(channel)) return channel;
  return `factory_events_${createHash("sha256").update(schema).digest("hex").slice(0, 40)}`;
}

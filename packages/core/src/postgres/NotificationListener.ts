import type { Socket } from "node:net";
import pg from "pg";
import { endWithin } from "./endWithin.js";

/** Settings of a {@link NotificationListener}. */
export interface NotificationListenerOptions {
  /** Connection settings of the dedicated client. */
  readonly config: pg.ClientConfig;
  /** Channel to `LISTEN` on. */
  readonly channel: string;
  /** Called on every notification and after every (re)connect, when commits may have been missed. */
  readonly wake: () => void;
  /** First reconnect delay in ms, doubled after each failure. */
  readonly initialDelayMs: number;
  /** Longest reconnect delay in ms. */
  readonly maxDelayMs: number;
  /**
   * How often the connection is checked with `SELECT 1`, in ms. A connection
   * whose other end vanished without closing delivers no notifications and no
   * error; the check fails on it (by the config's `query_timeout`) and the
   * connection is replaced.
   */
  readonly checkIntervalMs: number;
}

/**
 * One dedicated connection that `LISTEN`s for commits on a channel, and comes
 * back by itself when the connection drops: it reconnects with exponential
 * backoff and, once listening again, wakes its owner so that subscribers catch
 * up by position on whatever committed while no notification could arrive.
 * A periodic `SELECT 1` finds a connection that went silent without closing.
 *
 * The connection does not keep the Node process alive on its own.
 */
export class NotificationListener {
  readonly #options: NotificationListenerOptions;
  #client: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #checkTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #checking = false;
  #stopped = false;
  #connected = false;

  constructor(options: NotificationListenerOptions) {
    this.#options = options;
  }

  /** Whether the listener currently has a live, listening connection. */
  get connected(): boolean {
    return this.#connected;
  }

  /** Starts listening; connection failures are retried in the background. */
  start(): void {
    this.#stopped = false;
    void this.#connect();
  }

  /** Stops listening and closes the connection. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearInterval(this.#checkTimer);
    const client = this.#client;
    this.#client = undefined;
    this.#connected = false;
    if (client === undefined) return;
    // The socket was unref'd so that listening alone does not keep the process
    // alive; ending it must, or a process whose last work is this close exits
    // before the close completes (with exit code 13, "unsettled top-level await").
    (client.connection.stream as Partial<Socket>).ref?.();
    await endWithin(client.end(), this.#options.config.query_timeout ?? 5_000, () =>
      client.connection.stream.destroy(),
    );
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const client = new pg.Client(this.#options.config);
    this.#client = client;
    const lost = (): void => this.#lost(client);
    client.on("error", lost);
    client.on("end", lost);
    client.on("notification", () => this.#options.wake());
    try {
      await client.connect();
      (client.connection.stream as Partial<Socket>).unref?.();
      await client.query(`LISTEN "${this.#options.channel}"`);
    } catch {
      this.#lost(client);
      return;
    }
    if (this.#stopped || this.#client !== client) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#failures = 0;
    this.#connected = true;
    this.#checkTimer = setInterval(() => void this.#check(client), this.#options.checkIntervalMs);
    this.#checkTimer.unref();
    // Commits made before LISTEN took effect sent no notification to us: catch up now.
    this.#options.wake();
  }

  /** Replaces the connection when it does not answer `SELECT 1`; one check at a time. */
  async #check(client: pg.Client): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      await client.query("SELECT 1");
    } catch {
      this.#lost(client);
    } finally {
      this.#checking = false;
    }
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#connected = false;
    clearInterval(this.#checkTimer);
    client.removeAllListeners("notification");
    // Not a polite end: the other side may never answer one.
    client.connection.stream.destroy();
    client.end().catch(() => undefined);
    if (this.#stopped) return;
    const delay = Math.min(this.#options.maxDelayMs, this.#options.initialDelayMs * 2 ** this.#failures);
    this.#failures++;
    this.#timer = setTimeout(() => void this.#connect(), delay * (0.75 + Math.random() * 0.5));
    this.#timer.unref();
  }
}

/**
 * How a command that serves a factory (`factory-mcp`, `factory mcp`) stops on
 * SIGTERM, SIGINT and SIGHUP (the terminal it runs in closed): the first
 * signal asks it to stop cleanly, a second one exits at once.
 *
 * @module
 */

/**
 * How long requests in flight get to finish when a server stops: over HTTP,
 * `HttpServer.close`'s `graceMs` on a signal; over stdio, on a signal or the
 * client closing stdin.
 */
export const SIGNAL_DRAIN_GRACE_MS = 10_000;

/** The signals that stop a serving process: `kill`/`docker stop`, Ctrl-C, the terminal closing. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];

/** The stop a first SIGTERM, SIGINT or SIGHUP asks for; see {@link stopOnSignals}. */
export interface SignalStop {
  /** Aborted on the first signal: give it to `serveStdio`, or wait on {@link SignalStop.requested}. */
  readonly signal: AbortSignal;
  /** Resolves on the first signal. */
  readonly requested: Promise<void>;
  /** Removes the signal handlers (Node's default handling comes back). */
  dispose(): void;
}

/**
 * Handles SIGTERM, SIGINT and SIGHUP for a serving process: the first aborts the
 * returned signal, so the caller stops serving (over HTTP: drains with
 * `server.close({ graceMs: SIGNAL_DRAIN_GRACE_MS })`), closes the factory and
 * exits 0; a second exits at once with code 1. Each is told through `log`
 * (`SIGTERM: stopping`, `SIGTERM again: exiting without waiting`).
 *
 * @param log - writes one line where the process logs (stderr), without its newline.
 * @example
 * ```ts
 * const stop = stopOnSignals((line) => process.stderr.write(`my-server: ${line}\n`));
 * const server = await serveHttp(factory, options);
 * await stop.requested;
 * await server.close({ graceMs: SIGNAL_DRAIN_GRACE_MS });
 * await factory.close();
 * stop.dispose();
 * ```
 */
export function stopOnSignals(log: (line: string) => void): SignalStop {
  const stopping = new AbortController();
  const requested = new Promise<void>((resolve) =>
    stopping.signal.addEventListener("abort", () => resolve(), { once: true }),
  );
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping.signal.aborted) {
      log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    log(`${signal}: stopping`);
    stopping.abort();
  };
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  return {
    signal: stopping.signal,
    requested,
    dispose: () => {
      for (const name of STOP_SIGNALS) process.off(name, onSignal);
    },
  };
}

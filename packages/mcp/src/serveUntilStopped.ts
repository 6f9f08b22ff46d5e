/**
 * Serving a factory until the client leaves or a signal stops it: the one
 * path `factory-mcp` and `factory mcp` both run, so they log, stop and fail
 * alike.
 *
 * @module
 */

import type { Factory } from "@software-factory/intelligence";
import type { FactoryMcpServerOptions } from "./createFactoryMcpServer.js";
import { serveHttp } from "./http.js";
import type { HttpSettings } from "./internal/httpFlags.js";
import { SIGNAL_DRAIN_GRACE_MS, stopOnSignals } from "./internal/stopOnSignals.js";
import type { ServedAutomations } from "./serveFlags.js";
import { serveStdio } from "./stdio.js";

/**
 * The HTTP server could not listen on its port (taken by another process,
 * not allowed, an address this machine does not have). `factory-mcp` and
 * `factory mcp` exit 2 on it, as on any other start-up refusal.
 */
export class ListenError extends Error {
  /** Stable code for programs to match on. */
  readonly code = "E_LISTEN";
  /** Tag, as on the SDK's other errors. */
  readonly _tag = "ListenError";
  /** The port that could not be listened on. */
  readonly port: number;

  /**
   * @param port - the port asked for.
   * @param cause - the error listening gave (its message ends this one's).
   */
  constructor(port: number, cause: Error) {
    super(`cannot serve HTTP on port ${port}: ${cause.message}`, { cause });
    this.port = port;
  }
}

/** Options of {@link serveUntilStopped}. */
export interface ServeUntilStoppedOptions {
  /** Serve Streamable HTTP with these settings (from `httpSettingsOf`); absent, stdio. */
  readonly http?: HttpSettings;
  /** The server's options: tool groups, import root, skills folder. */
  readonly server?: FactoryMcpServerOptions;
  /** Writes one log line where the process logs (stderr), without its newline; the caller adds its prefix. */
  readonly log: (line: string) => void;
  /**
   * What the serving line names as served, once the factory is open (default:
   * the factory's folder). `factory mcp` names the store: the SQLite file, or
   * the PostgreSQL URL (password redacted) and schema, as the folder holds only
   * caches when the log is elsewhere.
   */
  readonly describe?: (factory: Factory) => string | Promise<string>;
  /**
   * The automations `open` gave the factory, from `servedAutomationsOf`:
   * their {@link ServedAutomations.notice} (where notifications are posted,
   * host only) is logged after the serving line.
   */
  readonly automations?: ServedAutomations;
}

/** Tells the log what did not load, and loads the knowledge index while the client reads the tool list. */
function prepare(factory: Factory, log: (line: string) => void): Factory {
  // A skill folder that failed to load does not stop the server; say which, once.
  for (const problem of factory.skills.problems())
    log(`skill "${problem.name}" not loaded:\n${problem.message}`);
  for (const skipped of factory.standards.skipped()) {
    const place = [skipped.file ?? "", skipped.line, skipped.column].filter((part) => part !== undefined);
    log(`instruction file ${place.join(":")} ${skipped.message}`);
  }
  // So the agent's first search does not wait for the index.
  setImmediate(() => void factory.knowledge.sync().catch(() => undefined));
  return factory;
}

/**
 * Opens a factory with `open` and serves it until it is told to stop, then
 * closes it: over stdio (no `http`) until the client closes stdin or a signal
 * comes, the requests already read answered first; over HTTP until a signal,
 * then it stops accepting and lets the requests in flight finish (up to
 * {@link SIGNAL_DRAIN_GRACE_MS}). The first SIGTERM, SIGINT or SIGHUP stops it so;
 * a second exits the process at once with code 1 (see `stopOnSignals`).
 *
 * It logs, through `log`: skill folders and instruction files that did not
 * load, the HTTP warnings, `serving <what> over stdio` or `serving <what> over
 * HTTP at <url>` (`<what>`: {@link ServeUntilStoppedOptions.describe}),
 * then, with `--notify-webhook`, `posting inbox notifications to <scheme>://<host>
 * as <format>, signed` (or `unsigned`; {@link ServeUntilStoppedOptions.automations}),
 * `SIGTERM: stopping` (or `SIGINT: stopping`, `SIGHUP: stopping`) and, once the factory is
 * closed, `stopped`, whether the client left or a signal stopped it. Over stdio nothing is served until the factory is open, so a
 * factory that cannot open fails before a client is told of any tool.
 *
 * @throws whatever `open` throws; nothing was served then.
 * @throws ListenError when the HTTP port cannot be listened on; the factory is closed.
 * @example
 * ```ts
 * await serveUntilStopped(() => openFactory({ dir: ".factory" }), {
 *   log: (line) => process.stderr.write(`my-server: ${line}\n`),
 * });
 * ```
 */
export async function serveUntilStopped(
  open: () => Promise<Factory>,
  options: ServeUntilStoppedOptions,
): Promise<void> {
  const { http, log, server = {}, describe = (factory: Factory) => factory.dir } = options;
  const notice = options.automations?.notice;
  const stop = stopOnSignals(log);
  let opened: Factory | undefined;
  let served = "";
  const openOnce = async () => {
    opened = await open();
    served = await describe(opened);
    if (http === undefined) {
      log(`serving ${served} over stdio`);
      if (notice !== undefined) log(notice);
    }
    return prepare(opened, log);
  };
  try {
    if (http === undefined) {
      // No return here: `stopped` is logged after the finally, over stdio as over HTTP.
      await serveStdio(openOnce, { ...server, signal: stop.signal });
    } else {
      const factory = await openOnce();
      for (const warning of http.warnings) log(`warning: ${warning}`);
      const listening = await serveHttp(factory, http.options, server).catch((error: unknown) => {
        throw (error as NodeJS.ErrnoException).syscall === "listen"
          ? new ListenError(http.options.port, error as Error)
          : error;
      });
      log(`serving ${served} over HTTP at ${listening.url}`);
      if (notice !== undefined) log(notice);
      await stop.requested;
      await listening.close({ graceMs: SIGNAL_DRAIN_GRACE_MS });
    }
  } finally {
    await opened?.close();
    stop.dispose();
  }
  log("stopped");
}

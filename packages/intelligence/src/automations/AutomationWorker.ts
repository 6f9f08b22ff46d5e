/**
 * One automation at work: it follows the log from its cursor and handles each
 * event of its types one at a time, the subscription's and the retries' in
 * one queue of turns. `decideHandling` runs the handler and records what it
 * emitted with the event's `automation.handled` mark in one idempotent
 * append (for an exclusive automation, once its claim on the event lands:
 * see `claimHandling`); the {@link Cursor} records the handlings that emitted
 * nothing together (and says why that stays exactly once); `retryHandling`
 * re-runs a failure. `startAutomations` runs one worker per automation.
 *
 * @module
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { StoredEvent, Subscription } from "@software-factory/core";
import type { Automation } from "./Automation.js";
import { Cursor } from "./Cursor.js";
import { closeWorker, openWorker } from "./claimHandling.js";
import { decideHandling } from "./decideHandling.js";
import { retryHandling } from "./retryHandling.js";
import type { HandlingScope } from "./runHandler.js";
import type { RetryResult, StartAutomationsOptions } from "./startAutomations.js";

const RESTART_DELAY_MS = 1000;
/** How often {@link AutomationWorker.reach} asks its subscription whether it is there. */
const REACH_POLL_MS = 10;

/**
 * Runs one automation: its subscription to the log, its handlings one at a
 * time, its retries of failed events, and the position up to which it has
 * handled its events.
 */
export class AutomationWorker<Services> {
  #subscription: Subscription | undefined;
  #restart: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #stopping = new AbortController();
  readonly #scope: HandlingScope<Services>;
  readonly #cursor: Cursor;
  #turn: Promise<unknown> = Promise.resolve();

  /** A worker for `automation` that resumes after `position`, its cursor; {@link AutomationWorker.start} starts it. */
  constructor(
    private readonly automation: Automation<Services>,
    private readonly options: StartAutomationsOptions<Services>,
    position: number,
  ) {
    const { log, services, onError, operators } = options;
    const signal = this.#stopping.signal;
    this.#scope = { automation, log, services, signal, worker: openWorker(), onError, operators };
    this.#cursor = new Cursor({
      log,
      automation: automation.name,
      author: automation.author,
      position,
      onError,
      inTurn: (work) => this.#exclusive(work),
    });
  }

  /** Name of the automation. */
  get name(): string {
    return this.automation.name;
  }

  /** Position up to which the automation has handled its events. */
  get position(): number {
    return this.#cursor.position;
  }

  /** Subscribes to the log after its position; restarts a second after the subscription fails. */
  async start(): Promise<void> {
    if (this.#closed) return;
    this.#subscription = await this.options.log.subscribe((event) => this.#handle(event), {
      after: this.position,
      types: this.automation.on,
      keepAlive: false,
      onError: (error, event) => {
        this.options.onError?.(error, this.automation.name, event);
        this.#restart = setTimeout(() => void this.start(), RESTART_DELAY_MS);
      },
    });
  }

  /**
   * Resolves once no event of its types up to `head` is left unhandled: once
   * its subscription, whose position moves past the events of other types
   * too, is there. It asks the subscription, not the store, every
   * 10 ms (`REACH_POLL_MS`): a read of the store each time cost a PostgreSQL
   * round trip, which took from the handlers' (one read to each five of theirs
   * while catching up). A subscription restarted after a failure is asked from
   * its start.
   */
  async reach(head: number): Promise<void> {
    while (!this.#closed && (this.#subscription?.position ?? this.position) < head)
      await sleep(REACH_POLL_MS);
  }

  /**
   * Stops after the handling in progress: its handler's `signal` aborts (a
   * handler that fails from then on leaves its event unhandled, for the next
   * start), and a handler waiting to be retried stops waiting. Then it records
   * the handlings since its last record that emitted nothing, so the next
   * start does not run them again. Whatever fails on the way (the
   * subscription's close, or `onError` throwing as it hears of a failed
   * record) is thrown after the worker is closed all the same: its handling
   * in progress over, the claims it holds are abandoned to the other workers
   * of the process, which would otherwise wait for their lease.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopping.abort();
    clearTimeout(this.#restart);
    this.#cursor.stop();
    try {
      await this.#subscription?.close();
    } finally {
      try {
        await this.#exclusive(() => this.#cursor.record());
      } finally {
        // Only now, the handling in progress over (its claim marked or released), may another worker take its event.
        closeWorker(this.#scope.worker);
      }
    }
  }

  /** Runs a failed event again; see `AutomationRunner.retry`. */
  async retry(eventId: string): Promise<RetryResult> {
    return this.#exclusive(() => retryHandling(this.#scope, this.position, eventId));
  }

  async #handle(event: StoredEvent): Promise<void> {
    await this.#exclusive(async () => {
      const decided = await decideHandling(this.#scope, event, 0);
      // Closed while waiting to retry: the event stays unhandled, for the next start.
      if (decided === undefined) return;
      await this.#cursor.passed(event, decided.quiet === true);
    });
  }

  /** Runs one handling at a time: the subscription's, the retries' and the cursor's records. */
  async #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.#turn.then(work);
    this.#turn = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }
}

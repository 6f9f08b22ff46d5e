/**
 * One automation at work: it follows the log from its cursor, runs its
 * handler on each event of its types (again after a backoff while it throws),
 * and records what the handler emitted with the event's `automation.handled`
 * mark in one idempotent append, deciding again when what it changes changed
 * meanwhile. The handlings that emitted nothing it records together, in one
 * `automation.advanced` per {@link ADVANCE_EVERY} of them and one at a close.
 * `startAutomations` runs one worker per automation.
 *
 * Why that stays exactly once. A handling that emits (a routing, a
 * notification) or fails lands its mark in the same append as what it
 * emitted, under an idempotency key made of the automation and the event, so
 * it lands once whichever process, start or retry gets there. A handling that
 * emits nothing changes nothing but the cursor, and marking each one cost a
 * write (and a sync to disk) per event: 4,486 of them in a first run over a
 * factory made from this repository, which took 4.8 s instead of 1.4 s (22 s
 * on a loaded machine). So such handlings are counted, and recorded
 * together; a start resumes after the highest position its marks and records
 * reach, so a mark moves the cursor past those before it too (their count
 * waits for the next record).
 *
 * A crash loses the record of the handlings that emitted nothing after the
 * last mark or record (fewer than {@link ADVANCE_EVERY}): the next start runs
 * those handlers again. Nothing lands twice: a handler that again emits
 * nothing leaves the log as it was; one that now emits, because what it
 * decides on changed meanwhile (the router learned enough to route a signal
 * it had left for a person, a line got an owner to tell), lands that once
 * with its mark, since the first handling landed nothing. Effects outside the
 * log (a webhook called by a handler that emits nothing) are at least once, as
 * they were, now over those events instead of the one in progress. Records
 * go by count, not by time or by catching up, so the log holds the same
 * events whatever the timing (a run on SQLite and one on PostgreSQL append
 * alike), and a quiet stream of events writes nothing until a close.
 *
 * @module
 */
import { setTimeout as sleep } from "node:timers/promises";
import {
  ClosedError,
  ConcurrencyConflictError,
  IdempotencyConflictError,
  type NewEvent,
  NotFoundError,
  type StoredEvent,
  type Subscription,
  UnknownEventTypeError,
  ValidationError,
} from "@software-factory/core";
import { invalidInput } from "../internal/invalid.js";
import type { Automation, AutomationContext, Notification } from "./Automation.js";
import { AutomationAdvanced, AutomationHandled, InboxNotified } from "./events.js";
import { lastMarks } from "./handledMarks.js";
import { describeError, notificationEvent } from "./handlingEvents.js";
import type { RetryResult, StartAutomationsOptions } from "./startAutomations.js";

const RESTART_DELAY_MS = 1000;
const IDLE_POLL_MS = 10;
const DEFAULT_ATTEMPTS = 3;
const DEFAULT_BACKOFF_MS = 100;
/**
 * How many times a handling that changes the factory (emits more than
 * notifications) decides again because events about what it changes landed
 * while it ran, before the event is recorded as an error to retry.
 */
const MAX_DECISIONS = 10;
/**
 * Handlings that emitted nothing one `automation.advanced` records, at most
 * (a close records fewer): what a start after a crash may run again.
 */
const ADVANCE_EVERY = 500;

/** What one run of a handler (with its retries) came to. */
interface Attempted {
  readonly emitted: readonly NewEvent[];
  readonly error: { code: string; message: string } | undefined;
  readonly attempts: number;
  /** The log's head before the handler ran: what it decided on, at the least. */
  readonly head: number;
}

/**
 * Runs one automation: its subscription to the log, its handlings one at a
 * time, its retries of failed events, and the position up to which it has
 * handled its events.
 */
export class AutomationWorker<Services> {
  #subscription: Subscription | undefined;
  #restart: NodeJS.Timeout | undefined;
  #closed = false;
  #position: number;
  readonly #stopping = new AbortController();
  #turn: Promise<unknown> = Promise.resolve();
  /** Handlings that emitted nothing since the last `automation.advanced`, and the last of their events. */
  #unrecorded = 0;
  #lastUnrecorded: StoredEvent | undefined;
  #retryAdvance: NodeJS.Timeout | undefined;

  /** A worker for `automation` that resumes after `position`, its cursor; {@link AutomationWorker.start} starts it. */
  constructor(
    private readonly automation: Automation<Services>,
    private readonly options: StartAutomationsOptions<Services>,
    position: number,
  ) {
    this.#position = position;
  }

  /** Name of the automation. */
  get name(): string {
    return this.automation.name;
  }

  /** Position up to which the automation has handled its events. */
  get position(): number {
    return this.#position;
  }

  /** Subscribes to the log after its position; restarts a second after the subscription fails. */
  async start(): Promise<void> {
    if (this.#closed) return;
    this.#subscription = await this.options.log.subscribe((event) => this.#handle(event), {
      after: this.#position,
      types: this.automation.on,
      keepAlive: false,
      onError: (error, event) => {
        this.options.onError?.(error, this.automation.name, event);
        this.#restart = setTimeout(() => void this.start(), RESTART_DELAY_MS);
      },
    });
  }

  /** Resolves once no event of its types up to `head` is left unhandled. */
  async reach(head: number): Promise<void> {
    while (!this.#closed) {
      const pending = await this.options.log.read({
        after: this.#position,
        until: head,
        types: this.automation.on,
        limit: 1,
      });
      if (pending.length === 0) return;
      await sleep(IDLE_POLL_MS);
    }
  }

  /**
   * Stops after the handling in progress: its handler's `signal` aborts (a
   * handler that fails from then on leaves its event unhandled, for the next
   * start), and a handler waiting to be retried stops waiting. Then it records
   * the handlings since its last record that emitted nothing, so the next
   * start does not run them again.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopping.abort();
    clearTimeout(this.#restart);
    clearTimeout(this.#retryAdvance);
    await this.#subscription?.close();
    await this.#exclusive(() => this.#advance());
  }

  /** Runs a failed event again; see `AutomationRunner.retry`. */
  async retry(eventId: string): Promise<RetryResult> {
    return this.#exclusive(async () => {
      const mark = (await lastMarks(this.options.log, new Set([this.name]), eventId)).values().next().value;
      if (mark === undefined && !(await this.#passed(eventId))) {
        throw new NotFoundError({
          message: `automation "${this.name}" has not handled event "${eventId}" (no such event, or not reached yet)`,
          entity: "event",
          id: eventId,
        });
      }
      // Handled without a mark: its handling emitted nothing.
      if (mark === undefined || mark.outcome === "ok")
        throw invalidInput("retry", [
          {
            path: "event",
            message: `automation "${this.name}" handled event "${eventId}" well: nothing to retry`,
          },
        ]);
      const [event] = await this.options.log.read({ after: mark.eventSeq - 1, limit: 1 });
      if (event === undefined || event.id !== eventId) {
        throw new NotFoundError({
          message: `event "${eventId}" is not at position ${mark.eventSeq} of the log`,
          entity: "event",
          id: eventId,
        });
      }
      const attempted = await this.#decide(event, mark.marks);
      if (attempted === undefined) throw new ClosedError({ message: `automation "${this.name}" is closing` });
      if (attempted.landed) return resultOf(attempted.error);
      // Another retry of this failure landed first: its mark is the outcome.
      const now = (await lastMarks(this.options.log, new Set([this.name]), eventId)).values().next().value;
      return resultOf(now?.error === undefined || now.outcome === "ok" ? undefined : now.error);
    });
  }

  /** Whether an event of the automation's types with this id is at or before its position. */
  async #passed(eventId: string): Promise<boolean> {
    if (this.#position === 0) return false;
    for await (const event of this.options.log.readAll({
      types: this.automation.on,
      until: this.#position,
    })) {
      if (event.id === eventId) return true;
    }
    return false;
  }

  async #handle(event: StoredEvent): Promise<void> {
    await this.#exclusive(async () => {
      const attempted = await this.#decide(event, 0);
      // Closed while waiting to retry: the event stays unhandled, for the next start.
      if (attempted === undefined) return;
      this.#position = event.seq;
      if (!emittedNothing(attempted)) return;
      this.#unrecorded += 1;
      this.#lastUnrecorded = event;
      // More than that while a record is failing: its retry records them.
      if (this.#unrecorded === ADVANCE_EVERY) await this.#advance();
    });
  }

  /**
   * Records the handlings since the last record that emitted nothing, in one
   * `automation.advanced` up to the worker's position. When that fails,
   * `onError` hears of it (with the last of their events) and it tries again a
   * second later; a crash before it lands only runs those handlers again.
   */
  async #advance(): Promise<void> {
    clearTimeout(this.#retryAdvance);
    const last = this.#lastUnrecorded;
    if (last === undefined) return;
    const { name } = this.automation;
    try {
      await this.options.log.append(
        {
          type: AutomationAdvanced.type,
          subject: `automation:${name}`,
          data: { automation: name, position: this.#position, handled: this.#unrecorded },
        },
        { actor: `automation:${name}` },
      );
      this.#unrecorded = 0;
      this.#lastUnrecorded = undefined;
    } catch (thrown) {
      this.options.onError?.(thrown, name, last);
      if (!this.#closed)
        this.#retryAdvance = setTimeout(() => void this.#exclusive(() => this.#advance()), RESTART_DELAY_MS);
    }
  }

  /**
   * Handles an event and records the handling. A handling that changes the
   * factory (a routing, say) is recorded only if no event about what it
   * changes (the subjects of the events it emits, other than notifications)
   * landed since the handler began; events about other things only move the
   * position it is recorded at. When one did, the handler decides again on
   * the newer state, so a person's routing made meanwhile is not overridden;
   * after {@link MAX_DECISIONS} such decisions the event is recorded as an
   * error (to retry) rather than overriding. Whether this process's record
   * landed comes with the attempt (false for a first handling that emitted
   * nothing: it is recorded later, with others); undefined when the worker
   * closed while waiting.
   */
  async #decide(event: StoredEvent, retry: number): Promise<(Attempted & { landed: boolean }) | undefined> {
    for (let decision = 1; decision <= MAX_DECISIONS; decision++) {
      const attempted = await this.#attempt(event);
      if (attempted === undefined) return undefined;
      // A first handling that emitted nothing is recorded with others (see #advance); a re-run of a failure is marked.
      if (retry === 0 && emittedNothing(attempted)) return { ...attempted, landed: false };
      const subjects = new Set(
        attempted.emitted.filter((next) => next.type !== InboxNotified.type).map((next) => next.subject),
      );
      let head = attempted.head;
      for (;;) {
        try {
          const landed = await this.#record(event, { ...attempted, head }, retry, true);
          return { ...attempted, landed };
        } catch (thrown) {
          if (!(thrown instanceof ConcurrencyConflictError)) throw thrown;
        }
        const newer = await this.#eventsAfter(head);
        if (newer.some((landed) => subjects.has(landed.subject))) break;
        head = newer.at(-1)?.seq ?? head;
      }
    }
    const gaveUp: Attempted = {
      emitted: [],
      error: {
        code: "E_CONFLICT",
        message: `what the handler changes kept changing while it decided (${MAX_DECISIONS} times); retry the event`,
      },
      attempts: MAX_DECISIONS,
      head: 0,
    };
    return { ...gaveUp, landed: await this.#record(event, gaveUp, retry, false) };
  }

  /** Every event after a log position, oldest first. */
  async #eventsAfter(position: number): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for (;;) {
      const page = await this.options.log.read({ after: events.at(-1)?.seq ?? position, limit: 1000 });
      events.push(...page);
      if (page.length < 1000) return events;
    }
  }

  /**
   * Runs the handler, again after a backoff while it throws, up to the
   * policy's attempts; undefined when the worker closed while waiting, or
   * the handler failed after the close began.
   */
  async #attempt(event: StoredEvent): Promise<Attempted | undefined> {
    const attempts = this.automation.retry?.attempts ?? DEFAULT_ATTEMPTS;
    const backoff = this.automation.retry?.backoffMs ?? DEFAULT_BACKOFF_MS;
    const head = await this.options.log.head();
    for (let attempt = 1; ; attempt++) {
      const emitted: NewEvent[] = [];
      const context: AutomationContext<Services> = {
        services: this.options.services,
        automation: this.automation.name,
        signal: this.#stopping.signal,
        emit: (next) => emitted.push(next),
        notify: (notification: Notification) => emitted.push(notificationEvent(notification, event)),
      };
      try {
        await this.automation.run(event, context);
        return { emitted, error: undefined, attempts: attempt, head };
      } catch (thrown) {
        // Failed once the worker began to close (it may have stopped on its signal): left for the next start.
        if (this.#stopping.signal.aborted) return undefined;
        if (attempt >= attempts)
          return { emitted: [], error: describeError(thrown), attempts: attempt, head };
      }
      try {
        await sleep(backoff * 2 ** (attempt - 1), undefined, { signal: this.#stopping.signal });
      } catch {
        return undefined;
      }
    }
  }

  /**
   * Records a handling: what it emitted and its mark, or only the mark with
   * the error when the handler failed or its output is refused. `retry` is
   * how many marks the event had before (0 the first time); `conditional`:
   * whether a handling that changes the factory requires the log's head to be
   * where it was when the handler began. False when another process recorded
   * this handling first.
   *
   * @throws ConcurrencyConflictError when `conditional` and other events landed meanwhile.
   */
  async #record(
    event: StoredEvent,
    attempted: Attempted,
    retry: number,
    conditional: boolean,
  ): Promise<boolean> {
    try {
      return await this.#commit(event, attempted, retry, conditional);
    } catch (thrown) {
      const refused = thrown instanceof ValidationError || thrown instanceof UnknownEventTypeError;
      if (attempted.error !== undefined || !refused) throw thrown;
      // The handler's output was refused (an invalid event, say): record that instead.
      return await this.#commit(
        event,
        { ...attempted, emitted: [], error: describeError(thrown) },
        retry,
        false,
      );
    }
  }

  /** Runs one handling at a time: the subscription's and the retries'. */
  async #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.#turn.then(work);
    this.#turn = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  async #commit(
    event: StoredEvent,
    attempted: Attempted,
    retry: number,
    conditional: boolean,
  ): Promise<boolean> {
    const { emitted, error, attempts } = attempted;
    const changesFactory = emitted.some((next) => next.type !== InboxNotified.type);
    const handled: NewEvent = {
      type: AutomationHandled.type,
      subject: `automation:${this.automation.name}`,
      causedBy: event.id,
      data: {
        automation: this.automation.name,
        event: event.id,
        eventSeq: event.seq,
        outcome: error === undefined ? "ok" : "error",
        ...(error === undefined ? {} : { error }),
        emitted: emitted.length,
        attempts,
        ...(retry === 0 ? {} : { retry }),
      },
    };
    try {
      await this.options.log.append(
        [...emitted.map((next): NewEvent => ({ causedBy: event.id, ...next })), handled],
        {
          idempotencyKey: `automation:${this.automation.name}:${event.id}${retry === 0 ? "" : `:retry:${retry}`}`,
          actor: `automation:${this.automation.name}`,
          ...(conditional && changesFactory ? { expectedHead: attempted.head } : {}),
        },
      );
      return true;
    } catch (thrown) {
      // Another process running the same automation handled this event first.
      if (thrown instanceof IdempotencyConflictError) return false;
      throw thrown;
    }
  }
}

/** Whether a handling ran through and emitted nothing: it changes no more than the cursor. */
function emittedNothing(attempted: Attempted): boolean {
  return attempted.error === undefined && attempted.emitted.length === 0;
}

function resultOf(error: { code: string; message: string } | undefined): RetryResult {
  return error === undefined ? { outcome: "ok" } : { outcome: "error", error };
}

/**
 * An automation's cursor: the position up to which it has handled its
 * events, and the `automation.advanced` records that make the handlings
 * which emitted nothing durable, one per {@link ADVANCE_EVERY} of them and
 * one at a close.
 *
 * Why a handling that emits nothing is not marked. It changes nothing but
 * the cursor, and marking each one cost a write (and a sync to disk) per
 * event: 4,486 of them in a first run over a factory made from this
 * repository, which took 4.8 s instead of 1.4 s (22 s on a loaded machine).
 * So such handlings are counted, and recorded together; a start resumes after
 * the highest position its marks and records reach, so a mark moves the
 * cursor past those before it too (their count waits for the next record).
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
import type { EventLog, StoredEvent } from "@software-factory/core";
import { AutomationAdvanced } from "./events.js";

const RETRY_DELAY_MS = 1000;
/**
 * Handlings that emitted nothing one `automation.advanced` records, at most
 * (a close records fewer): what a start after a crash may run again.
 */
const ADVANCE_EVERY = 500;

/** What a {@link Cursor} records with and tells of its failures. */
export interface CursorOptions {
  readonly log: EventLog;
  /** Name of the automation. */
  readonly automation: string;
  /** Who encoded it, recorded in each `automation.advanced` when it names one. */
  readonly author?: string | undefined;
  /** Where the cursor starts: the position its marks and records reached. */
  readonly position: number;
  /** Told when a record fails, with the last event it records; see `StartAutomationsOptions.onError`. */
  readonly onError: ((error: unknown, automation: string, event: StoredEvent) => void) | undefined;
  /** Runs work in the worker's turn, after the handling in progress (a failed record's retry goes there). */
  readonly inTurn: (work: () => Promise<void>) => Promise<void>;
}

/** The position up to which an automation has handled its events, and the records of those that emitted nothing. */
export class Cursor {
  #position: number;
  /** Handlings that emitted nothing since the last `automation.advanced`, and the last of their events. */
  #unrecorded = 0;
  #lastUnrecorded: StoredEvent | undefined;
  #retry: NodeJS.Timeout | undefined;
  #stopped = false;

  /** A cursor at `options.position`. */
  constructor(private readonly options: CursorOptions) {
    this.#position = options.position;
  }

  /** Position up to which the automation has handled its events. */
  get position(): number {
    return this.#position;
  }

  /**
   * Moves past a handled event. A handling that emitted nothing (`quiet`) is
   * counted, and recorded once {@link ADVANCE_EVERY} of them are; one that
   * emitted or failed carries its own mark. Runs in the worker's turn.
   */
  async passed(event: StoredEvent, quiet: boolean): Promise<void> {
    this.#position = event.seq;
    if (!quiet) return;
    this.#unrecorded += 1;
    this.#lastUnrecorded = event;
    // More than that while a record is failing: its retry records them.
    if (this.#unrecorded === ADVANCE_EVERY) await this.record();
  }

  /** Stops retrying a failed record: the worker is closing, and records once more at its end. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retry);
  }

  /**
   * Records the handlings since the last record that emitted nothing, in one
   * `automation.advanced` up to the cursor's position. When that fails,
   * `onError` hears of it (with the last of their events) and it tries again a
   * second later; a crash before it lands only runs those handlers again.
   * Runs in the worker's turn.
   */
  async record(): Promise<void> {
    clearTimeout(this.#retry);
    const last = this.#lastUnrecorded;
    if (last === undefined) return;
    const { log, automation, author } = this.options;
    try {
      await log.append(
        {
          type: AutomationAdvanced.type,
          subject: `automation:${automation}`,
          data: {
            automation,
            position: this.#position,
            handled: this.#unrecorded,
            ...(author === undefined ? {} : { author }),
          },
        },
        { actor: `automation:${automation}` },
      );
      this.#unrecorded = 0;
      this.#lastUnrecorded = undefined;
    } catch (thrown) {
      this.options.onError?.(thrown, automation, last);
      if (!this.#stopped)
        this.#retry = setTimeout(() => void this.options.inTurn(() => this.record()), RETRY_DELAY_MS);
    }
  }
}

import { setTimeout as sleep } from "node:timers/promises";
import {
  type EventLog,
  IdempotencyConflictError,
  type NewEvent,
  type StoredEvent,
  type Subscription,
} from "@software-factory/core";
import type { Automation, AutomationContext, Notification } from "./Automation.js";
import { AutomationHandled, automationEvents, InboxNotified } from "./events.js";

const CURSOR_PAGE = 1000;
const RESTART_DELAY_MS = 1000;
const IDLE_POLL_MS = 10;

/** Options of {@link startAutomations}. */
export interface StartAutomationsOptions<Services> {
  /** The factory's log; the automation event types are registered on it. */
  readonly log: EventLog;
  /** Automations to run; names must be unique. */
  readonly automations: readonly Automation<Services>[];
  /** Services handed to every handler. */
  readonly services: Services;
  /** Told when appending a handler's result fails for a reason other than bad output; the automation retries after a second. */
  readonly onError?: (error: unknown, automation: string, event: StoredEvent) => void;
}

/** Running automations. */
export interface AutomationRunner extends AsyncDisposable {
  /** Position up to which each automation has handled its events, by name. */
  positions(): Readonly<Record<string, number>>;
  /** Resolves when every automation has handled every matching event up to the log's current head. */
  idle(): Promise<void>;
  /** Stops every automation after the event in progress. */
  close(): Promise<void>;
}

/**
 * Starts automations, each from its durable cursor: the position of the last
 * event it marked handled in the log. A handler's emitted events and the mark
 * land in one batch under an idempotency key derived from the automation and
 * the event, so across crashes, restarts and several processes running the
 * same automations, each event is handled once as far as the log can tell.
 *
 * A handler that throws is recorded as handled with outcome `error` and its
 * emitted events are dropped, so one bad event cannot wedge an automation.
 *
 * @throws RangeError when two automations share a name.
 */
export async function startAutomations<Services>(
  options: StartAutomationsOptions<Services>,
): Promise<AutomationRunner> {
  const { log, automations } = options;
  log.registry.register(...automationEvents);
  const names = new Set<string>();
  for (const automation of automations) {
    if (names.has(automation.name)) throw new RangeError(`two automations are named "${automation.name}"`);
    names.add(automation.name);
  }
  const cursors = await readCursors(log, names);
  const workers = automations.map(
    (automation) => new AutomationWorker(automation, options, cursors.get(automation.name) ?? 0),
  );
  await Promise.all(workers.map((worker) => worker.start()));
  const runner: AutomationRunner = {
    positions: () => Object.fromEntries(workers.map((worker) => [worker.name, worker.position])),
    idle: async () => {
      const head = await log.head();
      await Promise.all(workers.map((worker) => worker.reach(head)));
    },
    close: async () => {
      await Promise.all(workers.map((worker) => worker.close()));
    },
    [Symbol.asyncDispose]: () => runner.close(),
  };
  return runner;
}

async function readCursors(log: EventLog, names: ReadonlySet<string>): Promise<Map<string, number>> {
  const cursors = new Map<string, number>();
  for (let after = 0; ; ) {
    const page = await log.read({ after, limit: CURSOR_PAGE, types: [AutomationHandled.type] });
    for (const event of page) {
      if (!AutomationHandled.is(event) || !names.has(event.data.automation)) continue;
      cursors.set(
        event.data.automation,
        Math.max(cursors.get(event.data.automation) ?? 0, event.data.eventSeq),
      );
    }
    const last = page.at(-1);
    if (last === undefined || page.length < CURSOR_PAGE) return cursors;
    after = last.seq;
  }
}

class AutomationWorker<Services> {
  #subscription: Subscription | undefined;
  #restart: NodeJS.Timeout | undefined;
  #closed = false;
  #position: number;

  constructor(
    private readonly automation: Automation<Services>,
    private readonly options: StartAutomationsOptions<Services>,
    position: number,
  ) {
    this.#position = position;
  }

  get name(): string {
    return this.automation.name;
  }

  get position(): number {
    return this.#position;
  }

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

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#restart);
    await this.#subscription?.close();
  }

  async #handle(event: StoredEvent): Promise<void> {
    const emitted: NewEvent[] = [];
    const context: AutomationContext<Services> = {
      services: this.options.services,
      automation: this.automation.name,
      emit: (next) => emitted.push(next),
      notify: (notification: Notification) => emitted.push(notificationEvent(notification, event)),
    };
    let error: { code: string; message: string } | undefined;
    try {
      await this.automation.run(event, context);
    } catch (thrown) {
      error = describeError(thrown);
    }
    try {
      await this.#commit(event, error === undefined ? emitted : [], error);
    } catch (thrown) {
      if (error !== undefined || isAlreadyHandled(thrown)) throw thrown;
      // The handler's output was refused (an invalid event, say): record that instead.
      await this.#commit(event, [], describeError(thrown));
    }
    this.#position = event.seq;
  }

  async #commit(
    event: StoredEvent,
    emitted: readonly NewEvent[],
    error: { code: string; message: string } | undefined,
  ): Promise<void> {
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
      },
    };
    try {
      await this.options.log.append(
        [...emitted.map((next): NewEvent => ({ causedBy: event.id, ...next })), handled],
        {
          idempotencyKey: `automation:${this.automation.name}:${event.id}`,
          actor: `automation:${this.automation.name}`,
        },
      );
    } catch (thrown) {
      // Another process running the same automation handled this event first.
      if (thrown instanceof IdempotencyConflictError) return;
      throw thrown;
    }
  }
}

function isAlreadyHandled(error: unknown): boolean {
  return error instanceof IdempotencyConflictError;
}

function notificationEvent(notification: Notification, cause: StoredEvent): NewEvent {
  return {
    type: InboxNotified.type,
    subject: notification.to,
    causedBy: cause.id,
    data: {
      to: notification.to,
      title: notification.title,
      body: notification.body,
      ...(notification.ref === undefined ? {} : { ref: notification.ref }),
      ...(notification.reason === undefined ? {} : { reason: notification.reason }),
    },
  };
}

function describeError(error: unknown): { code: string; message: string } {
  if (typeof error === "object" && error !== null) {
    const code = "code" in error && typeof error.code === "string" ? error.code : "HANDLER_FAILED";
    const message = "message" in error && typeof error.message === "string" ? error.message : String(error);
    return { code, message };
  }
  return { code: "HANDLER_FAILED", message: String(error) };
}

import {
  checkArguments,
  type EventLog,
  type Projection,
  type StoredEvent,
  startProjection,
  strictInput,
  withMethods,
} from "@software-factory/core";
import { z } from "zod";
import { Text, Texts } from "../internal/arguments.js";
import { parseInput } from "../internal/parse.js";
import type { Notification } from "./Automation.js";
import { automationEvents, InboxNotified, InboxRead } from "./events.js";
import {
  expectRecipients,
  isKnownOperator,
  type KnownOperators,
  NotificationSchema,
  unknownOperator,
} from "./notificationChecks.js";

/** A notification as stored in an inbox. */
export interface InboxItem extends Notification {
  /** Id of the `inbox.notified` event. */
  readonly id: string;
  /** Log position of the notification. */
  readonly seq: number;
  /** When it was sent (ISO 8601). */
  readonly at: string;
  /** Who or what sent it (`automation:route-new-signals`). */
  readonly from: string;
  /** Id of the event that caused it, when known. */
  readonly causedBy?: string;
  /** Whether the recipient marked it read. */
  readonly read: boolean;
}

/** Options of {@link Inbox.list}. */
export interface InboxListOptions {
  /** Only notifications not yet read. */
  readonly unreadOnly?: boolean;
  /** Page size (default 50, at most 500). */
  readonly limit?: number;
  /** Only notifications after this log position (the `seq` of the last one seen). */
  readonly after?: number;
}

/** Options of {@link Inbox.open}. */
export interface InboxOptions {
  /**
   * The operators there are (a factory gives its floor plan's, and the
   * owners of work items): notifications to anyone else are refused, and so
   * is listing the inbox of someone who is neither one nor has a
   * notification. Without it every operator id is accepted.
   */
  readonly operators?: KnownOperators;
}

/** An event log argument. */
const Log = withMethods("an event log (openEventLog's result)", "append", "read");
/** What a notification's recipient and sender may name: an operator id. */
const Operator = Text;
const ActorOptionsSchema = strictInput({ actor: z.string().optional() }).optional();
const InboxOptionsSchema = strictInput({
  operators: withMethods("a directory of operators ({ hasOperator })", "hasOperator").optional(),
}).optional();

const ListOptionsSchema = strictInput({
  unreadOnly: z.boolean().optional(),
  limit: z.number().int().min(1).max(500).optional(),
  after: z.number().int().nonnegative().optional(),
});

/**
 * Every operator's inbox: notifications from automations and people, folded
 * from the log. Delivery to chat tools is a later adapter over the same events.
 */
export class Inbox implements AsyncDisposable {
  readonly #items = new Map<string, InboxItem[]>();
  readonly #byId = new Map<string, { to: string; index: number }>();
  /** For each notification read, the id of the `inbox.read` event that first marked it read. */
  readonly #readBy = new Map<string, string>();

  /**
   * The fold of the log's notifications, started by the first call that
   * reads or writes them: a factory whose inbox is never used (a CLI command
   * that only reads the floor plan) folds none of the log's notifications.
   */
  #projection: Promise<Projection> | undefined;
  #closed = false;

  private constructor(
    private readonly log: EventLog,
    private readonly operators: KnownOperators | undefined,
  ) {}

  /**
   * Opens the inbox over a log: the log's notifications are folded on the
   * first call that reads or writes them, and new ones followed from then
   * on.
   *
   * @throws ValidationError when `log` is no event log, or `options` has an unknown key or an `operators` without `hasOperator`.
   */
  static async open(log: EventLog, options: InboxOptions = {}): Promise<Inbox> {
    checkArguments("Inbox.open", { log: [Log, log], options: [InboxOptionsSchema, options] });
    log.registry.register(...automationEvents);
    return new Inbox(log, options.operators);
  }

  /**
   * Lists an operator's notifications, oldest first.
   *
   * @throws ValidationError when the options are malformed.
   * @throws NotFoundError (entity `operator`, field `operator`) when the
   *   operator is not one the inbox knows (see {@link InboxOptions.operators})
   *   and has no notification: a mistyped operator would show an empty inbox.
   */
  async list(operator: string, options: InboxListOptions = {}): Promise<InboxItem[]> {
    checkArguments("inbox.list", { operator: [Operator, operator] });
    const parsed = parseInput(ListOptionsSchema, options, "inbox list options");
    await this.#catchUp();
    await this.#expectOperator(operator);
    return (this.#items.get(operator) ?? [])
      .filter((item) => item.seq > (parsed.after ?? 0) && (!parsed.unreadOnly || !item.read))
      .slice(0, parsed.limit ?? 50);
  }

  /**
   * Number of unread notifications of an operator.
   *
   * @throws NotFoundError (entity `operator`, field `operator`) when the operator is unknown, as {@link Inbox.list} says.
   */
  async unreadCount(operator: string): Promise<number> {
    checkArguments("inbox.unreadCount", { operator: [Operator, operator] });
    await this.#catchUp();
    await this.#expectOperator(operator);
    return (this.#items.get(operator) ?? []).filter((item) => !item.read).length;
  }

  /**
   * Sends a notification directly (automations use their context's `notify`).
   *
   * @throws ValidationError (path `notification.<field>`) when the notification is malformed, or its title is not one line (it holds a newline, tab, escape or other control character, or a bidi override).
   * @throws NotFoundError (entity `operator`, field `to`) when the recipient is not an operator the inbox knows (see {@link InboxOptions.operators}); nothing is written.
   */
  async notify(notification: Notification, options: { readonly actor?: string } = {}): Promise<InboxItem> {
    checkArguments("inbox.notify", {
      notification: [NotificationSchema, notification],
      options: [ActorOptionsSchema, options],
    });
    await expectRecipients(this.operators, [notification]);
    const [event] = await this.log.append(
      { type: InboxNotified.type, subject: notification.to, data: notification },
      options.actor === undefined ? {} : { actor: options.actor },
    );
    await this.#catchUp();
    const found = event === undefined ? undefined : this.#find(event.id);
    if (found === undefined) throw new Error("the notification was appended but not folded");
    return found;
  }

  /**
   * Marks notifications of an operator read; ids that are not theirs or
   * already read are ignored. Returns how many this call marked read: when
   * several processes mark the same notifications at once, each counts only
   * those its own event marked first.
   */
  async markRead(operator: string, ids: readonly string[]): Promise<number> {
    checkArguments("inbox.markRead", { operator: [Operator, operator], ids: [Texts, ids] });
    await this.#catchUp();
    const unread = ids.filter((id) => {
      const item = this.#find(id);
      return item !== undefined && item.to === operator && !item.read;
    });
    if (unread.length === 0) return 0;
    const [event] = await this.log.append({
      type: InboxRead.type,
      subject: operator,
      data: { to: operator, notifications: unread },
    });
    await this.#catchUp();
    return unread.filter((id) => this.#readBy.get(id) === event?.id).length;
  }

  /** Stops following the log (nothing to stop when the inbox was never used). */
  async close(): Promise<void> {
    this.#closed = true;
    const projection = await this.#projection?.catch(() => undefined);
    await projection?.close();
  }

  /** Same as {@link Inbox.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Refuses an operator who has no notification and is not one the inbox
   * knows, as `factory inbox` does: one retired from the floor plan keeps
   * their inbox.
   */
  async #expectOperator(operator: string): Promise<void> {
    if ((this.#items.get(operator)?.length ?? 0) > 0 || (await isKnownOperator(this.operators, operator)))
      return;
    throw unknownOperator(
      this.operators,
      "operator",
      operator,
      "in the floor plan, and no notification to them",
    );
  }

  /**
   * Folds every notification up to the log's head, starting the fold on
   * first use (one started after close folds once and follows nothing).
   */
  async #catchUp(): Promise<void> {
    if (this.#projection === undefined) {
      const started = startProjection(this.log, {
        types: [InboxNotified.type, InboxRead.type],
        apply: (event) => this.#apply(event),
        live: !this.#closed,
      });
      // A fold that failed (a newer event, a read that failed) is started again by the next call.
      this.#projection = started.catch((error: unknown) => {
        this.#projection = undefined;
        throw error;
      });
    }
    await (await this.#projection).catchUp();
  }

  #find(id: string): InboxItem | undefined {
    const where = this.#byId.get(id);
    return where === undefined ? undefined : this.#items.get(where.to)?.[where.index];
  }

  #apply(event: StoredEvent): void {
    if (InboxNotified.is(event)) {
      const items = this.#items.get(event.data.to) ?? [];
      this.#items.set(event.data.to, items);
      this.#byId.set(event.id, { to: event.data.to, index: items.length });
      const { ref, reason, ...rest } = event.data;
      items.push({
        ...rest,
        ...(ref === undefined ? {} : { ref }),
        ...(reason === undefined ? {} : { reason }),
        id: event.id,
        seq: event.seq,
        at: event.at,
        from: event.actor,
        ...(event.causedBy === undefined ? {} : { causedBy: event.causedBy }),
        read: false,
      });
    } else if (InboxRead.is(event)) {
      for (const id of event.data.notifications) {
        const where = this.#byId.get(id);
        const items = where === undefined ? undefined : this.#items.get(where.to);
        const item = where === undefined ? undefined : items?.[where.index];
        if (items !== undefined && item !== undefined && where !== undefined && !item.read) {
          items[where.index] = { ...item, read: true };
          this.#readBy.set(id, event.id);
        }
      }
    }
  }
}

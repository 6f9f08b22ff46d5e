/**
 * What a notification must be before it lands in an inbox, whether sent with
 * `inbox.notify` or queued by an automation's `notify`: well formed, with a
 * title of one line (no newline, tab, escape or bidi override, which would
 * break a listing or repaint a terminal), and to an operator there is, so a
 * mistyped recipient is refused rather than filling an inbox nobody reads.
 *
 * @module
 */
import { checkArguments, findUnsafeLineCharacter, NotFoundError, nearNames } from "@software-factory/core";
import type { Notification } from "./Automation.js";
import { InboxNotified } from "./events.js";

/**
 * Which operators there are, for an inbox and the automations to refuse
 * notifications to anyone else. In a factory: the floor plan's operators and
 * those owning a work item (an operator retired from the floor plan keeps
 * their work, and is told about it).
 *
 * @example
 * ```ts
 * const operators: KnownOperators = { hasOperator: (id) => ["ana", "bo"].includes(id) };
 * ```
 */
export interface KnownOperators {
  /** Whether the operator exists. */
  hasOperator(operatorId: string): boolean;
  /** Every operator there is, for the "did you mean" of a refusal. */
  operators?(): readonly {
    /** The operator's id. */
    readonly id: string;
  }[];
  /** Folds changes other processes made since the last call; called before an operator is refused. */
  refresh?(): Promise<unknown>;
}

/** A notification as sent: the event's payload, with a title of one line. */
export const NotificationSchema = InboxNotified.schema.superRefine((notification, ctx) => {
  const found = findUnsafeLineCharacter(notification.title);
  if (found !== undefined)
    ctx.addIssue({
      code: "custom",
      path: ["title"],
      message: `${found.message} is not allowed in a title, which is one line`,
    });
});

/**
 * Refuses a malformed notification, or one whose title is not one line.
 *
 * @throws ValidationError naming `subject` and each bad field (`notification.title: U+000A (line feed) at character 10 is not allowed ...`).
 */
export function checkNotification(subject: string, notification: Notification): void {
  checkArguments(subject, { notification: [NotificationSchema, notification] });
}

/**
 * Whether `operator` is one of `operators`, after catching up with other
 * processes' changes when it is not at first; true without a directory.
 */
export async function isKnownOperator(
  operators: KnownOperators | undefined,
  operator: string,
): Promise<boolean> {
  if (operators === undefined || operators.hasOperator(operator)) return true;
  await operators.refresh?.();
  return operators.hasOperator(operator);
}

/**
 * The refusal of an operator the directory does not know, naming the field
 * and the operator, with the operators near it ("did you mean").
 */
export function unknownOperator(
  operators: KnownOperators | undefined,
  field: string,
  operator: string,
  problem: string,
): NotFoundError {
  const near = nearNames(operator, operators?.operators?.().map(({ id }) => id) ?? []);
  const hint = near.length === 0 ? "" : `; did you mean ${near.map((id) => `"${id}"`).join(" or ")}?`;
  return new NotFoundError({
    message: `${field}: no operator "${operator}" ${problem}${hint}`,
    entity: "operator",
    id: operator,
    field,
  });
}

/**
 * Refuses notifications to operators the directory does not know (after
 * catching up with other processes' changes).
 *
 * @throws NotFoundError (entity `operator`, field `to`) naming the first unknown recipient.
 */
export async function expectRecipients(
  operators: KnownOperators | undefined,
  notifications: readonly Notification[],
): Promise<void> {
  for (const { to } of notifications)
    if (!(await isKnownOperator(operators, to)))
      throw unknownOperator(operators, "to", to, "in the floor plan");
}

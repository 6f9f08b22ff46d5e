/**
 * The inbox tools of the `work` group: the notifications automations route
 * to an operator, and marking them read.
 *
 * @module
 */
import { cutText, NotFoundError } from "@software-factory/core";
import type { Factory, InboxItem } from "@software-factory/intelligence";
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import { nearHint, operatorIds } from "./knownValues.js";
import { Operator } from "./shared.js";
import { InboxItemOutput } from "./workOutputs.js";

/**
 * Refuses an operator who is neither in the floor plan (nor owning work) nor
 * was ever sent a notification, as the SDK's inbox does, with a NotFoundError
 * naming them in this server's words.
 */
async function knownOperator(factory: Factory, operator: string): Promise<void> {
  try {
    await factory.inbox.list(operator, { unreadOnly: false, limit: 1 });
  } catch (error) {
    if (!(error instanceof NotFoundError) || error.field !== "operator" || error.id !== operator) throw error;
    throw new NotFoundError({
      message: `operator: no operator "${operator}" in the floor plan, and no notification was ever sent to them ${nearHint(operator, operatorIds(factory), "factory://floorplan lists the operators")}`,
      entity: "operator",
      id: operator,
      field: "operator",
    });
  }
}

/** Every notification in an operator's inbox (read or not, unless `unreadOnly`), oldest first. */
async function wholeInbox(
  factory: Factory,
  operator: string,
  { unreadOnly }: { readonly unreadOnly: boolean } = { unreadOnly: false },
): Promise<InboxItem[]> {
  const items: InboxItem[] = [];
  for (;;) {
    const after = items.at(-1)?.seq;
    const batch = await factory.inbox.list(operator, {
      unreadOnly,
      limit: 500,
      ...(after === undefined ? {} : { after }),
    });
    items.push(...batch);
    if (batch.length < 500) return items;
  }
}

/**
 * Characters of a notification's body `get_inbox` answers: a body quotes what
 * it is about, and fifty notifications of 10,000-character signals made an
 * answer of 517,473 characters.
 */
const BODY_CHARACTERS = 1_000;

/** `item` with its body cut to {@link BODY_CHARACTERS}, saying how long it was and where the whole is. */
function shortBody(item: InboxItem): InboxItem {
  if (item.body.length <= BODY_CHARACTERS) return item;
  const note = `... (cut: the body is ${item.body.length.toLocaleString("en-US")} characters; ref names what it is about)`;
  return { ...item, body: `${cutText(item.body, BODY_CHARACTERS - note.length)}${note}` };
}

/** `get_inbox`: the notifications routed to an operator. */
export const getInbox = defineTool({
  name: "get_inbox",
  title: "An operator's inbox",
  description:
    "Notifications routed to an operator by automations (new signals on their lines, suspect links on their work, contract changes upstream), the newest limit, oldest first; unreadOnly leaves out those marked read with mark_inbox_read. Filled only while the server runs automations (factory-mcp --automations).",
  group: "work",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    operator: Operator.describe(
      "Whose inbox: an operator id of the floor plan (factory://floorplan lists them)",
    ),
    unreadOnly: z.boolean().default(false).describe("Only notifications not yet marked read"),
    limit: z.number().int().min(1).max(500).default(50).describe("How many of the newest to return"),
  }),
  output: z.object({
    items: z.array(InboxItemOutput).describe("The newest notifications, oldest first"),
    unread: z.number().describe("Notifications of the operator still unread"),
  }),
  run: async (factory, input) => {
    await knownOperator(factory, input.operator);
    const items = await wholeInbox(factory, input.operator, { unreadOnly: input.unreadOnly });
    return {
      items: items.slice(-input.limit).map(shortBody),
      unread: await factory.inbox.unreadCount(input.operator),
    };
  },
});

/** `mark_inbox_read`: marks notifications of an operator's inbox read. */
export const markInboxRead = defineTool({
  name: "mark_inbox_read",
  title: "Mark notifications read",
  description:
    "Mark notifications of an operator's inbox read (ids from get_inbox), so get_inbox with unreadOnly stops returning them; ids already read are reported, not refused.",
  group: "work",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z.object({
    operator: Operator.describe("Whose inbox: the operator id given to get_inbox"),
    ids: z.array(z.string().min(1).max(200)).min(1).max(500).describe("Ids of notifications, from get_inbox"),
  }),
  output: z.object({
    marked: z.array(z.string()).describe("Ids marked read by this call"),
    alreadyRead: z.array(z.string()).describe("Ids that were read before this call"),
    unread: z.number().describe("Notifications of the operator still unread"),
  }),
  run: async (factory, { operator, ids }) => {
    await knownOperator(factory, operator);
    const inbox = new Map((await wholeInbox(factory, operator)).map((item) => [item.id, item]));
    const missing = ids.flatMap((id, index) => (inbox.has(id) ? [] : [{ id, field: `ids[${index}]` }]));
    const [first] = missing;
    if (first !== undefined) {
      const named = missing.map(({ id, field }) => `${field} "${id}"`).join(", ");
      throw new NotFoundError({
        message: `${named} ${missing.length === 1 ? "is not a notification" : "are not notifications"} in ${operator}'s inbox (get_inbox lists them); nothing was marked`,
        entity: "notification",
        id: first.id,
        field: first.field,
      });
    }
    const unique = [...new Set(ids)];
    const alreadyRead = unique.filter((id) => inbox.get(id)?.read === true);
    const marked = unique.filter((id) => inbox.get(id)?.read === false);
    await factory.inbox.markRead(operator, marked);
    return { marked, alreadyRead, unread: await factory.inbox.unreadCount(operator) };
  },
});

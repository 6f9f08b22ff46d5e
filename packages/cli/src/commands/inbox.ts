/**
 * `factory inbox [--operator <operator>] [--unread]`: an operator's notifications,
 * from automations and people, newest last; `factory inbox read <ids...>`
 * marks some read.
 *
 * @module
 */
import { NotFoundError } from "@software-factory/core";
import type { Factory, InboxItem } from "@software-factory/intelligence";
import type { Command } from "commander";
import { ActorFlag, idArguments, parseFlag, positiveIntFlag } from "../flags.js";
import { argumentNotFound } from "../namingFlags.js";
import { oneLine } from "../printable.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";

/** The most notifications one page of the inbox returns. */
const PAGE = 500;

/** What `factory inbox --json` prints. */
interface InboxListing {
  readonly operator: string;
  /** Unread notifications of the operator, all of them (not only those listed). */
  readonly unread: number;
  /** The newest notifications (up to `--limit`), oldest first. */
  readonly items: readonly InboxItem[];
}

/** What `factory inbox read --json` prints. */
interface MarkedRead {
  readonly operator: string;
  /** Ids marked read by this command. */
  readonly marked: readonly string[];
  /** Ids that were read before. */
  readonly alreadyRead: readonly string[];
  /** Notifications of the operator still unread. */
  readonly unread: number;
}

/**
 * Every notification of an operator (or the unread ones), oldest first.
 * `given` is the `--operator` as typed, undefined when the operator is the actor.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `operator`) naming the flag the
 *   operator came from, when the SDK refuses them: not in the floor plan (nor
 *   owning work), and no notification to them.
 */
async function wholeInbox(
  factory: Factory,
  operator: string,
  unreadOnly: boolean,
  given: string | undefined,
): Promise<InboxItem[]> {
  const items: InboxItem[] = [];
  try {
    for (let after = 0; ; ) {
      const page = await factory.inbox.list(operator, { unreadOnly, limit: PAGE, after });
      items.push(...page);
      const last = page.at(-1);
      if (last === undefined || page.length < PAGE) return items;
      after = last.seq;
    }
  } catch (error) {
    if (!(error instanceof NotFoundError) || error.field !== "operator" || error.id !== operator) throw error;
    throw unknownOperator(operator, given);
  }
}

/** The refusal of an operator the factory does not know, naming the flag the operator came from. */
function unknownOperator(operator: string, given: string | undefined): NotFoundError {
  const message = `no operator "${operator}" in the floor plan, and no notification to them`;
  // The actor is the default, seldom typed: the hint says how to name another operator.
  if (given === undefined)
    return new NotFoundError({
      message: `${message} (give --operator <operator>)`,
      entity: "operator",
      id: operator,
      field: "--actor",
    });
  return argumentNotFound("--operator", { message, entity: "operator", id: operator });
}

/**
 * Marks notifications of an operator read, all or none, as MCP's
 * `mark_inbox_read` does: ids read already are reported, not refused.
 *
 * @throws NotFoundError naming `<ids>` and every id that is not a notification in the operator's inbox; nothing is marked then.
 */
async function markRead(
  factory: Factory,
  operator: string,
  ids: readonly string[],
  given: string | undefined,
): Promise<MarkedRead> {
  const inbox = new Map((await wholeInbox(factory, operator, false, given)).map((item) => [item.id, item]));
  const missing = ids.filter((id) => !inbox.has(id));
  const [first] = missing;
  if (first !== undefined)
    throw argumentNotFound("<ids>", {
      message: `${missing.map((id) => `"${id}"`).join(", ")} ${missing.length === 1 ? "is not a notification" : "are not notifications"} in ${operator}'s inbox (factory inbox lists them); nothing was marked`,
      entity: "notification",
      id: first,
    });
  const unique = [...new Set(ids)];
  const alreadyRead = unique.filter((id) => inbox.get(id)?.read === true);
  const marked = unique.filter((id) => inbox.get(id)?.read === false);
  await factory.inbox.markRead(operator, marked);
  return { operator, marked, alreadyRead, unread: await factory.inbox.unreadCount(operator) };
}

/** Registers `factory inbox` and `factory inbox read`. */
export function registerInbox(program: Command, context: CliContext): void {
  const inbox = program
    .command("inbox")
    .description("an operator's notifications (from automations and people), newest last")
    .option("--operator <operator>", "whose inbox (default the actor: --actor or FACTORY_ACTOR)")
    .option("--unread", "only notifications not yet read")
    .option("-n, --limit <n>", "show the newest n (at most 500)", "50")
    .action(
      action(context, async ({ options, output }, flags) => {
        const f = flags as { operator?: string; unread?: boolean; limit: string };
        const operator =
          f.operator === undefined ? options.actor : parseFlag(ActorFlag, f.operator, "--operator");
        const limit = parseFlag(positiveIntFlag(PAGE), f.limit, "--limit");
        const listing = await withFactory(options, async (factory): Promise<InboxListing> => {
          const items = await wholeInbox(factory, operator, f.unread === true, f.operator);
          const unread = await factory.inbox.unreadCount(operator);
          return { operator, unread, items: items.slice(-limit) };
        });
        if (options.json) return output.json(listing);
        if (listing.items.length === 0) {
          output.line(`no ${f.unread === true ? "unread " : ""}notifications for ${operator}`);
          return;
        }
        for (const item of listing.items) {
          const mark = item.read ? " " : output.style("yellow", "*");
          const about = item.ref === undefined ? "" : `  ${item.ref.kind} ${item.ref.id}`;
          output.line(
            `${mark} ${item.at.slice(0, 16).replace("T", " ")}  ${output.style("bold", oneLine(item.title))}`,
          );
          output.line(output.style("dim", `    from ${item.from}${about}`));
          const body = item.body.trim().split("\n")[0] ?? "";
          if (body !== "") output.line(`    ${body}`);
        }
        output.line(`${operator}: ${listing.items.length} shown, ${listing.unread} unread`);
      }),
    );

  inbox
    .command("read")
    .description(
      "mark notifications read (ids from factory inbox --json; --operator <operator> as for factory inbox); an unknown id marks nothing",
    )
    .argument("<ids...>", "ids of notifications", idArguments("<ids>"))
    .action(
      action(context, async ({ options, output }, ids) => {
        // `--operator` is the option of `factory inbox`, which commander parses for its subcommands too.
        const given = (inbox.opts() as { operator?: string }).operator;
        const operator = given === undefined ? options.actor : parseFlag(ActorFlag, given, "--operator");
        const result = await withFactory(options, (factory) =>
          markRead(factory, operator, ids as string[], given),
        );
        if (options.json) return output.json(result);
        output.line(
          `${operator}: ${result.marked.length} marked read${result.alreadyRead.length === 0 ? "" : `, ${result.alreadyRead.length} read already`}, ${result.unread} unread`,
        );
      }),
    );
}

/**
 * `factory inbox [--operator <id>] [--unread]`: an operator's notifications,
 * from automations and people, newest last.
 *
 * @module
 */
import { NotFoundError } from "@software-factory/core";
import type { InboxItem } from "@software-factory/intelligence";
import type { Command } from "commander";
import { z } from "zod";
import { ActorFlag, PositiveIntFlag, parseFlag } from "../flags.js";
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

/** Registers `factory inbox`. */
export function registerInbox(program: Command, context: CliContext): void {
  program
    .command("inbox")
    .description("an operator's notifications (from automations and people), newest last")
    .option("--operator <id>", "whose inbox (default: the actor, --actor or FACTORY_ACTOR)")
    .option("--unread", "only notifications not yet read")
    .option("-n, --limit <n>", "show the newest n (1-500)", "50")
    .action(
      action(context, async ({ options, output }, flags) => {
        const f = flags as { operator?: string; unread?: boolean; limit: string };
        const operator =
          f.operator === undefined ? options.actor : parseFlag(ActorFlag, f.operator, "--operator");
        const limit = parseFlag(
          PositiveIntFlag.pipe(z.number().max(PAGE, `must be at most ${PAGE}`)),
          f.limit,
          "--limit",
        );
        const listing = await withFactory(options, async (factory): Promise<InboxListing> => {
          const items: InboxItem[] = [];
          for (let after = 0; ; ) {
            const page = await factory.inbox.list(operator, {
              unreadOnly: f.unread === true,
              limit: PAGE,
              after,
            });
            items.push(...page);
            const last = page.at(-1);
            if (last === undefined || page.length < PAGE) break;
            after = last.seq;
          }
          const unread = await factory.inbox.unreadCount(operator);
          await factory.floorplan.refresh();
          if (items.length === 0 && unread === 0 && !factory.floorplan.hasOperator(operator)) {
            throw new NotFoundError({
              message: `no operator "${operator}" in the floor plan, and no notification to them${f.operator === undefined ? " (give --operator <id>)" : ""}`,
              entity: "operator",
              id: operator,
              field: f.operator === undefined ? "--actor" : "--operator",
            });
          }
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
            `${mark} ${item.at.slice(0, 16).replace("T", " ")}  ${output.style("bold", item.title)}`,
          );
          output.line(output.style("dim", `    from ${item.from}${about}`));
          const body = item.body.trim().split("\n")[0] ?? "";
          if (body !== "") output.line(`    ${body}`);
        }
        output.line(`${operator}: ${listing.items.length} shown, ${listing.unread} unread`);
      }),
    );
}

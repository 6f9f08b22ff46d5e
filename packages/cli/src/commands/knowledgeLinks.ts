/**
 * `factory knowledge link|unlink`: a typed link from a document to another
 * document or an artifact, added or removed, as the SDK's `link` and `unlink` do.
 *
 * @module
 */
import type { Factory } from "@software-factory/intelligence";
import {
  type KnowledgeDocument,
  type Link,
  LinkSchema,
  type WriteOptions,
} from "@software-factory/knowledge";
import type { Command } from "commander";
import { idArgument, idempotencyKeyOption, NameValue, parseFlag } from "../flags.js";
import { type FlagsOfFields, namingFlags } from "../namingFlags.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";
import { documentView, keyHelp, requireDocument } from "./knowledgeDocuments.js";

/** A link's type as typed: not blank, and a type by the knowledge base's rule (a lowercase-first word, at most 60 characters). */
const LinkTypeFlag = NameValue.pipe(LinkSchema.shape.type);

/** A link's target as typed: not blank, and an id of at most 200 characters. */
const LinkTargetFlag = NameValue.pipe(LinkSchema.shape.target);

/** Which flag each field of a link came from. */
const LINK_FLAGS: FlagsOfFields = { type: "--type", target: "--target", idempotencyKey: "--idempotency-key" };

/** Whether a document holds a link of this type to this target. */
const holds = (document: KnowledgeDocument, link: Link) =>
  document.links.some((held) => held.type === link.type && held.target === link.target);

/** What `link` and `unlink` do: the SDK call, and the line each prints when it changed the links or did not. */
interface LinkChange {
  readonly write: (
    factory: Factory,
    id: string,
    link: Link,
    options: WriteOptions,
  ) => Promise<KnowledgeDocument>;
  readonly changed: (id: string, link: Link) => string;
  readonly unchanged: (id: string, link: Link) => string;
}

const LINK: LinkChange = {
  write: (factory, id, link, options) => factory.knowledge.link(id, link, options),
  changed: (id, { type, target }) => `linked ${id} to ${target} (${type})`,
  unchanged: (id, { type, target }) => `${id} already links to ${target} (${type}): nothing changed`,
};

const UNLINK: LinkChange = {
  write: (factory, id, link, options) => factory.knowledge.unlink(id, link, options),
  changed: (id, { type, target }) => `unlinked ${id} from ${target} (${type})`,
  unchanged: (id, { type, target }) => `${id} has no ${type} link to ${target}: nothing changed`,
};

/**
 * The action of `link` or `unlink`: `--type` and `--target` checked before
 * the factory opens, `<id>` required to name a document, the SDK's refusals
 * told in the flags' words, then the document printed as JSON or a line that
 * says whether its links changed.
 */
function linkAction(context: CliContext, change: LinkChange): ReturnType<typeof action> {
  return action(context, async ({ options, output }, id, flags) => {
    const f = flags as { type: string; target: string; idempotencyKey?: string };
    const link: Link = {
      type: parseFlag(LinkTypeFlag, f.type, "--type"),
      target: parseFlag(LinkTargetFlag, f.target, "--target"),
    };
    const keyed = idempotencyKeyOption(f.idempotencyKey);
    const { before, document } = await withFactory(options, async (factory) => {
      const current = await requireDocument(factory, id as string);
      const written = await namingFlags(LINK_FLAGS, () =>
        change.write(factory, id as string, link, { actor: options.actor, ...keyed }),
      );
      return { before: current, document: written };
    });
    if (options.json) return output.json(documentView(document));
    const changed = holds(before, link) !== holds(document, link);
    output.line(changed ? change.changed(document.id, link) : change.unchanged(document.id, link));
  });
}

/** Adds the flags `link` and `unlink` take: the link's `--type` and `--target`, and `--idempotency-key`. */
function linkFlags(command: Command, retry: string): Command {
  return command
    .argument("<id>", "document id", idArgument("<id>"))
    .requiredOption(
      "--type <type>",
      "what the link means: a word starting lowercase (relatesTo, informs, evidenceFor)",
    )
    .requiredOption("--target <id>", "the linked document or artifact (a document id, wi_..., sig_...)")
    .option("--idempotency-key <key>", keyHelp(retry));
}

/** Registers `factory knowledge link` and `factory knowledge unlink` under `factory knowledge`. */
export function registerKnowledgeLinks(knowledge: Command, context: CliContext): void {
  linkFlags(
    knowledge
      .command("link")
      .description(
        "add a typed link from a document to another document or an artifact (not to a retracted document)",
      ),
    "writes the link once",
  ).action(linkAction(context, LINK));

  linkFlags(
    knowledge
      .command("unlink")
      .description("remove a typed link from a document (also one to a document retracted since)"),
    "writes the removal once",
  ).action(linkAction(context, UNLINK));
}

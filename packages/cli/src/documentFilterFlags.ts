/**
 * The flags `factory search` and `factory knowledge list` share to filter
 * documents beyond kind, line and tag: `--author`, `--since`/`--until` (the
 * captured-at range) and `--as-of`, each one of the knowledge base's options
 * (`authors`, `from`/`to`, `asOf`), every point in time in the grammar of
 * `knowledge show --as-of` and `who-owns --as-of`.
 *
 * @module
 */
import type { Command } from "commander";
import { collect, parseFlag, SinceFlag } from "./flags.js";
import { AuthorFlag } from "./sourceFlags.js";

/** The values of {@link documentFilterOptions}' flags, as commander gives them. */
export interface DocumentFilterFlags {
  readonly author?: string[];
  readonly since?: string;
  readonly until?: string;
  readonly asOf?: string;
}

/** The knowledge base's options {@link documentFilters} reads from the flags: only those given. */
export interface DocumentFilters {
  readonly authors?: string[];
  readonly from?: string;
  readonly to?: string;
  readonly asOf?: string;
}

/** Adds `--author`, `--since`, `--until` and `--as-of` to `command`. */
export function documentFilterOptions(command: Command): Command {
  return command
    .option("--author <name>", "only documents by this source author (repeatable)", collect)
    .option(
      "--since <when>",
      "only documents captured then or later: a date, an instant or a span back (30d)",
    )
    .option("--until <when>", "only documents captured before then (as --since)")
    .option(
      "--as-of <when>",
      "as in force then (a date, an instant or a span back): what was known then, read as it was (--all changes nothing)",
    );
}

/**
 * The knowledge base's filter options of the flags given: `authors`, `from`
 * and `to` (the captured-at range) and `asOf`, each point in time as an ISO
 * instant (a span such as `30d` counted back from now).
 *
 * @throws UsageError naming the flag when a value is blank or names no point in time.
 */
export function documentFilters(flags: DocumentFilterFlags): DocumentFilters {
  const instant = (value: string | undefined, flag: string) =>
    value === undefined ? undefined : parseFlag(SinceFlag, value, flag).toISOString();
  const authors = flags.author?.map((author) => parseFlag(AuthorFlag, author, "--author"));
  const from = instant(flags.since, "--since");
  const to = instant(flags.until, "--until");
  const asOf = instant(flags.asOf, "--as-of");
  return {
    ...(authors === undefined ? {} : { authors }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(asOf === undefined ? {} : { asOf }),
  };
}

/** The filter flags given, as the words of a `no documents match ... with ...` line (`--author marc --since 30d`). */
export function filterWords(flags: DocumentFilterFlags): string[] {
  return [
    ...(flags.author ?? []).map((author) => `--author ${author}`),
    ...(flags.since === undefined ? [] : [`--since ${flags.since}`]),
    ...(flags.until === undefined ? [] : [`--until ${flags.until}`]),
    ...(flags.asOf === undefined ? [] : [`--as-of ${flags.asOf}`]),
  ];
}

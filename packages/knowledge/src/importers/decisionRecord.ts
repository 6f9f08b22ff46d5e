/**
 * Architecture decision records read into the decision fields of the
 * decision log, whatever their format: MADR (front matter or bullet status,
 * `Context and Problem Statement`, `Considered Options`, `Pros and Cons of
 * the Options`, `Decision Outcome` with its consequences), Michael Nygard's
 * (`Status`, `Context`, `Decision`, `Consequences`), or the same headings
 * under YAML front matter.
 *
 * @module
 */
import { anObject, checkArguments } from "@software-factory/core";
import { Text } from "../internal/arguments.js";
import type { Decision, DecisionStatus } from "../schemas.js";
import { listItems, type MarkdownSection, markdownSections, sectionNamed } from "./markdownSections.js";

/** Written where a record has no context section: the importer never invents one. */
export const MISSING_CONTEXT =
  "The ADR states no context (imported as written; to be completed by its owner).";
/** Written where a record has no decision section. */
export const MISSING_DECISION =
  "The ADR states no decision (imported as written; to be completed by its owner).";

/** The ADR formats told apart: MADR by its headings, else Nygard's. */
export type DecisionRecordFormat = "madr" | "nygard";

/** A decision record as read: its format, its fields, and which required sections it lacked. */
export interface ParsedDecisionRecord {
  /** The format it was read as. */
  readonly format: DecisionRecordFormat;
  /** Its context, options, decision, consequences and status as read. */
  readonly decision: Decision;
  /** Set when the record had no context section (the field holds {@link MISSING_CONTEXT}). */
  readonly missingContext: boolean;
  /** Set when the record had no decision section (the field holds {@link MISSING_DECISION}). */
  readonly missingDecision: boolean;
}

/**
 * A status word mapped to a decision status: accepted (`accepted`, `approved`,
 * `done`, `adopted`), rejected (`rejected`, `declined`, `abandoned`),
 * superseded (`superseded by ...`, `deprecated`, `replaced`, `obsolete`),
 * else proposed (`proposed`, `draft`, missing or unknown).
 *
 * @throws ValidationError naming `status` when it is neither a string nor undefined.
 */
export function decisionStatusOf(status: string | undefined): DecisionStatus {
  checkArguments("decisionStatusOf", { status: [Text.optional(), status] });
  const word = (status ?? "").toLowerCase();
  if (/supersed|deprecat|replaced|obsolete/.test(word)) return "superseded";
  if (/reject|declin|abandon/.test(word)) return "rejected";
  if (/accept|approv|\bdone\b|adopt/.test(word)) return "accepted";
  return "proposed";
}

const MADR_HEADINGS = /^(context and problem statement|decision outcome|considered options)$/i;

/** The options of a MADR, with pros and cons from `Pros and Cons of the Options` (`Good, because` / `Bad, because`). */
function madrOptions(sections: readonly MarkdownSection[]): Decision["options"] {
  const titles = listItems(sectionNamed(sections, /^considered options$/i)?.lead ?? "");
  const prosAndCons = sections.findIndex((section) => /^pros and cons of the options$/i.test(section.title));
  const detailed =
    prosAndCons === -1 ? [] : sections.slice(prosAndCons + 1).filter((section) => section.level > 2);
  return titles.map((title) => {
    const plain = title.replace(/[*_`[\]]/g, "").trim();
    const detail = detailed.find((section) => section.title.replace(/[*_`[\]]/g, "").trim() === plain);
    const items = listItems(detail?.lead ?? "");
    const pick = (word: RegExp) =>
      items.filter((item) => word.test(item)).map((item) => item.replace(word, "").trim());
    return { title: plain, pros: pick(/^good,?\s*(because)?\s*/i), cons: pick(/^bad,?\s*(because)?\s*/i) };
  });
}

/** The status: front matter, else a `## Status` section's first line, else a `Status:` bullet or line. */
function statusText(
  frontMatter: Readonly<Record<string, unknown>>,
  sections: readonly MarkdownSection[],
  body: string,
) {
  if (typeof frontMatter.status === "string") return frontMatter.status;
  const section = sectionNamed(sections, /^status$/i)?.text.split(/\r?\n/)[0];
  return section ?? /^\s*(?:[-*]\s*)?status:\s*(.+)$/im.exec(body)?.[1];
}

/**
 * Reads a decision record (its front matter already split off) into the
 * decision fields. Sections it lacks are never invented: a missing context or
 * decision holds a sentence saying so, and the result flags it.
 *
 * @throws ValidationError naming `frontMatter` or `body` when one is not an object or a string.
 * @example
 * ```ts
 * const { data, body } = parseFrontMatter(text);
 * const { decision } = parseDecisionRecord(data, body);
 * ```
 */
export function parseDecisionRecord(
  frontMatter: Readonly<Record<string, unknown>>,
  body: string,
): ParsedDecisionRecord {
  checkArguments("parseDecisionRecord", {
    frontMatter: [anObject("front matter fields"), frontMatter],
    body: [Text, body],
  });
  const sections = markdownSections(body);
  const format: DecisionRecordFormat = sections.some((section) => MADR_HEADINGS.test(section.title.trim()))
    ? "madr"
    : "nygard";
  const context = sectionNamed(sections, /^context and problem statement$|^context$/i)?.text.trim() ?? "";
  const decided = (
    sectionNamed(sections, /^decision outcome$/i)?.lead ??
    sectionNamed(sections, /^decision$/i)?.text ??
    ""
  ).trim();
  const consequences = sections
    .filter((section) => /consequences$/i.test(section.title.trim()))
    .map((section) =>
      /^consequences$/i.test(section.title.trim()) ? section.text : `${section.title}:\n\n${section.text}`,
    )
    .join("\n\n");
  return {
    format,
    decision: {
      status: decisionStatusOf(statusText(frontMatter, sections, body)),
      context: context === "" ? MISSING_CONTEXT : context,
      options: madrOptions(sections),
      decision: decided === "" ? MISSING_DECISION : decided,
      consequences,
    },
    missingContext: context === "",
    missingDecision: decided === "",
  };
}

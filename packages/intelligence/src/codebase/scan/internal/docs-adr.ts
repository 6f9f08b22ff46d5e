/**
 * Architecture decision records read into decision fields: MADR (front
 * matter or bullet status, `Context and Problem Statement`, `Considered
 * Options`, `Pros and Cons of the Options`, `Decision Outcome` with
 * `Consequences`) and Michael Nygard's format (`Status`, `Context`,
 * `Decision`, `Consequences`).
 *
 * @module
 */
import type { Decision, DecisionStatus } from "@software-factory/knowledge";
import { listItems, type Section, sectionNamed, sectionsOf } from "./docs-markdown.js";

/** Written where an ADR has no context section: the importer never invents one. */
export const MISSING_CONTEXT =
  "The ADR states no context (imported as written; to be completed by its owner).";
/** Written where an ADR has no decision section. */
export const MISSING_DECISION =
  "The ADR states no decision (imported as written; to be completed by its owner).";

/** The two ADR formats told apart. */
export type AdrFormat = "madr" | "nygard";

/**
 * A status word mapped to a decision status: accepted (`accepted`, `approved`,
 * `done`), rejected (`rejected`, `declined`), superseded (`superseded by ...`,
 * `deprecated`, `replaced`), else proposed (`proposed`, `draft`, missing or unknown).
 */
export function decisionStatusOf(status: string | undefined): DecisionStatus {
  const word = (status ?? "").toLowerCase();
  if (/supersed|deprecat|replaced|obsolete/.test(word)) return "superseded";
  if (/reject|declin|abandon/.test(word)) return "rejected";
  if (/accept|approv|\bdone\b|adopt/.test(word)) return "accepted";
  return "proposed";
}

/** Whether an ADR is written in MADR (front matter status or MADR headings) rather than Nygard's format. */
export function adrFormatOf(frontMatter: Record<string, unknown>, sections: readonly Section[]): AdrFormat {
  if (frontMatter.status !== undefined) return "madr";
  return sectionNamed(sections, /^(context and problem statement|decision outcome|considered options)$/i) ===
    undefined
    ? "nygard"
    : "madr";
}

const orPlaceholder = (text: string | undefined, placeholder: string) =>
  text === undefined || text.trim() === "" ? placeholder : text.trim();

/** The options of a MADR, with pros and cons from `Pros and Cons of the Options` (`Good, because` / `Bad, because`). */
function madrOptions(sections: readonly Section[]): Decision["options"] {
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

/** The MADR status: front matter, else a `Status:` bullet or line near the top. */
function madrStatus(frontMatter: Record<string, unknown>, body: string): string | undefined {
  if (typeof frontMatter.status === "string") return frontMatter.status;
  return /^\s*(?:[-*]\s*)?status:\s*(.+)$/im.exec(body)?.[1];
}

/** The decision fields of an ADR in the given format. */
export function parseAdr(format: AdrFormat, frontMatter: Record<string, unknown>, body: string): Decision {
  const sections = sectionsOf(body);
  if (format === "madr") {
    const outcome = sectionNamed(sections, /^decision outcome$/i);
    const consequences = sections
      .filter((section) => section.level > 2 && /consequences$/i.test(section.title))
      .map((section) =>
        /^consequences$/i.test(section.title) ? section.text : `${section.title}:\n\n${section.text}`,
      )
      .join("\n\n");
    return {
      status: decisionStatusOf(madrStatus(frontMatter, body)),
      context: orPlaceholder(
        sectionNamed(sections, /^context and problem statement$|^context$/i)?.text,
        MISSING_CONTEXT,
      ),
      options: madrOptions(sections),
      decision: orPlaceholder(outcome?.lead, MISSING_DECISION),
      consequences,
    };
  }
  return {
    status: decisionStatusOf(sectionNamed(sections, /^status$/i)?.text.split(/\r?\n/)[0]),
    context: orPlaceholder(sectionNamed(sections, /^context$/i)?.text, MISSING_CONTEXT),
    options: [],
    decision: orPlaceholder(sectionNamed(sections, /^decision$/i)?.text, MISSING_DECISION),
    consequences: sectionNamed(sections, /^consequences$/i)?.text ?? "",
  };
}

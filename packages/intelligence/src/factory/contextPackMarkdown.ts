/**
 * A context pack as markdown: what a model reads, what a person reads, and
 * what the pack's token budget counts.
 *
 * @module
 */
import type { WorkItem } from "@software-factory/core";
import type { Link } from "@software-factory/knowledge";
import type { ContextPackContent, PackNeighbour, PackOmitted } from "./contextPack.js";
import { checksSubject } from "./contextPackStandards.js";

/**
 * Neighbouring lines in words: `payments (api, high, owner bo: "POST /charges")`,
 * then how many more were left out (`and 12 more lines, left out to fit the budget`).
 */
function neighbours(list: readonly PackNeighbour[], omitted = 0): string {
  const left = `${omitted} ${list.length > 0 ? "more " : ""}line${omitted === 1 ? "" : "s"}, left out to fit the budget`;
  if (list.length === 0) return omitted > 0 ? left : "nothing";
  const named = list
    .map((next) => {
      const owner = next.owner === undefined ? "" : `, owner ${next.owner}`;
      const contract = next.contract === undefined ? "" : `: "${next.contract}"`;
      return `${next.line} (${next.kind}, ${next.criticality}${owner}${contract})`;
    })
    .join(", ");
  return omitted > 0 ? `${named} and ${left}` : named;
}

/** `3 suspect links`, `1 document`: a count with its noun's number. */
function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/**
 * What was left out to fit the budget, in one sentence, or nothing when all of
 * it fitted. Neighbouring lines are said under their line, not here.
 */
function leftOut(omitted: Partial<PackOmitted> | undefined): string | undefined {
  if (omitted === undefined) return undefined;
  const parts = [
    [omitted.rules ?? 0, "checked rule"],
    [omitted.instructions ?? 0, "instruction"],
    [omitted.knowledge ?? 0, "document"],
    [omitted.activeWork ?? 0, "active work item"],
    [omitted.suspectLinks ?? 0, "suspect link"],
  ] as const;
  const said = parts.filter(([count]) => count > 0).map(([count, noun]) => counted(count, noun));
  if (said.length === 0) return undefined;
  const last = said.pop();
  return `${said.length === 0 ? last : `${said.join(", ")} and ${last}`}; a larger budget holds more.`;
}

/** ` (linked: informs \`wi_1\`; relatesTo \`checkout\`)` for a document linked to the pack's work item or lines, else nothing. */
function linkedNote(linked: readonly Link[] | undefined): string {
  if (linked === undefined || linked.length === 0) return "";
  return ` (linked: ${linked.map((link) => `${link.type} \`${link.target}\``).join("; ")})`;
}

/** Signal ids a work item section names at most: the work item is never left out, so its length is bounded. */
const SIGNALS_NAMED = 3;

/** `signal \`sig_1\``, `signals \`sig_1\`, \`sig_2\`, \`sig_3\` and 4 more`. */
function signalsNamed(ids: readonly string[]): string {
  const named = ids.slice(0, SIGNALS_NAMED).map((id) => `\`${id}\``);
  const more = ids.length - named.length;
  const list = more > 0 ? `${named.join(", ")} and ${more} more` : named.join(", ");
  return `${ids.length === 1 ? "signal" : "signals"} ${list}`;
}

/**
 * The work item in words: what it is, where it stands and why (a blocked or
 * dropped item's reason, else the last send-back's), who is accountable, the signals it came from, and
 * when its line is not on the floor plan (a line the pack lacks), that no line owner sees it.
 */
function workItemSection(item: WorkItem, lines: ContextPackContent["lines"]): string[] {
  const reason =
    item.reason === undefined
      ? ""
      : item.state === "blocked" || item.state === "dropped"
        ? `: ${item.reason}`
        : ` (sent back ${item.sendBacks === 1 ? "once" : `${item.sendBacks} times`}, last: ${item.reason})`;
  const offPlan = lines.some(({ line }) => line.id === item.line)
    ? ""
    : ` (not a line of the floor plan: no line owner sees this work)`;
  const facts = [
    `${item.kind} on ${item.line}${offPlan}, ${item.state} in ${item.stage}${reason}.`,
    item.owner === undefined ? undefined : `Owner: ${item.owner}.`,
    item.signals.length === 0 ? undefined : `From ${signalsNamed(item.signals)}.`,
  ];
  return [`## Work item ${item.id}: ${item.title}`, "", facts.filter((fact) => fact !== undefined).join(" ")];
}

/**
 * A context pack as markdown, for a model's context or a person: what to
 * try when nothing matched, lines with owners and neighbours, the work item, the standards (rules on the process
 * around the work by id only), the knowledge with its
 * source (and, for a document linked to the work item or the lines, its
 * links), active work, suspect links with their ids (what a review names),
 * and how many of each part were left out to fit the budget.
 */
export function contextPackMarkdown(pack: ContextPackContent): string {
  const out: string[] = ["# Context"];
  if (pack.nothingMatched !== undefined) out.push("", pack.nothingMatched.message);
  if (pack.workItem !== undefined) out.push("", ...workItemSection(pack.workItem, pack.lines));
  if (pack.lines.length > 0) {
    out.push("", "## Lines");
    for (const { line, dependsOn, dependents, neighboursOmitted } of pack.lines) {
      out.push(
        "",
        `### ${line.name ?? line.id} (\`${line.id}\`)`,
        "",
        ...(line.description === undefined ? [] : [line.description, ""]),
        `- Owner: ${line.owner ?? "none"}`,
        `- Code: ${line.paths.length > 0 ? line.paths.map((path) => `\`${path}\``).join(", ") : "none declared"}`,
        `- Depends on: ${neighbours(dependsOn, neighboursOmitted?.dependsOn)}`,
        `- Used by: ${neighbours(dependents, neighboursOmitted?.dependents)}`,
      );
    }
  }
  const unclaimed = pack.unclaimedPaths ?? [];
  if (unclaimed.length > 0) {
    out.push(
      "",
      "## Paths no line claims",
      "",
      `${unclaimed.map((path) => `\`${path}\``).join(", ")}: no line of the floor plan claims ${unclaimed.length === 1 ? "this path, so it has" : "these paths, so they have"} no owner.`,
    );
  }
  if (pack.standards.instructions.length > 0 || pack.standards.rules.length > 0) {
    out.push("", "## Standards");
    for (const standard of pack.standards.instructions) {
      out.push("", `### ${standard.description ?? standard.id}`, "", standard.instructions.trim());
    }
    const hasWorkItem = pack.workItem !== undefined;
    const inFull = pack.standards.rules.filter((rule) => checksSubject(rule, hasWorkItem));
    const process = pack.standards.rules.filter((rule) => !checksSubject(rule, hasWorkItem));
    if (inFull.length > 0) {
      out.push("", "Checked rules:", "");
      for (const rule of inFull) out.push(`- \`${rule.id}\` (${rule.severity}): ${rule.description}`);
    }
    if (process.length > 0)
      out.push("", `Process rules, by id: ${process.map((rule) => `\`${rule.id}\``).join(", ")}.`);
  }
  if (pack.knowledge.length > 0) {
    out.push("", "## Knowledge");
    for (const hit of pack.knowledge) {
      const source = hit.document.source;
      const from = [
        source.system,
        source.uri,
        source.author === undefined ? undefined : `by ${source.author}`,
        // Its date: when it was written or said (source.capturedAt), else when it was captured.
        `on ${(source.capturedAt ?? hit.document.createdAt).slice(0, 10)}`,
      ]
        .filter((part) => part !== undefined)
        .join(" ");
      out.push(
        "",
        `### ${hit.document.title} [${hit.document.kind}, \`${hit.document.id}\`]${linkedNote(hit.linked)}`,
        "",
        `From ${from}.`,
        "",
        hit.snippet.trim(),
      );
    }
  }
  if (pack.relatedKnowledge.length > 0) {
    out.push("", pack.knowledge.length > 0 ? "More documents that match:" : "## Knowledge", "");
    for (const reference of pack.relatedKnowledge)
      out.push(
        `- ${reference.title} [${reference.kind}, \`${reference.id}\`]${linkedNote(reference.linked)}`,
      );
  }
  if (pack.activeWork.length > 0) {
    out.push("", "## Active work", "");
    for (const item of pack.activeWork)
      out.push(`- \`${item.id}\` ${item.title} (${item.stage}, ${item.line})`);
  }
  if (pack.suspectLinks.length > 0) {
    out.push("", "## Suspect links to review", "");
    for (const link of pack.suspectLinks) out.push(`- \`${link.id}\`: ${link.from} ${link.type} ${link.to}`);
  }
  const omitted = leftOut(pack.omitted);
  if (omitted !== undefined) out.push("", "## Left out to fit the budget", "", omitted);
  return `${out.join("\n")}\n`;
}

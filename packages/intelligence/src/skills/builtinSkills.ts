/**
 * Skills every factory has, which need no model, and those registered when a
 * model is configured.
 *
 * @module
 */

import { NotFoundError, SeveritySchema, WorkItemKindSchema } from "@software-factory/core";
import type { SearchHit } from "@software-factory/knowledge";
import { z } from "zod";
import type { Factory } from "../factory/openFactory.js";
import { suspectCause } from "../rules/basicStandards.js";
import { defineFactorySkill } from "./Skill.js";

/** Summarizes a line: owner, dependencies, work in flight by stage, suspect links, recent knowledge. */
export const summarizeLine = defineFactorySkill({
  name: "summarize-line",
  description:
    "Summarize a line's state: owner, dependencies, work in flight by stage, suspect links and recent knowledge.",
  input: z.object({
    /** Id of the line to summarize. */
    line: z.string().min(1),
  }),
  output: z.object({
    /** The line summarized. */
    line: z.string(),
    /** The summary, as markdown. */
    summary: z.string(),
  }),
  instructions:
    'Use this skill to brief yourself on a line before working on it. Call run_skill with {"name": "summarize-line", "input": {"line": "<id>"}} and read the summary; follow up with get_context for details.',
  run: async ({ line }, { services, signal }) => {
    await Promise.all([services.floorplan.refresh(), services.work.refresh()]);
    signal.throwIfAborted();
    const info = services.floorplan.line(line);
    if (info === undefined)
      throw new NotFoundError({
        message: `line: no line "${line}"`,
        entity: "line",
        id: line,
        field: "line",
      });
    const items = services.work
      .list({ line })
      .filter((item) => item.state === "active" || item.state === "blocked");
    const byStage = new Map<string, number>();
    for (const item of items) byStage.set(item.stage, (byStage.get(item.stage) ?? 0) + 1);
    const suspect = services.work.suspectLinks({ line });
    const recent = (await services.knowledge.list({ lines: [line], limit: 5 })).map(
      (document) => `- ${document.title} (${document.kind})`,
    );
    const summary = [
      `# ${info.name ?? info.id}`,
      info.description ?? "",
      `Owner: ${info.owner ?? "nobody (assign one)"}; depends on: ${
        services.floorplan
          .dependencies(line, { transitive: false })
          .map((reached) => reached.line)
          .join(", ") || "nothing"
      }; used by: ${
        services.floorplan
          .dependents(line, { transitive: false })
          .map((reached) => reached.line)
          .join(", ") || "nobody"
      }.`,
      `Work in flight: ${items.length === 0 ? "none" : [...byStage].map(([stage, count]) => `${count} in ${stage}`).join(", ")}${items.some((item) => item.state === "blocked") ? ` (${items.filter((item) => item.state === "blocked").length} blocked)` : ""}.`,
      `Suspect trace links: ${suspect.length}.`,
      recent.length === 0 ? "No knowledge linked yet." : `Recent knowledge:\n${recent.join("\n")}`,
    ]
      .filter((part) => part !== "")
      .join("\n\n");
    return { line, summary };
  },
});

/** Drafts a requirement skeleton (EARS-style) from a signal, with the knowledge it may draw on. */
export const draftRequirement = defineFactorySkill({
  name: "draft-requirement",
  description:
    "Draft a requirement skeleton from a captured signal: EARS-style statements with placeholders, acceptance criteria, and the knowledge documents to read first.",
  input: z.object({
    /** Id of a captured signal. */
    signal: z.string().min(1),
  }),
  output: z.object({
    /** The requirement skeleton, as markdown with `<placeholders>` to fill. */
    markdown: z.string(),
    /** The signal's line, else the router's best guess; null when there is none. */
    line: z.string().nullable(),
    /** Ids of the knowledge documents to read first, best first (at most 5). */
    knowledge: z.array(z.string()),
  }),
  instructions:
    "Use this skill when a signal needs to become work. Fill every <placeholder> from the linked knowledge or ask the line's owner; do not invent numbers.",
  run: async ({ signal }, { services, signal: cancelled }) => {
    await services.work.refresh();
    cancelled.throwIfAborted();
    const found = services.work.signal(signal);
    if (found === undefined)
      throw new NotFoundError({
        message: `signal: no signal "${signal}"`,
        entity: "signal",
        id: signal,
        field: "signal",
      });
    const line = found.line ?? (await services.route(found.text, { limit: 1 }))[0]?.line ?? null;
    cancelled.throwIfAborted();
    const hits = await knowledgeFor(services, found.text, line);
    const markdown = [
      `# Requirement: <short title>`,
      `Source signal: ${found.id} (${found.source}${found.customer === undefined ? "" : `, ${found.customer}`}, severity ${found.severity})`,
      `> ${found.text}`,
      `Line: ${line ?? "<line>"}`,
      "## Statements (EARS)",
      `- Ubiquitous: The <system> shall <capability>.`,
      `- Event-driven: When <trigger>, the <system> shall <response>.`,
      `- Unwanted behaviour: If <undesired condition>, then the <system> shall <mitigation>.`,
      `- State-driven: While <state>, the <system> shall <behaviour>.`,
      "## Acceptance criteria",
      "- Given <context>, when <action>, then <observable outcome>.",
      "## Read first",
      ...(hits.length === 0
        ? ["- (no linked knowledge found)"]
        : hits.map((hit) => `- ${hit.document.title} (${hit.document.id})`)),
    ].join("\n\n");
    return { markdown, line, knowledge: hits.map((hit) => hit.document.id) };
  },
});

/** Most documents a draft links, and the tokens their snippets may take together. */
const DRAFT_KNOWLEDGE = { limit: 5, budgetTokens: 600 } as const;

/**
 * The knowledge a draft links: the best hits for the signal's text among the
 * documents of its line and those of no line (product-wide knowledge), best
 * first, within {@link DRAFT_KNOWLEDGE}.
 */
async function knowledgeFor(services: Factory, text: string, line: string | null): Promise<SearchHit[]> {
  const { hits } = await services.knowledge.search(text, { limit: DRAFT_KNOWLEDGE.limit * 4 });
  const linked: SearchHit[] = [];
  let tokens = 0;
  for (const hit of hits) {
    const lines = hit.document.lines;
    if (line !== null && lines.length > 0 && !lines.includes(line)) continue;
    if (tokens + hit.tokens > DRAFT_KNOWLEDGE.budgetTokens) continue;
    tokens += hit.tokens;
    linked.push(hit);
    if (linked.length === DRAFT_KNOWLEDGE.limit) break;
  }
  return linked;
}

/** Id of the basic rule over suspect links, whose findings {@link reviewItem} reports its own way. */
const SUSPECT_LINKS_RULE = "work-has-no-suspect-links";

/**
 * Reviews a work item against the factory's standards: the rules over the
 * item, its artifacts and its line (what a standards gate checks), and its
 * suspect trace links.
 */
export const reviewItem = defineFactorySkill({
  name: "review-item",
  description:
    "Review a work item against the factory's standards and its trace: findings, suspect links, missing evidence.",
  // `workItem`, as every tool and the other skills name a work item (it was `item`).
  input: z.object({
    /** Id of the work item to review. */
    workItem: z.string().min(1),
  }),
  output: z.object({
    /** The work item reviewed. */
    workItem: z.string(),
    /** True when no finding is an error and no link is suspect. */
    pass: z.boolean(),
    /** Each finding as `<severity>: <message> (<hint>)`, suspect links included. */
    findings: z.array(z.string()),
  }),
  run: async ({ workItem: item }, { services, signal }) => {
    await services.work.refresh();
    signal.throwIfAborted();
    const found = services.work.get(item);
    if (found === undefined)
      throw new NotFoundError({
        message: `workItem: no work item "${item}"`,
        entity: "work item",
        id: item,
        field: "workItem",
      });
    // What a standards gate checks when the item enters a stage: the item, its artifacts and its line.
    const standards = (
      await Promise.all([
        services.standards.check({ kind: "workItem", id: item }),
        ...services.work
          .artifactsOf(item)
          .map((artifact) => services.standards.checkTarget("artifact", artifact)),
        services.standards.check({ kind: "line", id: found.line }),
      ])
    )
      .flat()
      // The skill reports suspect links itself, whether or not the basic standards are installed.
      .filter((finding) => finding.rule !== SUSPECT_LINKS_RULE);
    const suspect = services.work.suspectLinks({ item });
    const findings = [
      ...standards.map(
        (finding) =>
          `${finding.severity}: ${finding.message}${finding.hint === undefined ? "" : ` (${finding.hint})`}`,
      ),
      ...suspect.map(
        (link) =>
          `error: link ${link.from} ${link.type} ${link.to} is suspect: ${suspectCause(link)} (review the link: keep, adapted or obsolete)`,
      ),
    ];
    return {
      workItem: item,
      pass: !standards.some((finding) => finding.severity === "error") && suspect.length === 0,
      findings,
    };
  },
});

/** The built-in skills. */
export const builtinSkills = [summarizeLine, draftRequirement, reviewItem] as const;

const ClassifySignalInputSchema = z
  .object({
    /** Id of a captured signal to classify; give this or `text`. */
    signal: z.string().min(1).optional(),
    /** A text to classify as a signal; give this or `signal`. */
    text: z.string().trim().min(1).optional(),
  })
  .refine((input) => (input.signal === undefined) !== (input.text === undefined), {
    message: "give either signal (a signal id) or text, not both",
  });

/**
 * Classifies a signal with the factory's model: the line it belongs to (one
 * of the floor plan's, the router's candidates given as hints), its severity,
 * the kind of work it asks for and a one-line summary. Registered only when
 * the factory has a model.
 */
export const classifySignal = defineFactorySkill({
  name: "classify-signal",
  description:
    "Classify a signal (by id or text) with the factory's model: its line, severity, kind of work and a one-line summary.",
  requires: ["model"],
  input: ClassifySignalInputSchema,
  output: z.object({
    /** The line it belongs to, one of the floor plan's. */
    line: z.string(),
    /** How much it hurts the customer. */
    severity: SeveritySchema,
    /** The kind of work it asks for. */
    kind: WorkItemKindSchema,
    /** The signal in one line. */
    summary: z.string(),
    /** Why the model chose this line, severity and kind. */
    reason: z.string(),
    /** The model that answered, as the server names it. */
    model: z.string(),
  }),
  run: async (input, { services, model, signal }) => {
    const provider = model();
    await Promise.all([services.floorplan.refresh(), services.work.refresh()]);
    signal.throwIfAborted();
    const found = input.signal === undefined ? undefined : services.work.signal(input.signal);
    if (input.signal !== undefined && found === undefined)
      throw new NotFoundError({
        message: `signal: no signal "${input.signal}"`,
        entity: "signal",
        id: input.signal,
        field: "signal",
      });
    const text = found?.text ?? input.text ?? "";
    const [first, ...rest] = services.floorplan.lines().map((line) => line.id);
    if (first === undefined) {
      throw new NotFoundError({
        message: "the factory has no lines to classify into; declare lines in the floor plan first",
        entity: "line",
        // No particular id was looked up: any line would do.
        id: "*",
      });
    }
    const candidates = await services.route(text, { limit: 3 });
    const lines = services.floorplan
      .lines()
      .map((line) => `- ${line.id}${line.description === undefined ? "" : `: ${line.description}`}`);
    const reply = await provider.chat({
      signal,
      temperature: 0,
      messages: [
        {
          role: "system",
          content:
            "You triage customer signals for a software product. Pick the one line (team area) the signal belongs to, how much it hurts the customer, and what kind of work it asks for. Answer with JSON only.",
        },
        {
          role: "user",
          content: [
            `Lines:\n${lines.join("\n")}`,
            candidates.length === 0
              ? ""
              : `The router's guesses, best first: ${candidates.map((candidate) => candidate.line).join(", ")}.`,
            `Signal:\n${text}`,
          ]
            .filter((part) => part !== "")
            .join("\n\n"),
        },
      ],
      output: {
        name: "signal_classification",
        strict: true,
        schema: z.object({
          line: z.enum([first, ...rest]),
          severity: SeveritySchema,
          kind: WorkItemKindSchema,
          summary: z.string(),
          reason: z.string(),
        }),
      },
    });
    return { ...reply.data, model: reply.model };
  },
});

/** The built-in skills that need a model; `openFactory` registers them when a model is configured. */
export const modelSkills = [classifySignal] as const;

/**
 * The built-in standards pack: what good requirements, designs, decision
 * records, change sets and signal handling look like, checked over the
 * assembly line's artifacts and signals and the decisions recorded in the
 * knowledge base.
 *
 * @module
 */
import {
  type Artifact,
  aFunction,
  anObject,
  checkArguments,
  cutText,
  type Signal,
  strictInput,
} from "@software-factory/core";
import {
  DocumentCaptured,
  DocumentRetracted,
  DocumentRevised,
  DocumentSuperseded,
  type KnowledgeDocument,
  MISSING_CONTEXT,
  MISSING_DECISION,
} from "@software-factory/knowledge";
import { z } from "zod";
import type { Factory } from "../factory/openFactory.js";
import { aFactory } from "../internal/arguments.js";
import { defineRule, defineRulePack, type Rule, type RulePack, type Violation, withFix } from "./Rule.js";

/** Hours a signal of each severity may wait before it is routed to a line. */
export type SignalSlaHours = Readonly<Record<Signal["severity"], number>>;

/** Default routing SLA: 4 hours for critical signals, 1 day high, 3 days medium, a week low. */
export const DEFAULT_SIGNAL_SLA_HOURS: SignalSlaHours = { critical: 4, high: 24, medium: 72, low: 168 };

/** Options of {@link makeBuiltinStandards}. */
export interface BuiltinStandardsOptions {
  /** Routing SLA per severity, merged over {@link DEFAULT_SIGNAL_SLA_HOURS}. */
  readonly signalSlaHours?: Partial<SignalSlaHours>;
  /**
   * The current time, for signals still unrouted (default: the clock of the
   * checked factory's log, `factory.log.clock`, so a factory opened with a
   * `manualClock` judges its signals by that clock).
   */
  readonly now?: () => Date;
}

const ARTIFACT_TRIGGERS = ["artifact.recorded", "trace.linked", "trace.reviewed"];

/** The markdown text of an artifact: its `body`, `markdown` or `text` field. */
function textOf(artifact: Artifact): string {
  for (const key of ["body", "markdown", "text"]) {
    const value = artifact.fields[key];
    if (typeof value === "string") return value;
  }
  return "";
}

/**
 * Non-blank lines under the markdown headings matching `name`, each up to the
 * next heading of any level; undefined when no heading matches.
 */
function section(text: string, name: RegExp): string[] | undefined {
  const lines = text.split(/\r?\n/);
  let found = false;
  let inside = false;
  const under: string[] = [];
  for (const line of lines) {
    if (/^#{1,6}\s/.test(line)) {
      inside = name.test(line);
      found ||= inside;
    } else if (inside && line.trim() !== "") under.push(line);
  }
  return found ? under : undefined;
}

function nonEmptyStrings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((entry): entry is string => typeof entry === "string" && entry.trim() !== "")
    : [];
}

const PLACEHOLDER = /<[a-z][^<>]*>/i;

/**
 * Whether a requirement was inferred from a test by `import codebase` and not
 * rewritten since: the test that verifies it is its executable criterion.
 */
function inferredFromTest(artifact: Artifact): boolean {
  return artifact.fields.inferred === true && typeof artifact.fields.verifiedBy === "string";
}

const requirementHasAcceptanceCriteria = defineRule<Artifact, Factory>({
  id: "requirement-has-acceptance-criteria",
  description:
    "A requirement states its acceptance criteria (an `acceptanceCriteria` list, an Acceptance criteria section, or Given/When/Then); one inferred from a test has that test as its criterion.",
  severity: "error",
  appliesTo: "artifact",
  triggers: ARTIFACT_TRIGGERS,
  check: (artifact) => {
    if (artifact.kind !== "requirement" || inferredFromTest(artifact)) return [];
    const text = textOf(artifact);
    const criteria = [
      ...nonEmptyStrings(artifact.fields.acceptanceCriteria),
      ...(section(text, /acceptance criteria/i) ?? []),
      ...text.split(/\r?\n/).filter((line) => /\bgiven\b.+\bwhen\b.+\bthen\b/i.test(line)),
    ];
    if (criteria.length === 0) {
      return [
        {
          message: `requirement ${artifact.id} (${artifact.title}) has no acceptance criteria`,
          hint: "add an `## Acceptance criteria` section of Given/When/Then items, or an acceptanceCriteria list",
        },
      ];
    }
    const open = criteria.filter((line) => PLACEHOLDER.test(line));
    return open.length === 0
      ? []
      : [
          {
            message: `requirement ${artifact.id} (${artifact.title}) has acceptance criteria still holding placeholders: ${open[0]?.trim()}`,
            hint: "replace every <placeholder> with the real context, action and outcome",
          },
        ];
  },
});

/** The EARS patterns (Mavin et al.): ubiquitous, event-driven, state-driven, unwanted behaviour, optional feature, and their combinations. */
const EARS = [
  /^(the|an?)\s+\S.*?\s+shall\s+\S/i,
  /^when\s+\S.*?,\s*the\s+\S.*?\s+shall\s+\S/i,
  /^while\s+\S.*?,\s*(when\s+\S.*?,\s*)?the\s+\S.*?\s+shall\s+\S/i,
  /^if\s+\S.*?,\s*then\s+the\s+\S.*?\s+shall\s+\S/i,
  /^where\s+\S.*?,\s*(when\s+\S.*?,\s*|while\s+\S.*?,\s*)?the\s+\S.*?\s+shall\s+\S/i,
];

/** A markdown heading line. */
const HEADING = /^#{1,6}\s/;

/** A list item's marker, at the start of its first line. */
const LIST_MARKER = /^\s*(?:[-*+]|\d+[.)])\s+/;

/** Where one sentence ends and the next begins; not after `e.g.`, `i.e.`, `etc.`, `vs.` or `cf.`. */
const SENTENCE_BREAK = /(?<=[.!?])(?<!\b(?:e\.g|i\.e|etc|vs|cf)\.)\s+(?=[A-Za-z])/i;

/**
 * The sentences of a requirement's text that say "shall": a paragraph or list
 * item hard-wrapped over several lines is read as one text (a table row as
 * its own), its list marker and a leading label ("Event-driven: ") dropped,
 * then split into sentences, so a wrapped statement or one after a sentence
 * of context is checked whole.
 */
function shallStatements(text: string): string[] {
  const blocks: string[][] = [];
  let block: string[] = [];
  const end = () => {
    if (block.length > 0) blocks.push(block);
    block = [];
  };
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === "" || HEADING.test(line) || trimmed.startsWith("|")) {
      end();
      if (trimmed.startsWith("|")) blocks.push([trimmed]);
      continue;
    }
    if (LIST_MARKER.test(line)) end();
    block.push(trimmed);
  }
  end();
  return blocks
    .map((lines) =>
      lines
        .join(" ")
        .replace(LIST_MARKER, "")
        .replace(/^[A-Za-z][\w -]{0,30}:\s+/, ""),
    )
    .flatMap((paragraph) => paragraph.split(SENTENCE_BREAK))
    .map((sentence) => sentence.trim())
    .filter((sentence) => /\bshall\b/i.test(sentence));
}

const requirementFollowsEars = defineRule<Artifact, Factory>({
  id: "requirement-follows-ears",
  description:
    "A requirement's statements follow an EARS pattern (The <system> shall..., When..., While..., If... then..., Where...).",
  severity: "warning",
  appliesTo: "artifact",
  triggers: ARTIFACT_TRIGGERS,
  check: (artifact) => {
    // A statement inferred from a test's name is the test's wording, not a person's requirement: EARS is for those.
    if (artifact.kind !== "requirement" || inferredFromTest(artifact)) return [];
    const statements = shallStatements(textOf(artifact));
    if (statements.length === 0) {
      return [
        {
          message: `requirement ${artifact.id} (${artifact.title}) has no "shall" statement`,
          hint: "state it in an EARS pattern, as in: When <trigger>, the <system> shall <response>.",
        },
      ];
    }
    return statements
      .filter((statement) => !EARS.some((pattern) => pattern.test(statement)))
      .map(
        (statement): Violation => ({
          message: `requirement ${artifact.id}: "${cutText(statement, 120)}" follows no EARS pattern`,
          hint: "start with The/When/While/If ... then/Where, then name the system and what it shall do",
        }),
      );
  },
});

const designLinksRequirement = defineRule<Artifact, Factory>({
  id: "design-links-requirement",
  description: "A design links to the requirement it satisfies.",
  severity: "error",
  appliesTo: "artifact",
  triggers: ARTIFACT_TRIGGERS,
  check: (artifact, factory) => {
    if (artifact.kind !== "design") return [];
    const linked = factory.work
      .linksOf(artifact.id)
      .some((link) => link.from === artifact.id && factory.work.artifact(link.to)?.kind === "requirement");
    return linked
      ? []
      : [
          {
            message: `design ${artifact.id} (${artifact.title}) links to no requirement`,
            ...withFix({
              action: "link it to the requirement it satisfies",
              cli: `factory work link ${artifact.id} <requirement> --type derivesFrom`,
              sdk: `work.link({ from: "${artifact.id}", to: requirement, type: "derivesFrom" })`,
              mcp: `link_artifacts {"from":${JSON.stringify(artifact.id)},"to":"<requirement>","type":"derivesFrom"}`,
            }),
          },
        ];
  },
});

/**
 * The headings that state each part of a decision record, as the knowledge
 * base's ADR importer reads them: Nygard's `Context`, `Decision`,
 * `Consequences`, and MADR's `Context and Problem Statement`, `Decision
 * Outcome` (not `Decision Drivers`) and `Positive Consequences` and the like.
 */
const ADR_HEADINGS = {
  context: /^#{1,6}\s*context(?:\s+and\s+problem\s+statement)?\s*:?\s*$/i,
  decision: /^#{1,6}\s*decision(?:\s+outcome)?\s*:?\s*$/i,
  consequences: /^#{1,6}\s*(?:\S.*\s)?consequences\s*:?\s*$/i,
} as const;

const decisionRecordIsComplete = defineRule<Artifact, Factory>({
  id: "decision-record-is-complete",
  description: "A decision record (ADR) states its context, the decision and its consequences.",
  severity: "error",
  appliesTo: "artifact",
  triggers: ARTIFACT_TRIGGERS,
  check: (artifact) => {
    if (artifact.kind !== "adr") return [];
    const text = textOf(artifact);
    const missing = (["context", "decision", "consequences"] as const).filter((part) => {
      const field = artifact.fields[part];
      if (typeof field === "string" && field.trim() !== "") return false;
      const lines = section(text, ADR_HEADINGS[part]);
      return lines === undefined || lines.length === 0;
    });
    return missing.length === 0
      ? []
      : [
          {
            message: `decision record ${artifact.id} (${artifact.title}) does not state its ${missing.join(", ")}`,
            hint: `add ${missing.map((part) => `a "## ${part[0]?.toUpperCase()}${part.slice(1)}" section`).join(", ")} (or fields of those names)`,
          },
        ];
  },
});

/** Knowledge events after which a recorded decision may read or stand differently. */
const DOCUMENT_TRIGGERS = [
  DocumentCaptured.type,
  DocumentRevised.type,
  DocumentSuperseded.type,
  DocumentRetracted.type,
];

/** Texts the ADR importer writes where a record lacked a section: the part is still missing. */
const IMPORTED_PLACEHOLDERS = new Set([MISSING_CONTEXT, MISSING_DECISION]);

const recordedDecisionIsComplete = defineRule<KnowledgeDocument, Factory>({
  id: "recorded-decision-is-complete",
  description:
    "A decision recorded in the knowledge base (`knowledge.recordDecision`) states its context, the decision and its consequences.",
  severity: "error",
  appliesTo: "document",
  triggers: DOCUMENT_TRIGGERS,
  check: (document) => {
    if (document.kind !== "decision") return [];
    const missing = (["context", "decision", "consequences"] as const).filter((part) => {
      const value = document.decision?.[part];
      return value === undefined || value.trim() === "" || IMPORTED_PLACEHOLDERS.has(value);
    });
    if (missing.length === 0) return [];
    const fields = missing.map((part) => `decision.${part}`).join(", ");
    const decision = Object.fromEntries(missing.map((part) => [part, "..."]));
    return [
      {
        message: `recorded decision ${document.id} (${document.title}) does not state its ${missing.join(", ")}`,
        ...withFix({
          action: `fill ${fields}`,
          cli: `factory knowledge revise ${document.id} --reason "..." ${missing.map((part) => `--${part} "..."`).join(" ")}`,
          sdk: `knowledge.revise("${document.id}", { decision: { ${missing.map((part) => `${part}: "..."`).join(", ")} } })`,
          mcp: `revise_knowledge ${JSON.stringify({ id: document.id, reason: "...", decision })}`,
        }),
      },
    ];
  },
});

/**
 * Whether a change set without a work item is history: a commit (its `date`
 * field, the author date `factory import git` records) dated before the
 * factory's first work item was created, or before any work item exists. No
 * work item could be named then, so an imported past does not fail the rule
 * forever; a change set with no date is never history.
 */
function isHistory(artifact: Artifact, factory: Factory): boolean {
  const date = artifact.fields.date;
  const committed = typeof date === "string" ? Date.parse(date) : Number.NaN;
  if (Number.isNaN(committed)) return false;
  // The list is oldest first. Git dates have whole seconds: a commit of the second the first item was created counts as after it.
  const first = factory.work.list()[0];
  return first === undefined || committed < Math.floor(Date.parse(first.createdAt) / 1000) * 1000;
}

const changeSetLinksWorkItem = defineRule<Artifact, Factory>({
  id: "change-set-links-work-item",
  description:
    "Every change set belongs to a work item, so code traces back to why it was written; commits dated before the first work item (imported history) are exempt.",
  severity: "error",
  appliesTo: "artifact",
  triggers: ARTIFACT_TRIGGERS,
  check: (artifact, factory) => {
    if (artifact.kind !== "changeSet") return [];
    if (artifact.workItem !== undefined && factory.work.get(artifact.workItem) !== undefined) return [];
    if (artifact.workItem === undefined && isHistory(artifact, factory)) return [];
    return [
      {
        message:
          artifact.workItem === undefined
            ? `change set ${artifact.id} (${artifact.title}) belongs to no work item`
            : `change set ${artifact.id} (${artifact.title}) names work item ${artifact.workItem}, which does not exist`,
        ...withFix({
          action:
            "record it with its work item (a Factory-Item trailer in the commit does this for imported commits)",
          cli: `factory work artifact <work-item> --artifact ${artifact.id} --kind changeSet --title ${JSON.stringify(artifact.title)}`,
          sdk: `work.recordArtifact({ id: "${artifact.id}", kind: "changeSet", title, fields, workItem })`,
          mcp: `record_artifact ${JSON.stringify({ id: artifact.id, kind: "changeSet", title: artifact.title, workItem: "<work-item>" })}`,
        }),
      },
    ];
  },
});

function signalRoutedWithinSla(options: BuiltinStandardsOptions): Rule<Signal, Factory> {
  const sla = { ...DEFAULT_SIGNAL_SLA_HOURS, ...options.signalSlaHours };
  const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1)} h`;
  // Rounded up, so a wait just past the SLA never reads as the SLA itself ("after 4.0 h (SLA 4.0 h)").
  const hoursUp = (ms: number) => `${(Math.ceil(ms / 360_000) / 10).toFixed(1)} h`;
  return defineRule<Signal, Factory>({
    id: "signal-routed-within-sla",
    description: `A signal is routed to a line within its SLA (critical ${sla.critical} h, high ${sla.high} h, medium ${sla.medium} h, low ${sla.low} h).`,
    severity: "warning",
    appliesTo: "signal",
    triggers: ["signal.captured", "signal.routed"],
    check: (signal, factory) => {
      const limit = sla[signal.severity] * 3_600_000;
      const now = options.now ?? (() => factory.log.clock.now());
      // Judged by the first routing: a signal routed in time and re-routed later (triage moving it to the right line) met its SLA.
      const routed = signal.firstRoutedAt === undefined ? now().getTime() : Date.parse(signal.firstRoutedAt);
      const waited = routed - Date.parse(signal.capturedAt);
      if (waited <= limit) return [];
      const late = `${hoursUp(waited)} (SLA ${hours(limit)})`;
      // Routed late: the miss stands, and routing it again would change nothing.
      if (signal.firstRoutedAt !== undefined)
        return [
          {
            message: `${signal.severity} signal ${signal.id} was routed after ${late}`,
            hint: "none: it is routed, so nothing is left to do but note the delay",
          },
        ];
      return [
        {
          message: `${signal.severity} signal ${signal.id} is unrouted after ${late}`,
          ...withFix({
            action: "route it to its line",
            cli: `factory signal route ${signal.id} --to <line>`,
            sdk: `work.routeSignal("${signal.id}", line)`,
            mcp: `route_signal {"signal":${JSON.stringify(signal.id)},"line":"<line>"}`,
          }),
        },
      ];
    },
  });
}

const Hours = z.number().positive().optional();
/** {@link BuiltinStandardsOptions} as a JavaScript caller may pass them: a misspelt key is refused. */
const OptionsSchema = strictInput({
  signalSlaHours: z.strictObject({ critical: Hours, high: Hours, medium: Hours, low: Hours }).optional(),
  now: aFunction.optional(),
}).optional();

/**
 * The built-in standards over artifacts (`appliesTo: "artifact"`), signals
 * (`"signal"`) and knowledge documents (`"document"`, whose source
 * `openFactory` adds), with options. Install the sources they read with
 * {@link installBuiltinStandards}.
 */
export function makeBuiltinStandards(options: BuiltinStandardsOptions = {}): RulePack {
  checkArguments("makeBuiltinStandards", { options: [OptionsSchema, options] });
  return defineRulePack({
    id: "builtin-standards",
    description:
      "Requirements with acceptance criteria in EARS form, designs linked to requirements, complete decision records (ADR artifacts and recorded decisions), change sets linked to work, signals routed within their SLA.",
    rules: [
      requirementHasAcceptanceCriteria,
      requirementFollowsEars,
      designLinksRequirement,
      decisionRecordIsComplete,
      recordedDecisionIsComplete,
      changeSetLinksWorkItem,
      signalRoutedWithinSla(options),
    ] as RulePack["rules"],
  });
}

/** The built-in standards with the default SLA (see {@link makeBuiltinStandards}). */
export const builtinStandards: RulePack = makeBuiltinStandards();

/**
 * Adds the pack (default {@link builtinStandards}) to a factory's standards,
 * so `factory.standards.check()`, its scorecards and the MCP
 * `check_standards` tool run it.
 *
 * @example
 * ```ts
 * const factory = await openFactory({ dir: ".factory" });
 * installBuiltinStandards(factory);
 * const findings = await factory.standards.check({ kind: "artifact" });
 * ```
 */
export function installBuiltinStandards(factory: Factory, pack: RulePack = builtinStandards): void {
  checkArguments("installBuiltinStandards", {
    factory: [aFactory, factory],
    pack: [anObject("a rule pack"), pack],
  });
  factory.standards.add(pack);
}

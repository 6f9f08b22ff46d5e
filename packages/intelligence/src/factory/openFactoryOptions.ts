/**
 * The options of {@link openFactory}: their types, and the schema that checks
 * them before anything is opened.
 *
 * @module
 */
import {
  type Clock,
  type EventDefinition,
  type EventStore,
  type Gate,
  isPostgresUrl,
  MaxEventBytesSchema,
  type ModelProvider,
  type PipelineInput,
  redactStore,
  type StoredEvent,
  strictInput,
} from "@software-factory/core";
import type { Embedder } from "@software-factory/knowledge";
import { z } from "zod";
import type { Automation } from "../automations/Automation.js";
import type { embedderFromEnv } from "../models/embedderFromEnv.js";
import type { Rule, RulePack } from "../rules/Rule.js";
import type { Scorecard } from "../rules/Scorecard.js";
import { RuleCheckTimeoutMsSchema } from "../rules/Standards.js";
import { builtinSkills, modelSkills } from "../skills/builtinSkills.js";
import type { Skill } from "../skills/Skill.js";
import { ClaimLeaseMsSchema } from "../skills/SkillRunKeys.js";
import type { TokenCounter } from "./contextPackTokens.js";
import type { Factory, openFactory } from "./openFactory.js";

/** Options of {@link openFactory}. */
export interface OpenFactoryOptions {
  /** Folder of the factory: the SQLite store and the caches (default `.factory`). */
  readonly dir?: string;
  /**
   * Where the log lives: a `postgres://` URL, or a store object. Defaults to
   * `FACTORY_DATABASE_URL` when set, else the SQLite file `<dir>/factory.db`.
   */
  readonly store?: string | EventStore;
  /**
   * Embedder of the knowledge base's vector index. Default: the one
   * `FACTORY_EMBEDDER` configures (see {@link embedderFromEnv}, opened and
   * closed with the factory), else the local hashing embedder.
   */
  readonly embedder?: Embedder;
  /** Pipeline of the assembly line (default stages and flows). */
  readonly pipeline?: PipelineInput;
  /** Gates run before a work item enters a stage. */
  readonly gates?: readonly Gate[];
  /** Rules and rule packs of the factory's standards. */
  readonly rules?: readonly (Rule | RulePack)[];
  /**
   * How long one rule's check of one target may take, in milliseconds
   * (default 30 seconds): a check still running then is aborted and fails as
   * a finding of its rule, so a stuck rule cannot hold the open (which scores
   * the scorecards), a check or a gate forever (see `StandardsOptions`).
   */
  readonly ruleCheckTimeoutMs?: number;
  /** Automations to run while the factory is open; each type they react to must be registered (see `events`). */
  readonly automations?: readonly Automation<Factory>[];
  /**
   * Your own event types (`defineEvent`), registered once every part has
   * registered its own and before the automations start, so automations can
   * react to them and `factory.log` appends them.
   */
  readonly events?: readonly EventDefinition[];
  /**
   * Scorecards over the rules of the standards (give their rules in
   * `rules`): while the factory is open, each line's level is re-evaluated
   * when an event its rules depend on lands, and recorded when it changes.
   */
  readonly scorecards?: readonly Scorecard[];
  /** Runnable skills besides the built-in ones. */
  readonly skills?: readonly Skill<z.ZodType, z.ZodType, Factory>[];
  /**
   * Folder of Agent Skills (`<name>/SKILL.md`) to load (default `<dir>/skills`
   * when it exists). A folder that fails to load does not fail the factory:
   * `factory.skills.problems()` lists it, and reading or running it throws a
   * ValidationError naming its problems. Kept, absolute, as
   * `factory.skills.instructionsDir`, the folder an MCP server follows.
   */
  readonly skillsDir?: string;
  /**
   * How long a skill run's claim of its idempotency key holds the key without
   * a recorded outcome, in milliseconds, from the claim or its last renewal
   * (default 15 minutes; a whole number, more than 0 and at most a year):
   * after that a retry with the key takes it over and runs the skill. A run
   * renews its claim every third of the lease while it runs. A retry on the
   * claim's host takes it over at once when its process has ended.
   */
  readonly skillClaimLeaseMs?: number;
  /** Who this process writes as, when a call names nobody (default `system`). */
  readonly actor?: string;
  /** SQLite durability (default `full`: every write is on disk when acknowledged). */
  readonly durability?: "full" | "normal";
  /**
   * The most bytes one event may take serialized as UTF-8 JSON, payload and
   * metadata, whatever the store (default 16 MiB, `DEFAULT_MAX_EVENT_BYTES`):
   * a write with a larger event (a capture, a skill run's output, an
   * automation's note) writes nothing and throws a `ValidationError` saying
   * its size. A positive integer of at most 268,435,456 (256 MiB, about what a
   * PostgreSQL jsonb value holds); the log's `maxEventBytes`.
   */
  readonly maxEventBytes?: number;
  /**
   * Opens the factory for reading only (default `false`): every part reads
   * as usual, every write (an append, a capture, a skill run) is refused
   * with a `ReadOnlyError`, and nothing is written to the folder, its caches
   * included, nor to the SQLite file (no `-wal` or `-shm` file is made); a
   * PostgreSQL store or a store object has its appends refused. Without it,
   * a factory whose folder or SQLite file this process may not write (a CI
   * artifact, another user's folder, a read-only mount) opens read-only by
   * itself. Read-only, no automation runs: `automations` are refused with a
   * `ReadOnlyError`, and the scorecards' levels are read but not re-evaluated.
   */
  readonly readOnly?: boolean;
  /**
   * The clock that stamps every event the factory writes (default: the
   * machine's). Give a `manualClock` to make the history deterministic in
   * tests and replays.
   */
  readonly clock?: Clock;
  /**
   * Model provider for skills that need one (default: from `FACTORY_MODEL_URL`,
   * `FACTORY_MODEL` and `FACTORY_MODEL_KEY` when set, else none).
   */
  readonly model?: ModelProvider;
  /**
   * How context packs count tokens against their budget (default: the real
   * `o200k_base` tokenizer, loaded by the first pack; `estimateTokenCounter`
   * skips loading it).
   */
  readonly tokenCounter?: TokenCounter;
  /**
   * A repository whose Cursor rules (`.cursor/rules/*.mdc`), `AGENTS.md` and
   * `CLAUDE.md` files become advisory standards, listed by the context packs
   * of the paths and lines they apply to; files left out (a folder named
   * AGENTS.md, a linked rule, a malformed file at its line and column: the
   * rest loads) are listed by `factory.standards.skipped()`.
   */
  readonly instructionsFrom?: string;
  /**
   * Told when an automation (one of `automations`, or the scorecards'
   * re-scoring) handled an event but could not record it, for a reason other
   * than bad output (the store is closed, locked or full, say): the
   * automation retries every second until it can, and this is how anyone
   * hears of it. An exclusive automation whose claim could not be renewed
   * while its handler runs is told so too, with a `ClaimRenewalError`.
   * Default: a process warning (`process.emitWarning`, code
   * `FACTORY_AUTOMATION_FAILED`) naming the automation, the event and the
   * error, once for each event and reason. Handlers that fail are recorded
   * instead and listed by `factory.automations.failures()`.
   */
  readonly onAutomationError?: (error: unknown, automation: string, event: StoredEvent) => void;
}

/** An option that must be an object (a store, an embedder, a model provider...): `what` says which. */
function objectOption(what: string) {
  return z.custom<object>((value) => typeof value === "object" && value !== null, `must be ${what}`);
}

/** Names of the built-in runnable skills, which a factory's own skills may not take. */
const BUILTIN_SKILL_NAMES: ReadonlySet<string> = new Set(
  [...builtinSkills, ...modelSkills].map((skill) => skill.name),
);

/** Where a skill's name is given twice, or is a built-in skill's, an issue naming it. */
function duplicateSkillNames(
  skills: readonly { readonly name: string }[],
  context: z.core.$RefinementCtx,
): void {
  const seen = new Set<string>();
  skills.forEach((skill, index) => {
    const clash = BUILTIN_SKILL_NAMES.has(skill.name)
      ? `"${skill.name}" is the name of a built-in skill`
      : seen.has(skill.name)
        ? `two skills are named "${skill.name}"`
        : undefined;
    if (clash !== undefined)
      context.addIssue({
        code: "custom",
        path: [index, "name"],
        message: `${clash}; give each skill its own name`,
      });
    seen.add(skill.name);
  });
}

/** The options of {@link openFactory}, checked before anything is opened: an unknown key is refused, naming it and the options. */
export const OpenFactoryOptionsSchema = strictInput({
  dir: z.string().min(1, "must be a folder path").optional(),
  store: z
    .union(
      [
        z
          .string()
          .min(1)
          .refine(isPostgresUrl, {
            error: (issue) =>
              `${JSON.stringify(redactStore(String(issue.input)))} is not a postgres:// or postgresql:// URL; a SQLite factory is opened with dir (its factory.db)`,
          }),
        objectOption("an EventStore object"),
      ],
      { error: "must be a postgres:// URL or an EventStore object" },
    )
    .optional(),
  embedder: objectOption("an Embedder object").optional(),
  pipeline: objectOption("a pipeline (stages and flows)").optional(),
  gates: z.array(objectOption("a Gate object")).optional(),
  rules: z.array(objectOption("a rule (defineRule) or a rule pack (defineRulePack)")).optional(),
  ruleCheckTimeoutMs: RuleCheckTimeoutMsSchema.optional(),
  automations: z.array(objectOption("an automation (defineAutomation)")).optional(),
  events: z.array(objectOption("an event definition (defineEvent)")).optional(),
  scorecards: z.array(objectOption("a scorecard (defineScorecard)")).optional(),
  skills: z
    .array(
      z.looseObject({
        name: z.string({ error: "must be a skill name" }),
        run: z.custom<() => unknown>((value) => typeof value === "function", "must be the skill's handler"),
      }),
    )
    .superRefine(duplicateSkillNames)
    .optional(),
  skillsDir: z.string().min(1, "must be a folder path").optional(),
  skillClaimLeaseMs: ClaimLeaseMsSchema.optional(),
  actor: z.string().min(1, "must name who writes").optional(),
  durability: z.enum(["full", "normal"]).optional(),
  maxEventBytes: MaxEventBytesSchema.optional(),
  readOnly: z.boolean({ error: "must be true or false" }).optional(),
  clock: z
    .custom<Clock>(
      (value) => typeof (value as { now?: unknown } | null | undefined)?.now === "function",
      "must be a Clock object (with now())",
    )
    .optional(),
  model: objectOption("a ModelProvider object").optional(),
  tokenCounter: objectOption("a TokenCounter object").optional(),
  instructionsFrom: z.string().min(1, "must be a repository folder").optional(),
  onAutomationError: z
    .custom<(error: unknown, automation: string, event: StoredEvent) => void>(
      (value) => typeof value === "function",
      "must be a function (error, automation, event)",
    )
    .optional(),
} satisfies Record<keyof OpenFactoryOptions, z.ZodType>);

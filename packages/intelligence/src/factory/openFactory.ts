/**
 * The composition root: one call opens a factory and wires every part.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  type AssemblyLine,
  type Clock,
  type EventDefinition,
  type EventLog,
  type EventStore,
  type Gate,
  MaxEventBytesSchema,
  type ModelProvider,
  openAssemblyLine,
  openEventLog,
  type PipelineInput,
  ReadOnlyError,
  type StoredEvent,
  strictInput,
  ValidationError,
  type ValidationIssue,
} from "@software-factory/core";
import { type FloorPlan, openFloorPlan } from "@software-factory/floorplan";
import { type Embedder, type KnowledgeBase, openKnowledgeBase } from "@software-factory/knowledge";
import { z } from "zod";
import type { Automation } from "../automations/Automation.js";
import { automationWarnings } from "../automations/automationWarnings.js";
import { Inbox } from "../automations/Inbox.js";
import { type AutomationRunner, startAutomations } from "../automations/startAutomations.js";
import { parseInput } from "../internal/parse.js";
import { embedderFromEnv } from "../models/embedderFromEnv.js";
import { modelFromEnv } from "../models/modelFromEnv.js";
import type { RouteCandidate } from "../router/Router.js";
import { addFactorySources } from "../rules/factorySources.js";
import { loadInstructionStandards } from "../rules/loadInstructionStandards.js";
import type { Rule, RulePack } from "../rules/Rule.js";
import { type Scorecard, Scorecards } from "../rules/Scorecard.js";
import { RuleCheckTimeoutMsSchema, Standards } from "../rules/Standards.js";
import { builtinSkills, modelSkills } from "../skills/builtinSkills.js";
import type { Skill } from "../skills/Skill.js";
import { SkillRegistry } from "../skills/SkillRegistry.js";
import { ClaimLeaseMsSchema } from "../skills/SkillRunKeys.js";
import { safeLoadSkillsDir } from "../skills/skillFolders.js";
import { buildContextPack, type ContextPack, type ContextRequest } from "./contextPack.js";
import { loadTokenCounter, type TokenCounter } from "./contextPackTokens.js";
import { factoryRouter, type RouteInput } from "./factoryRouter.js";
import { isReadOnlyFolder, refuseAppends } from "./readOnlyFactory.js";

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
   * a recorded outcome, in milliseconds (default 15 minutes; a whole number,
   * more than 0 and at most a year): after that a retry with the key takes it
   * over and runs the skill, even if the first run is still going. A retry
   * on the claim's host takes it over at once when its process has ended.
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
   * AGENTS.md, a linked rule) are listed by `factory.standards.skipped()`.
   */
  readonly instructionsFrom?: string;
  /**
   * Told when an automation (one of `automations`, or the scorecards'
   * re-scoring) handled an event but could not record it, for a reason other
   * than bad output (the store is closed, locked or full, say): the
   * automation retries every second until it can, and this is how anyone
   * hears of it. Default: a process warning (`process.emitWarning`, code
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

/** How a PostgreSQL URL starts; the store checks the rest of it. */
const POSTGRES_URL = /^postgres(ql)?:\/\//;

/** The options of {@link openFactory}, checked before anything is opened: an unknown key is refused, naming it and the options. */
const OpenFactoryOptionsSchema = strictInput({
  dir: z.string().min(1, "must be a folder path").optional(),
  store: z
    .union(
      [
        z
          .string()
          .min(1)
          .refine((value) => POSTGRES_URL.test(value), {
            error: (issue) =>
              `${JSON.stringify(issue.input)} is not a postgres:// or postgresql:// URL; a SQLite factory is opened with dir (its factory.db)`,
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

/**
 * A factory: the event log and every part folded from it, wired together.
 * Close it when done; a second process may open the same folder at any time.
 */
export interface Factory extends AsyncDisposable {
  /** Absolute folder of the factory. */
  readonly dir: string;
  /**
   * Whether the factory is open read-only (asked with `readOnly`, or its
   * folder or SQLite file cannot be written by this process): reads work,
   * and every write is refused with a `ReadOnlyError`.
   */
  readonly readOnly: boolean;
  /** The ordered, append-only event log every part is folded from. */
  readonly log: EventLog;
  /** Documents with provenance, revisions and time; hybrid search. */
  readonly knowledge: KnowledgeBase;
  /** Lines, owners and dependencies; the directory of lines and operators the other parts check against. */
  readonly floorplan: FloorPlan;
  /** The assembly line: signals, work items, artifacts, trace links, measures. */
  readonly work: AssemblyLine;
  /** Checked rules over every part, and advisory instruction standards by path. */
  readonly standards: Standards<Factory>;
  /** The scorecards given to {@link openFactory}, with each line's recorded level. */
  readonly scorecards: Scorecards;
  /** Notifications to operators, written by automations. */
  readonly inbox: Inbox;
  /**
   * The automations running while the factory is open (those given to
   * {@link openFactory} and the scorecards' re-evaluation): wait for them
   * with `idle()`, list and retry failed events; undefined when none run.
   */
  readonly automations: AutomationRunner | undefined;
  /**
   * Runnable and instruction skills; every run is recorded. Its
   * `instructionsDir` is the folder of Agent Skills loaded at open
   * (`<dir>/skills`, or the `skillsDir` given).
   */
  readonly skills: SkillRegistry<Factory>;
  /** The model provider skills use, when one is configured. */
  readonly model: ModelProvider | undefined;
  /**
   * Ranks the lines a text (or a captured signal, by id) most likely belongs
   * to, from the lines' descriptions, the knowledge linked to them, the paths
   * the text mentions and every routed signal (a re-routed one counts where it
   * went last).
   *
   * @throws ValidationError when the input is neither a text nor `{ signal }`.
   * @throws NotFoundError when the signal does not exist.
   */
  route(input: RouteInput, options?: { readonly limit?: number }): Promise<RouteCandidate[]>;
  /**
   * A context pack for a work item, line, paths or question.
   *
   * @throws ValidationError when the request is malformed, or `budgetTokens` is
   * below what the lines and the work item alone take (the message says how many).
   * @throws NotFoundError when the work item or the line does not exist.
   */
  context(request: ContextRequest): Promise<ContextPack>;
  /**
   * Releases the store, caches and subscriptions: cancels the rule checks
   * under way (see `Standards.close`: their callers get a `ClosedError`, and
   * a check that ignores its signal keeps the close waiting no longer than
   * a second; a scorecard re-evaluation cut off so records
   * nothing and is done at the next start), stops the automations after the
   * event each is handling, cancels the skill runs under way (see
   * `SkillRegistry.close`) and waits until each has recorded its outcome,
   * then closes every part. A run's caller gets a `ClosedError` when its
   * handler heeds the cancellation.
   */
  close(): Promise<void>;
}

/**
 * Opens (or creates) a factory: the event log on SQLite (or PostgreSQL), the
 * floor plan, the assembly line (with the floor plan's owners and WIP limits),
 * the knowledge base, standards, inboxes, the router and the automations. The
 * floor plan is the directory of lines and operators: work, signals, artifacts
 * and documents naming a line or operator it lacks are refused with a
 * `NotFoundError` before anything is written. The folder keeps the derived
 * indexes in `cache/`, which holds a `.gitignore` ignoring all of it: a
 * factory folder kept in a repository never has its caches committed. A
 * folder or SQLite file this process may not write opens read-only (see
 * {@link OpenFactoryOptions.readOnly}).
 *
 * @throws ValidationError when an option is malformed or unknown, two skills
 * share a name, or `FACTORY_DATABASE_URL` (read when no `store` is given) is
 * no `postgres://` URL (the message names the option, the name or the variable).
 * @throws ReadOnlyError when `automations` are given to a factory that opens
 * read-only, or the factory does not exist and its folder cannot be written.
 * @example
 * ```ts
 * const factory = await openFactory({ dir: ".factory" });
 * const { hits } = await factory.knowledge.search("why did we pick PostgreSQL?");
 * await factory.close();
 * ```
 */
export async function openFactory(options: OpenFactoryOptions = {}): Promise<Factory> {
  parseInput(OpenFactoryOptionsSchema, options, "openFactory options");
  const dir = resolve(options.dir ?? ".factory");
  const model = options.model ?? modelFromEnv();
  const where = storeOf(options.store, dir);
  // Nothing is written to a folder opened read-only or that this process may not write: its caches are only read.
  const keepFolder = options.readOnly === true || isReadOnlyFolder(dir);
  if (!keepFolder) {
    mkdirSync(dir, { recursive: true });
    ignoreCaches(join(dir, "cache"));
  }
  const store = await openStore(where, options);
  const readOnly = typeof store === "object" && store.readOnly === true;
  if (readOnly && (options.automations?.length ?? 0) > 0) {
    await (store as EventStore).close();
    throw new ReadOnlyError({
      message: `cannot run automations on the factory at ${dir}: it is open read-only, and an automation records each event it handles; open it where it can be written, or without automations`,
      path: dir,
    });
  }
  const log = await openEventLog({
    store,
    ...(options.actor === undefined ? {} : { actor: options.actor }),
    ...(options.durability === undefined ? {} : { durability: options.durability }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.maxEventBytes === undefined ? {} : { maxEventBytes: options.maxEventBytes }),
  }).catch(async (error: unknown) => {
    if (typeof store === "object") await store.close();
    throw error;
  });
  const opened: { close(): Promise<void> }[] = [log];
  try {
    const fromEnv = options.embedder === undefined ? await embedderFromEnv() : undefined;
    if (fromEnv !== undefined) opened.push(fromEnv);
    const embedder = options.embedder ?? fromEnv?.embedder;
    // A folder kept as it is still gives its snapshot; the floor plan only never saves one there.
    const floorplan = await openFloorPlan({
      log,
      cacheDir: join(dir, "cache", "floorplan"),
      saveCaches: !keepFolder,
    });
    opened.push(floorplan);
    const work = await openAssemblyLine({
      log,
      lines: floorplan,
      ...(options.pipeline === undefined ? {} : { pipeline: options.pipeline }),
      ...(options.gates === undefined ? {} : { gates: options.gates }),
    });
    opened.push(work);
    const knowledge = await openKnowledgeBase({
      log,
      dir: join(dir, "cache", "knowledge"),
      saveCaches: !keepFolder,
      // Documents linked to lines the floor plan lacks are refused, as work on them is.
      lines: floorplan,
      ...(embedder === undefined ? {} : { embedder }),
      // Loaded by the first knowledge call: commands and tool lists that never search skip the index caches.
      load: "first-use",
    });
    opened.push(knowledge);
    const inbox = await Inbox.open(log);
    const factory: Factory = {
      dir,
      readOnly,
      log,
      knowledge,
      floorplan,
      work,
      inbox,
      model,
      automations: undefined,
      standards: undefined as unknown as Standards<Factory>,
      scorecards: undefined as unknown as Scorecards,
      skills: undefined as unknown as SkillRegistry<Factory>,
      route: factoryRouter({ floorplan, work, knowledge }),
      context: async (request) =>
        buildContextPack(factory, request, options.tokenCounter ?? (await loadTokenCounter())),
      close: async () => {
        // The rules' checks are cancelled first (a hung one would hold the scorecards' automation), and the
        // automations are told to stop in the same turn, before a check's ClosedError reaches its handler: a
        // re-scoring cut off so is left for the next start, not recorded as a failure.
        const rules = factory.standards.close();
        await factory.automations?.close();
        await rules;
        await factory.skills.close();
        for (const part of [...opened].reverse()) await part.close();
      },
      [Symbol.asyncDispose]: () => factory.close(),
    };
    const standards = new Standards<Factory>(
      factory,
      options.ruleCheckTimeoutMs === undefined ? {} : { checkTimeoutMs: options.ruleCheckTimeoutMs },
    );
    addFactorySources(standards, { floorplan, work, knowledge });
    if (options.rules !== undefined) standards.add(...options.rules);
    if (options.instructionsFrom !== undefined) {
      const skipped: ValidationIssue[] = [];
      const loaded = loadInstructionStandards(options.instructionsFrom, {
        onWarning: (issue) => skipped.push(issue),
      });
      standards.addInstructions(...loaded).addSkipped(...skipped);
    }
    (factory as { standards: Standards<Factory> }).standards = standards;
    const scorecards = await Scorecards.open({
      log,
      standards: standards as Standards<unknown>,
      scorecards: options.scorecards ?? [],
      lines: () => floorplan.lines().map((line) => line.id),
      refresh: () => Promise.all([floorplan.refresh(), work.refresh()]),
    });
    opened.push(scorecards);
    (factory as { scorecards: Scorecards }).scorecards = scorecards;
    const skillsDir = options.skillsDir ?? join(dir, "skills");
    const skills = new SkillRegistry<Factory>(log, factory, {
      instructionsDir: skillsDir,
      ...(model === undefined ? {} : { model }),
      ...(options.skillClaimLeaseMs === undefined ? {} : { claimLeaseMs: options.skillClaimLeaseMs }),
    }).add(...builtinSkills, ...(model === undefined ? [] : modelSkills), ...(options.skills ?? []));
    // One bad SKILL.md must not keep the factory from opening: it is kept as a problem of that skill.
    const loaded = safeLoadSkillsDir(skillsDir);
    skills.addInstructions(...loaded.skills).addProblems(...loaded.problems);
    (factory as { skills: SkillRegistry<Factory> }).skills = skills;
    if (options.events !== undefined) log.registry.register(...options.events);
    // A read-only factory records nothing, so it runs no automation: its scorecards' levels are only read.
    const automations = readOnly
      ? []
      : [
          ...(options.automations ?? []),
          ...(scorecards.triggers().length > 0 ? [scorecards.automation() as Automation<Factory>] : []),
        ];
    if (automations.length > 0) {
      (factory as { automations: AutomationRunner }).automations = await startAutomations({
        log,
        automations,
        services: factory,
        onError: options.onAutomationError ?? automationWarnings(),
      });
    }
    return factory;
  } catch (error) {
    for (const part of opened.reverse()) await part.close().catch(() => undefined);
    throw error;
  }
}

/** The store option of the log: the given store, else `FACTORY_DATABASE_URL`, else the SQLite file in `dir`. */
function storeOf(
  store: string | EventStore | undefined,
  dir: string,
): { store: string | EventStore } | { path: string } {
  if (store !== undefined) return { store };
  const url = process.env.FACTORY_DATABASE_URL;
  if (url === undefined || url === "") return { path: join(dir, "factory.db") };
  if (!POSTGRES_URL.test(url)) {
    const message = `${JSON.stringify(url)} is not a postgres:// or postgresql:// URL; set it to the PostgreSQL URL of the factory, or unset it to use the SQLite file in dir`;
    throw new ValidationError({
      message: `FACTORY_DATABASE_URL: ${message}`,
      issues: [{ path: "FACTORY_DATABASE_URL", message }],
    });
  }
  return { store: url };
}

/**
 * Opens the store of the log named by {@link storeOf}: the SQLite file
 * (read-only when asked, or when this process may not write it or its
 * folder), else the given store or URL, whose appends are refused when
 * `readOnly` is asked (a URL is then opened here, as the log would).
 */
async function openStore(
  where: { store: string | EventStore } | { path: string },
  options: Pick<OpenFactoryOptions, "readOnly" | "durability">,
): Promise<string | EventStore> {
  const readOnly = options.readOnly === true;
  if ("path" in where) {
    const { openSqliteEventStore } = await import("@software-factory/core/sqlite");
    return openSqliteEventStore({
      path: where.path,
      readOnly,
      ...(options.durability === undefined ? {} : { durability: options.durability }),
    });
  }
  if (!readOnly) return where.store;
  if (typeof where.store === "object") return refuseAppends(where.store, `the ${where.store.kind} store`);
  const { openPostgresEventStore } = await import("@software-factory/core/postgres");
  return refuseAppends(await openPostgresEventStore({ url: where.store }), "the PostgreSQL store");
}

/**
 * Creates the cache folder with a `.gitignore` of its own that ignores all of
 * it (as pytest and mypy mark their caches), so the derived indexes of a
 * factory folder kept in a repository are never committed, whoever created the
 * folder. A `.gitignore` already there is left as it is.
 */
function ignoreCaches(cacheDir: string): void {
  mkdirSync(cacheDir, { recursive: true });
  try {
    writeFileSync(
      join(cacheDir, ".gitignore"),
      "# Derived indexes, rebuilt from the log: never committed.\n*\n",
      { flag: "wx" },
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}

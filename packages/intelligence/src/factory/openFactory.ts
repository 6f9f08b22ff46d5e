/**
 * The composition root: one call opens a factory and wires every part.
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  type AssemblyLine,
  type EventLog,
  type EventStore,
  isPostgresUrl,
  type ModelProvider,
  makeFolders,
  NotFoundError,
  openAssemblyLine,
  openEventLog,
  ReadOnlyError,
  redactStore,
  ValidationError,
  type ValidationIssue,
} from "@software-factory/core";
import { type FloorPlan, openFloorPlan } from "@software-factory/floorplan";
import { type KnowledgeBase, openKnowledgeBase } from "@software-factory/knowledge";
import type { Automation } from "../automations/Automation.js";
import { automationWarnings } from "../automations/automationWarnings.js";
import { Inbox } from "../automations/Inbox.js";
import type { KnownOperators } from "../automations/notificationChecks.js";
import { type AutomationRunner, startAutomations } from "../automations/startAutomations.js";
import { parseInput } from "../internal/parse.js";
import { embedderFromEnv } from "../models/embedderFromEnv.js";
import { modelFromEnv } from "../models/modelFromEnv.js";
import type { RouteCandidate } from "../router/Router.js";
import { addFactorySources } from "../rules/factorySources.js";
import { loadInstructionStandards } from "../rules/loadInstructionStandards.js";
import { Scorecards } from "../rules/Scorecard.js";
import { Standards } from "../rules/Standards.js";
import { builtinSkills, modelSkills } from "../skills/builtinSkills.js";
import { SkillRegistry } from "../skills/SkillRegistry.js";
import { safeLoadSkillsDir } from "../skills/skillFolders.js";
import { buildContextPack } from "./buildContextPack.js";
import type { ContextPack, ContextRequest } from "./contextPack.js";
import { loadTokenCounter } from "./contextPackTokens.js";
import { type EncodedUsage, type EncodedUsageOptions, measureEncodedUsage } from "./encodedUsage.js";
import { factoryRouter, type RouteInput } from "./factoryRouter.js";
import { type OpenFactoryOptions, OpenFactoryOptionsSchema } from "./openFactoryOptions.js";
import { isReadOnlyFolder, openPostgresReadOnly, refuseAppends } from "./readOnlyFactory.js";

export type { OpenFactoryOptions } from "./openFactoryOptions.js";

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
   * With `signal`, the pack is cancelled when it aborts: it rejects with the
   * signal's reason, and its knowledge search passes the signal on, so the
   * embedder's call for it is aborted (an HTTP embedder closes its request).
   *
   * @throws ValidationError when the request is malformed (`signal` no `AbortSignal`), or `budgetTokens` is
   * below what the lines and the work item alone take (the message says how many).
   * @throws NotFoundError when the work item or the line does not exist.
   * @throws the signal's `reason` when `signal` aborts before the pack is built.
   */
  context(request: ContextRequest): Promise<ContextPack>;
  /**
   * The use of what factory operators encoded once for every line to reuse,
   * in `[from, to)`, per author: their skills' runs (as `skills.usage`
   * counts them, each author's entry keeping its fields), their rules' use
   * (moves gates refused citing the rule, scorecard level changes naming it)
   * and their automations' handlings (by outcome, with the events emitted and
   * the lines and operators those name). With `operator`, only what that
   * operator encoded. Read from the log, so runs, refusals and handlings of
   * other processes count. A rule's checks are not counted: no check leaves
   * an event (a gate that passes, `standards.check`), and one per check
   * would grow the log with every check. A rule this factory's standards do
   * not hold is not counted (a gate's finding names the rule by id alone).
   * Only use is measured, not its effect.
   *
   * @throws ValidationError naming the option that is wrong (an end that is no point in time, `from` not before `to`, an unknown key).
   * @example
   * ```ts
   * const usage = await factory.encodedUsage({ from: "2026-03-01", to: "2026-04-01", operator: "ana" });
   * // usage.authors[0]: { author: "ana", runs, skills, rules: [{ rule, refusedMoves, ... }], automations: [{ automation, handled, failed, ... }] }
   * ```
   */
  encodedUsage(options: EncodedUsageOptions): Promise<EncodedUsage>;
  /**
   * Releases the store, caches and subscriptions: cancels the rule checks
   * under way (see `Standards.close`: their callers get a `ClosedError`, and
   * a check that ignores its signal keeps the close waiting no longer than
   * a second; a scorecard re-evaluation cut off so records
   * nothing and is done at the next start), stops the automations after the
   * event each is handling, cancels the skill runs under way (see
   * `SkillRegistry.close`) and waits until each has recorded its outcome,
   * then closes every part. A run's caller gets a `ClosedError` when its
   * handler heeds the cancellation. A later call of the log, the floor plan,
   * the assembly line or the knowledge base throws a `ClosedError` saying
   * `the factory is closed (closed by close()); open it again with openFactory`.
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
 * factory folder kept in a repository never has its caches committed. With a
 * store other than the SQLite file, the folder is made only once the store
 * opened, so a server that cannot be reached leaves none behind. A
 * folder or SQLite file this process may not write opens read-only (see
 * {@link OpenFactoryOptions.readOnly}).
 *
 * @throws ValidationError when an option is malformed or unknown, two skills
 * share a name, or `FACTORY_DATABASE_URL` (read when no `store` is given) is
 * no `postgres://` URL (the message names the option, the name or the variable).
 * @throws ReadOnlyError when `automations` are given to a factory that opens
 * read-only, or its folder is there but this process may not write it and it
 * holds no SQLite file yet (nothing to read, and none can be made).
 * @throws FolderError (`E_FOLDER`) when the folder is not there and cannot be
 * made (permission denied, a read-only mount, under `/proc`): it names the
 * folder and says why, with the system's code in `systemCode`.
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
  // The SQLite file is made in the folder; for another store the folder is made once the log opened,
  // so a store that cannot be reached leaves nothing behind.
  if (!keepFolder && "path" in where) makeFolders(dir);
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
  // Closed last, and so that every part called after says the factory is closed, whichever answers.
  const opened: { close(): Promise<void> }[] = [{ close: () => log.close({ closedBy: FACTORY_CLOSED }) }];
  try {
    if (!keepFolder) {
      makeFolders(dir);
      ignoreCaches(join(dir, "cache"));
    }
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
      // Its snapshot: an open folds only the events after it.
      cacheDir: join(dir, "cache", "assembly"),
      saveCaches: !keepFolder,
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
    // Operators a notification may go to: the floor plan's, and one retired from it who still has work
    // (the assembly line's owner filter refuses anyone else).
    const operators: KnownOperators = {
      hasOperator: (id) => {
        try {
          work.list({ owner: id });
          return true;
        } catch (error) {
          if (error instanceof NotFoundError && error.field === "owner") return false;
          throw error;
        }
      },
      operators: () => floorplan.graph.operators(),
      refresh: () => Promise.all([floorplan.refresh(), work.refresh()]),
    };
    const inbox = await Inbox.open(log, { operators });
    // The automations started below, for encodedUsage to list and credit.
    const running: Automation<Factory>[] = [];
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
      encodedUsage: (usageOptions) =>
        measureEncodedUsage(
          {
            log,
            skillUsage: (window) => factory.skills.usage(window),
            rules: () => factory.standards.rules(),
            automations: running,
            lineOf: (item) => work.get(item)?.line,
            refresh: () => work.refresh(),
          },
          usageOptions,
        ),
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
      // One malformed file must not keep the factory from opening, as a bad SKILL.md does not: it is skipped.
      const loaded = loadInstructionStandards(options.instructionsFrom, {
        onWarning: (issue) => skipped.push(issue),
        skipInvalid: true,
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
    running.push(...automations);
    if (automations.length > 0) {
      (factory as { automations: AutomationRunner }).automations = await startAutomations({
        log,
        automations,
        services: factory,
        operators,
        onError: options.onAutomationError ?? automationWarnings(),
      });
    }
    return factory;
  } catch (error) {
    for (const part of opened.reverse()) await part.close().catch(() => undefined);
    throw error;
  }
}

/** What a factory's parts (its log, floor plan, assembly line, knowledge base) say when called after `close()`. */
const FACTORY_CLOSED = "the factory is closed (closed by close()); open it again with openFactory";

/** The store option of the log: the given store, else `FACTORY_DATABASE_URL`, else the SQLite file in `dir`. */
function storeOf(
  store: string | EventStore | undefined,
  dir: string,
): { store: string | EventStore } | { path: string } {
  if (store !== undefined) return { store };
  const url = process.env.FACTORY_DATABASE_URL;
  // A blank variable is unset, as `factory` and `factory-mcp` read it.
  if (url === undefined || url.trim() === "") return { path: join(dir, "factory.db") };
  if (!isPostgresUrl(url)) {
    const message = `${JSON.stringify(redactStore(url))} is not a postgres:// or postgresql:// URL; set it to the PostgreSQL URL of the factory, or unset it to use the SQLite file in dir`;
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
  return openPostgresReadOnly(where.store);
}

/**
 * Creates the cache folder with a `.gitignore` of its own that ignores all of
 * it (as pytest and mypy mark their caches), so the derived indexes of a
 * factory folder kept in a repository are never committed, whoever created the
 * folder. A `.gitignore` already there is left as it is.
 */
function ignoreCaches(cacheDir: string): void {
  makeFolders(cacheDir);
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

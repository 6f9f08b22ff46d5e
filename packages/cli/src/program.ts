/**
 * The `factory` program: commander set up with the shared options, every
 * command, and exit codes that CI can use.
 *
 * @module
 */
import { type Stats, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { FACTORY_FOLDER, findFactoryFolder } from "@software-factory/intelligence";
import { Command, CommanderError, Option } from "commander";
import { registerAutomations } from "./commands/automations.js";
import { registerCheck } from "./commands/check.js";
import { registerContext } from "./commands/context.js";
import { registerDemo } from "./commands/demo.js";
import { registerFloorplan } from "./commands/floorplan.js";
import { registerImpact } from "./commands/impact.js";
import { registerImport } from "./commands/import.js";
import { registerInbox } from "./commands/inbox.js";
import { registerInit } from "./commands/init.js";
import { registerKnowledge } from "./commands/knowledge.js";
import { registerMcp } from "./commands/mcp.js";
import { registerMetrics } from "./commands/metrics.js";
import { registerMigrate } from "./commands/migrate.js";
import { registerPlan } from "./commands/plan.js";
import { registerDeployment, registerIncident } from "./commands/production.js";
import { registerSearch } from "./commands/search.js";
import { registerSignal } from "./commands/signal.js";
import { registerSkills } from "./commands/skills.js";
import { registerStandards } from "./commands/standards.js";
import { registerWhoOwns } from "./commands/whoOwns.js";
import { registerWork } from "./commands/work.js";
import { envSwitch } from "./envSwitch.js";
import { errorHints } from "./errorHints.js";
import { errorMessage, pathTooLongMessage } from "./errorMessage.js";
import { ExitCode, InterruptedError, UsageError } from "./exitCodes.js";
import { ActorFlag, parseFlag, parseStoreFlag } from "./flags.js";
import { addHelpCommands } from "./helpCommand.js";
import { interruptedExitCode } from "./interruption.js";
import { createOutput, type Output, OutputClosedError } from "./Output.js";
import { argumentDescription, optionDescription } from "./optionHelp.js";
import { refuseOptionsAsValues } from "./optionValues.js";
import { checkRequiredOptionsLast } from "./requiredOptions.js";
import { defaultActor, type GlobalOptions, type Session } from "./Session.js";
import { refuseRepeatedValues } from "./singleValues.js";

/** The version the CLI reports with `--version`. */
export const CLI_VERSION = "0.1.0";

/** What the commands share: where they write and how they report failure. */
export interface CliContext {
  /** Where the commands write results, errors and progress. */
  readonly output: Output;
  /** Marks the run as failed (exit code 1) without stopping it. */
  fail(): void;
}

/** The code of a usage error, on commander's messages as on {@link UsageError}. */
const USAGE_CODE: UsageError["code"] = "E_USAGE";

/** Arguments of a command action as commander passes them: positionals, then local options, then the command. */
type ActionArgs = unknown[];

/**
 * The commands that may create the factory they name: `init`, and those that
 * fill a factory from a source (`plan apply`, `import ...`), so that
 * `factory plan apply factory.yaml` or `factory import codebase .` in a fresh
 * CI checkout works. Every other command refuses a factory that does not
 * exist: a mistyped `--dir` is an error, not a new, empty factory.
 */
const CREATES_FACTORY = ["init", "plan apply", "import"];

/** `work list` for the `list` subcommand of `work`: the names from the program down, without it. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent != null; at = at.parent) names.unshift(at.name());
  return names.join(" ");
}

/** Whether a command may create the factory it names (see {@link CREATES_FACTORY}). */
function mayCreate(command: Command): boolean {
  const path = commandPath(command);
  return CREATES_FACTORY.some((creator) => path === creator || path.startsWith(`${creator} `));
}

/**
 * The folder a command names: `--dir`, else `FACTORY_DIR` when set and not
 * empty (either taken as given, relative to the current folder), else the
 * `.factory` of the current folder or of the nearest parent up to the
 * repository's root (see {@link findFactoryFolder}), else `.factory` here,
 * where a command that creates the factory creates it. `searched` says the
 * folder was looked for rather than named. A file there is refused before any
 * command reads or creates the factory (it would fail later on the file
 * system's terms).
 */
function dirOf(command: Command, given: string | undefined): { dir: string; searched: boolean } {
  const named = given !== undefined && given.trim() !== "";
  const fromEnv = command.getOptionValueSourceWithGlobals("dir") === "env";
  if (given !== undefined && !named && !fromEnv)
    throw new UsageError("--dir: must not be empty (give the factory's folder, such as .factory)");
  const dir = named ? given : (findFactoryFolder() ?? FACTORY_FOLDER);
  // Named as the user gave it: a folder from FACTORY_DIR is told as the variable's, not as a --dir never typed.
  const flag = named && fromEnv ? "FACTORY_DIR (--dir)" : "--dir";
  if (entryOf(dir, flag)?.isDirectory() === false)
    throw new UsageError(
      `${flag} ${dir} is a file, not a factory folder (the folder that holds factory.db; \`factory init\` makes one)`,
    );
  return { dir, searched: !named };
}

/**
 * What is at `dir`, if anything; a file standing where one of its parent
 * folders should be (`ENOTDIR`) is a usage error naming it and `flag`, where `dir` came from.
 */
function entryOf(dir: string, flag: string): Stats | undefined {
  try {
    return statSync(resolve(dir), { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOTDIR") throw error;
    throw new UsageError(`${flag} ${dir}: ${fileAbove(resolve(dir))} is a file, so no folder can be there`);
  }
}

/** The nearest parent of `path` that is a file (the one `ENOTDIR` is about). */
function fileAbove(path: string): string {
  for (let at = dirname(path); dirname(at) !== at; at = dirname(at)) {
    try {
      if (!statSync(at).isDirectory()) return at;
    } catch {
      // Below the file, or not there: go up.
    }
  }
  return dirname(path);
}

/**
 * Wraps a command handler: builds its {@link Session} from the options of the
 * command and its parents, so every command takes `--dir`, `--store`, `--json`
 * and `--actor`. Only `init`, `plan apply` and `import ...` may create the
 * factory; the others refuse one that does not exist when they open it (see
 * `withFactory`).
 *
 * @throws UsageError when `--dir` is empty, `--store` (or
 *   `FACTORY_DATABASE_URL`) is malformed, or `--actor` (or `FACTORY_ACTOR`) is
 *   not an operator id.
 */
export function action(
  context: CliContext,
  handler: (session: Session, ...args: ActionArgs) => Promise<void> | void,
): (...args: ActionArgs) => Promise<void> {
  return async (...args) => {
    const command = args.at(-1) as Command;
    const merged = command.optsWithGlobals() as {
      dir?: string;
      json?: boolean;
      actor?: string;
      store?: string;
    };
    const fromEnv = command.getOptionValueSourceWithGlobals("store") === "env";
    const storeFlag = fromEnv ? "FACTORY_DATABASE_URL (--store)" : "--store";
    // An empty FACTORY_DATABASE_URL is unset, as an empty FACTORY_DIR is; an empty --store is a usage error.
    const store =
      fromEnv && merged.store?.trim() === "" ? undefined : parseStoreFlag(merged.store, storeFlag);
    const options: GlobalOptions = {
      ...dirOf(command, merged.dir),
      json: merged.json === true,
      actor: merged.actor === undefined ? defaultActor() : parseFlag(ActorFlag, merged.actor, "--actor"),
      ...(store === undefined ? {} : { store, storeFlag }),
      ...(mayCreate(command) ? { create: true } : {}),
    };
    await handler({ options, output: context.output, fail: context.fail }, ...args.slice(0, -1));
  };
}

/** The command line `program` is parsing (commander keeps it, untyped, as `rawArgs`). */
function rawArgs(program: Command): readonly string[] {
  return (program as unknown as { rawArgs?: readonly string[] }).rawArgs ?? [];
}

/** The arguments before `--` (after it, `--json` is an operand, not the flag). */
function beforeDoubleDash(args: readonly string[]): readonly string[] {
  const end = args.indexOf("--");
  return end === -1 ? args : args.slice(0, end);
}

/**
 * Builds the `factory` program. Exposed so tests and other tools can run it in
 * process; the bin calls {@link runCli}.
 */
export function createProgram(context: CliContext): Command {
  const program = new Command("factory")
    .description(
      "The Software Factory from a shell or CI: floor plan, knowledge, assembly line, standards and measures.",
    )
    // Before commander's own listener, which prints the plain version: --json may come after
    // --version, which commander acts on as soon as it reads it, so the whole command line is read.
    .on("option:version", function (this: Command) {
      if (this.opts().json !== true && !beforeDoubleDash(rawArgs(this)).includes("--json")) return;
      context.output.json({ version: CLI_VERSION });
      throw new CommanderError(0, "commander.version", CLI_VERSION);
    })
    .version(CLI_VERSION)
    .addOption(
      new Option(
        "--dir <path>",
        "folder of the factory (default the .factory here or in the nearest parent, up to the repository's root; else .factory here)",
      ).env("FACTORY_DIR"),
    )
    .addOption(
      new Option(
        "--store <url|path>",
        "where the log lives: a postgres:// URL (?schema=<name> picks the schema) or a SQLite file (default <dir>/factory.db)",
      ).env("FACTORY_DATABASE_URL"),
    )
    .option("--json", "print JSON instead of text (every read; a write prints what it stored)")
    .option(
      "--actor <id>",
      "who the command writes as: an operator id, [a-z0-9._-] (default FACTORY_ACTOR, else the user name)",
    )
    // Each command's help lists the options every command takes (--json, --dir...) after its own,
    // and every default, an option's or an argument's, as written words, (default 10), not as a quoted string.
    .configureHelp({ showGlobalOptions: true, optionDescription, argumentDescription })
    // `factory help <command...>` is helpCommand.ts's, which reads every name (commander's reads the first).
    .helpCommand(false)
    .showHelpAfterError("(run with --help for usage)")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.output.line(text.replace(/\n$/, "")),
      writeErr: (text) => {
        // Help on standard error is commander's answer to a command line without its command
        // (`factory`, `factory work`): the error line scripts read comes first, as for every usage error.
        const command = /^Usage: (factory(?: [a-z-]+)*) \[options\] \[command\]/.exec(text)?.[1];
        if (command !== undefined)
          context.output.error(`error: ${USAGE_CODE}: ${command}: missing command (the commands are below)`);
        context.output.error(text.replace(/\n$/, ""));
      },
      // Commander's own usage errors carry the code of the CLI's, as every error line does, and a value
      // left out at the end reads as one left out before another option (`--source: its value is missing`).
      outputError: (text, write) =>
        write(
          text
            .replace(
              /^error: option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/,
              "error: $1: its value is missing",
            )
            .replace(/^error: /, `error: ${USAGE_CODE}: `),
        ),
    });
  registerInit(program, context);
  registerImport(program, context);
  registerPlan(program, context);
  registerSearch(program, context);
  registerKnowledge(program, context);
  registerFloorplan(program, context);
  registerWhoOwns(program, context);
  registerImpact(program, context);
  registerWork(program, context);
  registerSignal(program, context);
  registerDeployment(program, context);
  registerIncident(program, context);
  registerCheck(program, context);
  registerStandards(program, context);
  registerContext(program, context);
  registerMetrics(program, context);
  registerSkills(program, context);
  registerMigrate(program, context);
  registerInbox(program, context);
  registerAutomations(program, context);
  registerMcp(program, context);
  registerDemo(program, context);
  addHelpCommands(program);
  // A mistyped required flag is told as the typo ("Did you mean --line?"), not as the flag missing.
  checkRequiredOptionsLast(program);
  // A forgotten value does not swallow the next flag (`--source --customer x`).
  refuseOptionsAsValues(program);
  // A flag that takes one value, given twice, is refused rather than answered for the last value.
  refuseRepeatedValues(program);
  return program;
}

/**
 * Runs the `factory` command line and returns its exit code: 0 ok, 1 findings
 * or a failed operation, 2 usage error. An error's first line on standard
 * error is `error: <code>: <message>`, with its stable code and without a
 * stack trace (set `FACTORY_DEBUG=1` to see it); lines for a person may follow
 * (a usage hint, an invalid file's problems), so scripts read the first.
 * When the reader of standard output goes away (`factory search x | head -1`),
 * the command ends quietly with the code it had so far (0 unless it had found
 * errors).
 */
export async function runCli(argv: readonly string[], output: Output = createOutput()): Promise<ExitCode> {
  let failed = false;
  const program = createProgram({
    output,
    fail: () => {
      failed = true;
    },
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return failed ? ExitCode.failed : ExitCode.ok;
  } catch (error) {
    output.endProgress();
    if (error instanceof OutputClosedError) return failed ? ExitCode.failed : ExitCode.ok;
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return ExitCode.ok;
      // `factory help` asked for it; `factory` or `factory work` alone lacks its command (help on standard error).
      if (error.code === "commander.help") return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
      // commander already printed the message.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const tooLong = pathTooLongMessage(error);
    if (error instanceof UsageError || tooLong !== undefined) {
      output.error(`error: ${tooLong === undefined ? errorMessage(error) : `${USAGE_CODE}: ${tooLong}`}`);
      output.error("(run with --help for usage)");
      return ExitCode.usage;
    }
    if (error instanceof InterruptedError) {
      output.error(`error: ${errorMessage(error)}`);
      return interruptedExitCode(error.signal);
    }
    output.error(`error: ${errorMessage(error)}`);
    for (const hint of errorHints(error)) output.error(hint);
    const debug = envSwitch(process.env.FACTORY_DEBUG);
    if (debug === "on") output.error(String((error as Error).stack));
    if (debug === "unknown")
      output.error(
        `(FACTORY_DEBUG=${process.env.FACTORY_DEBUG} is not one of 1, true, yes, on, 0, false, no, off: no stack trace)`,
      );
    return ExitCode.failed;
  }
}

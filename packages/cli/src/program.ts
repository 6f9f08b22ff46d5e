/**
 * The `factory` program: commander set up with the shared options, every
 * command, and exit codes that CI can use.
 *
 * @module
 */
import { Command, CommanderError, Option } from "commander";
import { registerCheck } from "./commands/check.js";
import { registerDemo } from "./commands/demo.js";
import { registerFloorplan } from "./commands/floorplan.js";
import { registerImpact } from "./commands/impact.js";
import { registerImport } from "./commands/import.js";
import { registerInit } from "./commands/init.js";
import { registerMcp } from "./commands/mcp.js";
import { registerMetrics } from "./commands/metrics.js";
import { registerMigrate } from "./commands/migrate.js";
import { registerPlan } from "./commands/plan.js";
import { registerSearch } from "./commands/search.js";
import { registerSignal } from "./commands/signal.js";
import { registerSkills } from "./commands/skills.js";
import { registerWhoOwns } from "./commands/whoOwns.js";
import { registerWork } from "./commands/work.js";
import { errorMessage } from "./errorMessage.js";
import { ExitCode, UsageError } from "./exitCodes.js";
import { parseStoreFlag } from "./flags.js";
import { createOutput, type Output } from "./Output.js";
import { defaultActor, type GlobalOptions, type Session } from "./Session.js";

/** The version the CLI reports with `--version`. */
export const CLI_VERSION = "0.1.0";

/** What the commands share: where they write and how they report failure. */
export interface CliContext {
  readonly output: Output;
  /** Marks the run as failed (exit code 1) without stopping it. */
  fail(): void;
}

/** Arguments of a command action as commander passes them: positionals, then local options, then the command. */
type ActionArgs = unknown[];

/**
 * Wraps a command handler: builds its {@link Session} from the options of the
 * command and its parents, so every command takes `--dir`, `--store`, `--json`
 * and `--actor`.
 *
 * @throws UsageError when `--store` (or `FACTORY_DATABASE_URL`) is malformed.
 */
export function action(
  context: CliContext,
  handler: (session: Session, ...args: ActionArgs) => Promise<void> | void,
): (...args: ActionArgs) => Promise<void> {
  return async (...args) => {
    const command = args.at(-1) as Command;
    const merged = command.optsWithGlobals() as {
      dir: string;
      json?: boolean;
      actor?: string;
      store?: string;
    };
    const fromEnv = command.getOptionValueSourceWithGlobals("store") === "env";
    const store = parseStoreFlag(merged.store, fromEnv ? "FACTORY_DATABASE_URL (--store)" : "--store");
    const options: GlobalOptions = {
      dir: merged.dir,
      json: merged.json === true,
      actor: merged.actor ?? defaultActor(),
      ...(store === undefined ? {} : { store }),
    };
    await handler({ options, output: context.output, fail: context.fail }, ...args.slice(0, -1));
  };
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
    .version(CLI_VERSION)
    .addOption(new Option("--dir <path>", "folder of the factory").default(".factory").env("FACTORY_DIR"))
    .addOption(
      new Option(
        "--store <url|path>",
        "where the log lives: a postgres:// URL (?schema=<name> picks the schema) or a SQLite file (default <dir>/factory.db)",
      ).env("FACTORY_DATABASE_URL"),
    )
    .option("--json", "print JSON instead of text (every read command)")
    .option("--actor <id>", "who the command writes as (default FACTORY_ACTOR, else the user name)")
    .showHelpAfterError("(run with --help for usage)")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.output.line(text.replace(/\n$/, "")),
      writeErr: (text) => context.output.error(text.replace(/\n$/, "")),
    });
  registerInit(program, context);
  registerImport(program, context);
  registerPlan(program, context);
  registerSearch(program, context);
  registerFloorplan(program, context);
  registerWhoOwns(program, context);
  registerImpact(program, context);
  registerWork(program, context);
  registerSignal(program, context);
  registerCheck(program, context);
  registerMetrics(program, context);
  registerSkills(program, context);
  registerMigrate(program, context);
  registerMcp(program, context);
  registerDemo(program, context);
  return program;
}

/**
 * Runs the `factory` command line and returns its exit code: 0 ok, 1 findings
 * or a failed operation, 2 usage error. Errors are printed as one line, without
 * a stack trace (set `FACTORY_DEBUG=1` to see it).
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
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      )
        return ExitCode.ok;
      // commander already printed the message.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof UsageError) {
      output.error(`error: ${error.message}`);
      output.error("(run with --help for usage)");
      return ExitCode.usage;
    }
    output.error(`error: ${errorMessage(error)}`);
    if (process.env.FACTORY_DEBUG) output.error(String((error as Error).stack));
    return ExitCode.failed;
  }
}

/**
 * The `factory` command of the Software Factory SDK, as a library: the
 * program builder (for tests and tools that embed the CLI) and the Acme
 * walkthrough behind `factory demo`. The standards and gates it opens a
 * factory with (`basicStandards`, `builtinStandards`, `defaultGates`) are in
 * `@software-factory/intelligence`.
 *
 * Any new export added here becomes public API. Use named exports, not wildcards.
 *
 * @packageDocumentation
 */

export { type AcmeWalkthroughOptions, findAcmeExample, runAcmeWalkthrough } from "./demo/walkthrough.js";
export { ExitCode, InterruptedError, UsageError } from "./exitCodes.js";
export { parseSince, SinceFlag } from "./flags.js";
export type { InterruptSignal } from "./interruption.js";
export {
  createOutput,
  type Output,
  OutputClosedError,
  type OutputStreams,
  OutputWriteError,
  type StyleName,
} from "./Output.js";
export { printable } from "./printable.js";
export { action, CLI_VERSION, type CliContext, createProgram, runCli } from "./program.js";
export { defaultActor, type GlobalOptions, type Session, withFactory } from "./Session.js";

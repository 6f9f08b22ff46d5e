/**
 * Worker processes a benchmark forks from its own file (run through tsx on the
 * packages' sources), each answering the commands it is sent over IPC, driven
 * in lock step: every command goes to all, and the next replies are one from each.
 */
import { type ChildProcess, fork } from "node:child_process";

/** How {@link ForkedCrew} starts its processes and stops them. */
export interface ForkedCrewOptions<Command> {
  /** The file each process runs: the benchmark's own, `fileURLToPath(import.meta.url)`. */
  readonly script: string;
  /** How many processes. */
  readonly count: number;
  /** The command-line arguments of the process numbered `index` (from 0), which tell it its role. */
  readonly args: (index: number) => string[];
  /** What to call one process in the error thrown when one dies, as "a small writer". */
  readonly name: string;
  /** The command on which a process exits. */
  readonly exit: Command;
}

/** Processes forked from a benchmark's file, sent the same commands and answering one reply each. */
export class ForkedCrew<Command extends object, Reply> {
  readonly #children: ChildProcess[];
  readonly #replies: Reply[][] = [];
  readonly #options: ForkedCrewOptions<Command>;

  /** Forks the processes; they answer a first reply (say, ready) when they have started. */
  constructor(options: ForkedCrewOptions<Command>) {
    this.#options = options;
    this.#children = Array.from({ length: options.count }, (_, index) => {
      const child = fork(options.script, options.args(index), {
        execArgv: ["--conditions=@software-factory/source", "--import", "tsx"],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      const inbox: Reply[] = [];
      this.#replies.push(inbox);
      child.on("message", (reply: Reply) => inbox.push(reply));
      return child;
    });
  }

  /** The next reply of every process, in their order; kills them all and throws when one has died. */
  async next(): Promise<Reply[]> {
    for (;;) {
      if (this.#replies.every((inbox) => inbox.length > 0))
        return this.#replies.map((inbox) => inbox.shift() as Reply);
      if (this.#children.some((child) => child.exitCode !== null)) {
        for (const child of this.#children) child.kill();
        throw new Error(`${this.#options.name} died; see its error above`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Sends `command` to every process. */
  send(command: Command): void {
    for (const child of this.#children) child.send(command);
  }

  /** Sends the exit command and waits until every process has exited. */
  async close(): Promise<void> {
    this.send(this.#options.exit);
    await Promise.all(
      this.#children.map((child) =>
        child.exitCode !== null ? undefined : new Promise((resolve) => child.once("exit", resolve)),
      ),
    );
  }
}

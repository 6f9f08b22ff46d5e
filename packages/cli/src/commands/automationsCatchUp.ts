/**
 * Running automations in a CLI process until they have caught up with the
 * log: what `factory automations run` and `factory automations retry` wait for
 * before they close them.
 *
 * @module
 */
import type { AutomationRunner, Factory } from "@software-factory/intelligence";

/**
 * Starts automations with `start`, runs `first` with them (a retry, say),
 * waits until they have handled every event up to the head, again while
 * their own reactions move the head, and closes them whatever happens.
 * Rejects with the first error appending a result failed with (the runner
 * would retry it forever), or as soon as `stop` rejects (a signal, say): the
 * runner's close then ends the handling in flight as it does (recorded when
 * it finished, else left for the next run), so nothing is lost nor handled
 * twice.
 *
 * @returns what `first` returned.
 */
export async function catchUp<T>(
  factory: Factory,
  start: (onError: (error: unknown) => void) => Promise<AutomationRunner>,
  first: (runner: AutomationRunner) => Promise<T>,
  stop: Promise<never> = new Promise<never>(() => undefined),
): Promise<T> {
  let fail: (error: unknown) => void = () => undefined;
  const failed = Promise.race([
    new Promise<never>((_, reject) => {
      fail = reject;
    }),
    stop,
  ]);
  // Rejected before the race below listens (a signal while the runner starts): heard there all the same.
  failed.catch(() => undefined);
  const runner = await start((error) => fail(error));
  try {
    const value = await Promise.race([first(runner), failed]);
    const settle = async () => {
      for (;;) {
        const head = await factory.log.head();
        await runner.idle();
        if ((await factory.log.head()) === head) return;
      }
    };
    await Promise.race([settle(), failed]);
    return value;
  } finally {
    await runner.close();
  }
}

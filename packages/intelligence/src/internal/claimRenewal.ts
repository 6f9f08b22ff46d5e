/**
 * Renewing a claim (an exclusive automation's event, a skill run's key)
 * while its holder works, so that a lease can be short: a holder that lives
 * keeps its claim however long its work takes, and one that died is seen to
 * have died once its lease runs out after its last renewal.
 *
 * @module
 */
import { randomUUID } from "node:crypto";

/** How often a claim held for `leaseMs` is renewed: every third of the lease, 1 ms at the least. */
export function renewalIntervalMs(leaseMs: number): number {
  return Math.max(1, Math.floor(leaseMs / 3));
}

/**
 * Renews a claim every third of its lease until the returned function is
 * called: `renew` appends one renewal under an idempotency key made from the
 * id it is given, the same id again for a renewal whose append failed, so a
 * retried renewal lands once. A renewal that fails is told to `failed` (what
 * it throws is dropped) and tried again a third of the lease later: the
 * holder's work goes on, as nothing can stop it. The timer never keeps the
 * process alive. The returned function stops the renewals and resolves once
 * the one in flight, if any, has ended, so nothing is appended after it.
 */
export function renewWhileHeld(
  leaseMs: number,
  renew: (id: string) => Promise<unknown>,
  failed: (error: unknown) => void,
): () => Promise<void> {
  const everyMs = renewalIntervalMs(leaseMs);
  let stopped = false;
  let unlanded: string | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(tick, everyMs);
    timer.unref();
  };
  const tick = () => {
    inFlight = (async () => {
      const id = unlanded ?? randomUUID();
      try {
        await renew(id);
        unlanded = undefined;
      } catch (error) {
        unlanded = id;
        try {
          failed(error);
        } catch {
          // A listener that throws is not the holder's concern: the renewals go on.
        }
      }
      if (!stopped) schedule();
    })();
  };
  schedule();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await inFlight;
  };
}

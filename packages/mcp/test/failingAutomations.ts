/**
 * The failures of the automations tests (`factory://automations/failures`
 * here, `factory automations failures|retry` in the CLI's tests): an
 * automation whose every attempt fails, and a local node:http hook receiver
 * whose answer a test sets, to make a webhook delivery fail or succeed.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { defineAutomation } from "@software-factory/intelligence";

/** An automation of an SDK program that fails on every captured signal, twice: the pager is down. */
export const tellPager = defineAutomation({
  name: "tell-pager",
  description: "Pages the on-call operator about each captured signal.",
  on: ["signal.captured"],
  retry: { attempts: 2, backoffMs: 1 },
  run: () => {
    throw Object.assign(new Error("the pager is down"), { code: "E_PAGER_DOWN" });
  },
});

/** A started hook receiver. */
export interface HookReceiver {
  /** `http://127.0.0.1:<port>/hooks/team`. */
  readonly url: string;
  /** The `X-Factory-Event-Id` of each post the receiver took with a 2xx, oldest first. */
  readonly delivered: readonly string[];
  /** Stops the receiver. */
  close(): Promise<void>;
}

/**
 * Starts a receiver answering each post with the status `answer()` gives at
 * the time (`ok` for a 2xx, `no such hook` otherwise), closing the connection.
 *
 * @example
 * ```ts
 * const receiver = await startHookReceiver(() => 404);
 * makeWebhookDelivery({ url: receiver.url });
 * ```
 */
export async function startHookReceiver(answer: () => number): Promise<HookReceiver> {
  const delivered: string[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const status = answer();
      if (status < 300) delivered.push(String(request.headers["x-factory-event-id"]));
      response.writeHead(status, { connection: "close" }).end(status < 300 ? "ok" : "no such hook");
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/team`,
    delivered,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

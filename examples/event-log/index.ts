/**
 * The event log in five steps: define event types, open the embedded store,
 * append (atomically, idempotently), read, and follow new events live.
 *
 *   npm run start -w @software-factory/example-event-log
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConcurrencyConflictError, defineEvent, openEventLog, ValidationError } from "@software-factory/core";
import { z } from "zod";

// 1. Event types, with the schema every payload is checked against before it is written.
const SignalCaptured = defineEvent(
  "signal.captured",
  z.object({ text: z.string().min(1), customer: z.string(), severity: z.enum(["low", "medium", "high"]) }),
);
const SignalRouted = defineEvent("signal.routed", z.object({ line: z.string() }));

// 2. Open the embedded store: one SQLite file, shared safely by every process that opens it.
const dir = mkdtempSync(join(tmpdir(), "factory-example-"));
const log = await openEventLog({
  path: join(dir, "factory.db"),
  events: [SignalCaptured, SignalRouted],
  actor: "dana",
});

// 3. Follow new events as they land (from this process or any other one on the same file).
let followedBoth = () => {};
const followed = new Promise<void>((resolve) => (followedBoth = resolve));
const subscription = await log.subscribe((event) => {
  console.log(`  live: #${event.seq} ${event.type} ${event.subject} by ${event.actor}`);
  if (event.seq === 2) followedBoth();
});

// 4. Append: a batch lands whole or not at all; an idempotency key makes retries safe.
const batch = [
  {
    type: "signal.captured",
    subject: "sig_1",
    data: { text: "Checkout times out on mobile", customer: "acme", severity: "high" },
  },
  { type: "signal.routed", subject: "sig_1", data: { line: "checkout" } },
];
const stored = await log.append(batch, { idempotencyKey: "call-2026-11-24" });
const retried = await log.append(batch, { idempotencyKey: "call-2026-11-24" });
console.log(
  `appended ${stored.length} events; the retry returned the same positions: ${retried.map((e) => e.seq).join(", ")}`,
);

try {
  await log.append({
    type: "signal.captured",
    subject: "sig_2",
    data: { text: "", customer: "acme", severity: "urgent" },
  });
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  console.log(`rejected bad input (${error.code}): ${error.message}`);
}
try {
  await log.append(
    { type: "signal.routed", subject: "sig_1", data: { line: "payments" } },
    { expectedHead: 1 },
  );
} catch (error) {
  if (!(error instanceof ConcurrencyConflictError)) throw error;
  console.log(`optimistic concurrency (${error.code}): ${error.message}`);
}

// 5. Read: from a position, with a limit, filtered by type or subject.
const head = await log.head();
console.log(`head is at ${head}; events about sig_1:`);
for (const event of await log.read({ subjects: ["sig_1"] })) {
  console.log(`  #${event.seq} ${event.at} ${event.type} ${JSON.stringify(event.data)}`);
}

await followed;
await subscription.close();
await log.close();
rmSync(dir, { recursive: true, force: true });

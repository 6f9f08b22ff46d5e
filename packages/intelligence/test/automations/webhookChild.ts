/**
 * Child process: opens the factory in `<dir>` delivering its notifications to
 * the webhook at `<url>`, prints `started`, and runs until killed.
 * Usage: webhookChild.ts <dir> <url>
 */
import { estimateTokenCounter, makeWebhookDelivery, openFactory } from "@software-factory/intelligence";

const [dir, url] = process.argv.slice(2);
if (dir === undefined || url === undefined) {
  console.error("usage: webhookChild.ts <dir> <url>");
  process.exit(2);
}
await openFactory({ dir, automations: [makeWebhookDelivery({ url })], tokenCounter: estimateTokenCounter });
process.stdout.write("started\n");
// The automations' subscription does not keep the process alive: this does, until the test kills it.
setInterval(() => undefined, 60_000);

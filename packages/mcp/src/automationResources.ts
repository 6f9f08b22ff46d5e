/**
 * The automations' failures, as a resource: `factory://automations/failures`
 * answers `readAutomationFailures` (each event whose last handling failed,
 * by any automation that ran on the factory, in this process or another), so
 * an agent can see why a notification was not delivered or a signal not
 * routed. Read-only: a retry is `factory automations retry` or
 * `factory.automations.retry` in the process that runs the automation. A
 * resource rather than a tool costs nothing in `tools/list`.
 *
 * @module
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { type Factory, readAutomationFailures } from "@software-factory/intelligence";
import { json } from "./resourceContents.js";
import type { ResourceListing } from "./resourcePages.js";

/** The address of the automations' failures. */
const FAILURES = "factory://automations/failures";

/** Registers `factory://automations/failures` on a server, and lists it with `listing`. */
export function registerAutomationResources(
  server: McpServer,
  factory: Factory,
  listing: ResourceListing,
): void {
  listing.fixed(
    FAILURES,
    server.registerResource(
      "automation-failures",
      FAILURES,
      {
        title: "Failed automation handlings",
        description:
          "Events an automation failed to handle (route-new-signals, owner notifications, webhook delivery...), not yet retried successfully: automation, event, error, permanent or not, attempts, when",
        mimeType: "application/json",
      },
      async (uri) => json(uri, await readAutomationFailures(factory.log)),
    ),
  );
}

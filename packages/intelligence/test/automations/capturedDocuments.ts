/**
 * What the automation tests over a factory's captured documents share: the
 * event type they are on, the source of the documents they capture, and the
 * marks their handlings leave in the log.
 */
import { AutomationHandled, type Factory } from "@software-factory/intelligence";

/** The type of the event a knowledge capture appends. */
export const CAPTURED = "knowledge.document.captured";

/** The source of the documents the tests capture. */
export const source = { system: "test" };

/** The `automation.handled` marks of the factory's log, oldest first. */
export async function handledMarkEvents(factory: Factory) {
  return (await factory.log.read({ types: [AutomationHandled.type] })).filter((event) =>
    AutomationHandled.is(event),
  );
}

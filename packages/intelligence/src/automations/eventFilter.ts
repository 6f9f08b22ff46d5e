/**
 * An automation's filter (`Automation.filter`) asked about an event before
 * its handling: act on it, pass it over, or fail it (the filter threw, or
 * answered other than true or false).
 *
 * @module
 */
import type { StoredEvent } from "@software-factory/core";
import { describeError } from "./handlingEvents.js";
import type { HandlingScope } from "./runHandler.js";

/** What the filter said of an event: act on it, pass it over, or the error that fails it. */
export type FilterAnswer = "act" | "pass" | { readonly error: { code: string; message: string } };

/**
 * Asks the automation's filter about `event`; "act" when it has none. `retry`
 * is which `runner.retry` of its failure this is (0 when the automation reaches it).
 */
export function askFilter<Services>(
  scope: HandlingScope<Services>,
  event: StoredEvent,
  retry: number,
): FilterAnswer {
  const { filter, name } = scope.automation;
  if (filter === undefined) return "act";
  const about = `the filter of automation "${name}" on event ${event.id} (${event.type}, seq ${event.seq})`;
  let answer: unknown;
  try {
    answer = filter(event, { services: scope.services, retry });
  } catch (thrown) {
    const { code, message } = describeError(thrown);
    return { error: { code, message: `${about} threw: ${message}` } };
  }
  if (answer === true) return "act";
  if (answer === false) return "pass";
  return {
    error: {
      code: "E_VALIDATION",
      message: `${about} answered ${described(answer)}; a filter must answer true or false, synchronously`,
    },
  };
}

/** A filter's answer other than a boolean, in a few words. */
function described(answer: unknown): string {
  if (answer instanceof Promise) return "a Promise";
  if (typeof answer === "string") return `the string ${JSON.stringify(answer.slice(0, 40))}`;
  if (typeof answer === "function") return "a function";
  if (typeof answer === "object" && answer !== null) return "an object";
  return String(answer);
}

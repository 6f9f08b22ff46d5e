/**
 * What the field and production feed back into the assembly line: the events
 * of a captured (and perhaps routed) signal, the checks a deployment or an
 * incident must pass before it is recorded (the work items, incidents and
 * deployments it names exist), and copies of signals that callers may keep.
 * Nothing here appends; the assembly line writes the events.
 *
 * @module
 */
import type { z } from "zod";
import type { NewEvent } from "../../EventLog.js";
import { NotFoundError } from "../../errors.js";
import type {
  CaptureSignalInputSchema,
  OpenIncidentInputSchema,
  RecordDeploymentInputSchema,
} from "../inputs.js";
import type { Signal } from "../Signal.js";
import type { AssemblyState } from "./AssemblyState.js";
import { invalid } from "./checks.js";
import { quotedId } from "./quotedId.js";

/** A copy of a signal that callers may keep. */
export function copySignal(signal: Signal): Signal {
  return { ...signal, workItems: [...signal.workItems] };
}

/** The events capturing a signal, and routing it when the input names a line; both carry the capture's idempotency key. */
export function signalEvents(
  id: string,
  data: z.output<typeof CaptureSignalInputSchema>,
  key: string | undefined,
): NewEvent[] {
  const request = key === undefined ? {} : { request: key };
  const events: NewEvent[] = [
    {
      type: "signal.captured",
      subject: id,
      data: {
        text: data.text,
        source: data.source,
        severity: data.severity,
        ...(data.customer === undefined ? {} : { customer: data.customer }),
        ...request,
      },
    },
  ];
  if (data.line !== undefined)
    events.push({ type: "signal.routed", subject: id, data: { line: data.line, ...request } });
  return events;
}

/**
 * Checks that a signal exists.
 *
 * @throws NotFoundError when it does not.
 */
export function expectSignal(state: AssemblyState, id: string): void {
  if (!state.signals.has(id))
    throw new NotFoundError({ message: `no signal ${quotedId(id)}`, entity: "signal", id });
}

/**
 * Checks that the work items a deployment shipped and the incidents it remediates exist.
 *
 * @throws ValidationError naming the first that does not.
 */
export function checkDeployment(
  state: AssemblyState,
  data: z.output<typeof RecordDeploymentInputSchema>,
): void {
  data.workItems.forEach((id, index) => {
    if (!state.items.has(id)) throw invalid("deployment", `workItems[${index}]`, `unknown work item "${id}"`);
  });
  data.remediates.forEach((id, index) => {
    if (!state.incidents.has(id))
      throw invalid("deployment", `remediates[${index}]`, `unknown incident "${id}"`);
  });
}

/**
 * Checks that the deployment an incident names exists.
 *
 * @throws ValidationError when it does not.
 */
export function checkIncident(state: AssemblyState, data: z.output<typeof OpenIncidentInputSchema>): void {
  if (data.deployment !== undefined && !state.deployments.has(data.deployment)) {
    throw invalid("incident", "deployment", `unknown deployment "${data.deployment}"`);
  }
}

/**
 * Checks that an incident exists.
 *
 * @throws NotFoundError when it does not.
 */
export function expectIncident(state: AssemblyState, id: string): void {
  if (!state.incidents.has(id))
    throw new NotFoundError({ message: `no incident ${quotedId(id)}`, entity: "incident", id });
}

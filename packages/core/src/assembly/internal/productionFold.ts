/**
 * How the production events change the assembly line's read model: a
 * deployment recorded, an incident opened or resolved. {@link AssemblyState}
 * folds each into its maps through these.
 *
 * @module
 */
import type { EventData } from "../../EventRegistry.js";
import type { StoredEvent } from "../../EventStore.js";
import type { DeploymentRecorded, IncidentOpened, IncidentResolved } from "../assemblyEvents.js";
import type { Deployment, Incident } from "../Production.js";
import { notBefore } from "./timestamps.js";

/** Adds the deployment `event` records. */
export function foldDeployment(
  deployments: Map<string, Deployment>,
  event: StoredEvent<EventData<typeof DeploymentRecorded>>,
): void {
  const { environment, status, workItems, remediates, line, version } = event.data;
  deployments.set(event.subject, {
    id: event.subject,
    environment,
    status,
    workItems: [...workItems],
    remediates: [...remediates],
    line,
    version,
    recordedAt: event.at,
    recordedBy: event.actor,
  });
}

/** Adds the incident `event` opens; one that names no line hurts its deployment's, when that deployment names one. */
export function foldIncidentOpened(
  incidents: Map<string, Omit<Incident, "blamedOn">>,
  deployments: ReadonlyMap<string, Deployment>,
  event: StoredEvent<EventData<typeof IncidentOpened>>,
): void {
  const { deployment } = event.data;
  incidents.set(event.subject, {
    id: event.subject,
    title: event.data.title,
    severity: event.data.severity,
    deployment,
    line: event.data.line ?? (deployment === undefined ? undefined : deployments.get(deployment)?.line),
    openedAt: event.at,
    openedBy: event.actor,
    resolvedAt: undefined,
    resolvedBy: undefined,
    resolution: undefined,
  });
}

/** The first resolution of an incident restores service; a later one (logs written before resolving once) changes nothing. */
export function foldIncidentResolved(
  incidents: Map<string, Omit<Incident, "blamedOn">>,
  event: StoredEvent<EventData<typeof IncidentResolved>>,
): void {
  const incident = incidents.get(event.subject);
  if (incident === undefined || incident.resolvedAt !== undefined) return;
  incidents.set(event.subject, {
    ...incident,
    resolvedAt: notBefore(event.at, incident.openedAt),
    resolvedBy: event.actor,
    resolution: event.data.note,
  });
}

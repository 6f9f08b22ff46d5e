/**
 * Reads and checks of the assembly line's records that the `work` tools
 * name by id: work items and trace links from the assembly line, deployments
 * and incidents from the event log (the assembly line keeps no read of them).
 * An id the factory does not have is an E_NOT_FOUND error naming the
 * argument, checked before anything is written.
 *
 * @module
 */
import { DeploymentRecorded, IncidentOpened, IncidentResolved, NotFoundError } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";

/** A deployment as the event log recorded it. */
export interface DeploymentRecord {
  /** Its id (`dep_...`). */
  readonly id: string;
  /** Where it went (`production`). */
  readonly environment: string;
  /** Whether it went out. */
  readonly status: "succeeded" | "failed";
  /** Ids of the work items it shipped. */
  readonly workItems: readonly string[];
  /** Ids of the incidents it fixes. */
  readonly remediates: readonly string[];
  /** When it was recorded. */
  readonly recordedAt: string;
  /** Who recorded it. */
  readonly recordedBy: string;
}

/** An incident as the event log recorded it: its opening and its first resolution. */
export interface IncidentRecord {
  /** Its id (`inc_...`). */
  readonly id: string;
  /** What is wrong in production. */
  readonly title: string;
  /** How bad it is. */
  readonly severity: string;
  /** The deployment that caused it, when one was named. */
  readonly deployment?: string;
  /** When it was opened. */
  readonly openedAt: string;
  /** Who opened it. */
  readonly openedBy: string;
  /** When it was first resolved; absent while open. */
  readonly resolvedAt?: string;
  /** Who first resolved it. */
  readonly resolvedBy?: string;
  /** How service was restored, as the first resolution said. */
  readonly note?: string;
}

/**
 * Refuses a work item the factory does not have, after reading what other
 * processes wrote.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `workItem`) naming the id and the argument.
 */
export async function requireWorkItem(factory: Factory, id: string, field: string): Promise<void> {
  await factory.work.refresh();
  if (factory.work.get(id) !== undefined) return;
  throw new NotFoundError({
    message: `${field}: no work item "${id}"; list_work lists them`,
    entity: "workItem",
    id,
    field,
  });
}

/**
 * Refuses a trace link the factory does not have, after reading what other
 * processes wrote.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `link`) naming the id and the argument.
 */
export async function requireTraceLink(factory: Factory, id: string, field: string): Promise<void> {
  await factory.work.refresh();
  if (factory.work.traceLink(id) !== undefined) return;
  throw new NotFoundError({
    message: `${field}: no trace link "${id}"; list_suspect_links and link_artifacts give link ids`,
    entity: "link",
    id,
    field,
  });
}

/** The deployment of that id as the log recorded it; undefined when there is none. */
export async function deploymentRecord(factory: Factory, id: string): Promise<DeploymentRecord | undefined> {
  const events = await factory.log.read({ subjects: [id], types: [DeploymentRecorded.type] });
  const recorded = events.find((event) => DeploymentRecorded.is(event));
  if (recorded === undefined) return undefined;
  const { environment, status, workItems, remediates } = recorded.data;
  return {
    id,
    environment,
    status,
    workItems,
    remediates,
    recordedAt: recorded.at,
    recordedBy: recorded.actor,
  };
}

/** The incident of that id as the log recorded it (opened, and first resolved); undefined when there is none. */
export async function incidentRecord(factory: Factory, id: string): Promise<IncidentRecord | undefined> {
  const events = await factory.log.read({
    subjects: [id],
    types: [IncidentOpened.type, IncidentResolved.type],
  });
  const opened = events.find((event) => IncidentOpened.is(event));
  if (opened === undefined) return undefined;
  const resolved = events.find((event) => IncidentResolved.is(event));
  const { title, severity, deployment } = opened.data;
  return {
    id,
    title,
    severity,
    ...(deployment === undefined ? {} : { deployment }),
    openedAt: opened.at,
    openedBy: opened.actor,
    ...(resolved === undefined
      ? {}
      : {
          resolvedAt: resolved.at,
          resolvedBy: resolved.actor,
          ...(resolved.data.note === undefined ? {} : { note: resolved.data.note }),
        }),
  };
}

/**
 * Refuses a deployment the event log does not have.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `deployment`) naming the id and the argument.
 */
export async function requireDeployment(factory: Factory, id: string, field: string): Promise<void> {
  if ((await deploymentRecord(factory, id)) !== undefined) return;
  throw new NotFoundError({
    message: `${field}: no deployment "${id}"; record_deployment gives deployment ids`,
    entity: "deployment",
    id,
    field,
  });
}

/**
 * The incident of that id, refused when the event log does not have it.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `incident`) naming the id and the argument.
 */
export async function requireIncident(factory: Factory, id: string, field: string): Promise<IncidentRecord> {
  const incident = await incidentRecord(factory, id);
  if (incident !== undefined) return incident;
  throw new NotFoundError({
    message: `${field}: no incident "${id}"; open_incident gives incident ids`,
    entity: "incident",
    id,
    field,
  });
}

/**
 * Reads and checks of the assembly line's records that the tools name by id:
 * work items, signals, trace links, deployments and incidents, read from
 * the assembly line after catching up with what other processes wrote.
 * An id the factory does not have is an E_NOT_FOUND error naming the
 * argument, checked before anything is written.
 *
 * @module
 */
import { type Deployment, type Incident, NotFoundError } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";

/** An incident as the tools answer it: its opening and its first resolution, absent fields left out. */
export interface IncidentRecord {
  /** Its id (`inc_...`). */
  readonly id: string;
  /** What is wrong in production. */
  readonly title: string;
  /** How bad it is. */
  readonly severity: string;
  /** The deployment that caused it, when one was named. */
  readonly deployment?: string;
  /** The deployment the DORA measures blame it on (the one named, else its line's latest production deployment before it); null when none, so it counts in no change failure rate. */
  readonly blamedOn: string | null;
  /** The line it hurts: named when opened, else its deployment's. */
  readonly line?: string;
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
 * Refuses a link target that is none of the factory's knowledge documents
 * (retracted ones included: linking to one is refused as retracted), work
 * items, signals or artifacts, after reading what other processes wrote.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `linkTarget`) naming the id, the argument and where ids come from.
 */
export async function requireLinkTarget(factory: Factory, target: string, field: string): Promise<void> {
  await factory.work.refresh();
  const { work } = factory;
  if (work.get(target) ?? work.signal(target) ?? work.artifact(target)) return;
  if ((await factory.knowledge.get(target)) !== undefined) return;
  throw new NotFoundError({
    message: `${field}: no document, work item, signal or artifact "${target}"; list_knowledge, list_work, capture_signal and record_artifact give ids`,
    entity: "linkTarget",
    id: target,
    field,
  });
}

/**
 * Refuses an end of a trace link that is none of the factory's artifacts,
 * work items or signals, after reading what other processes wrote.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `traceEnd`) naming the id, the argument and where ids come from.
 */
export async function requireTraceEnd(factory: Factory, id: string, field: string): Promise<void> {
  await factory.work.refresh();
  const { work } = factory;
  if (work.artifact(id) ?? work.get(id) ?? work.signal(id)) return;
  throw new NotFoundError({
    message: `${field}: no artifact, work item or signal "${id}"; record_artifact, list_work and capture_signal give ids`,
    entity: "traceEnd",
    id,
    field,
  });
}

/**
 * Refuses a signal the factory does not have, after reading what other
 * processes wrote.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `signal`) naming the id and the argument.
 */
export async function requireSignal(factory: Factory, id: string, field: string): Promise<void> {
  await factory.work.refresh();
  if (factory.work.signal(id) !== undefined) return;
  throw new NotFoundError({
    message: `${field}: no signal "${id}"; capture_signal gives signal ids`,
    entity: "signal",
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

/** The deployment of that id, after reading what other processes wrote; undefined when there is none. */
export async function deploymentRecord(factory: Factory, id: string): Promise<Deployment | undefined> {
  await factory.work.refresh();
  return factory.work.deployment(id);
}

/** The incident of that id (opened, and first resolved), after reading what other processes wrote; undefined when there is none. */
export async function incidentRecord(factory: Factory, id: string): Promise<IncidentRecord | undefined> {
  await factory.work.refresh();
  const incident = factory.work.incident(id);
  return incident === undefined ? undefined : incidentAnswer(incident);
}

/** An incident as the tools answer it: absent fields left out (but `blamedOn`, null when none), the first resolution's note as `note`. */
export function incidentAnswer({
  deployment,
  blamedOn,
  line,
  resolvedAt,
  resolvedBy,
  resolution,
  ...opened
}: Incident): IncidentRecord {
  return {
    ...opened,
    ...(deployment === undefined ? {} : { deployment }),
    blamedOn: blamedOn ?? null,
    ...(line === undefined ? {} : { line }),
    ...(resolvedAt === undefined ? {} : { resolvedAt }),
    ...(resolvedBy === undefined ? {} : { resolvedBy }),
    ...(resolution === undefined ? {} : { note: resolution }),
  };
}

/**
 * Refuses a deployment the factory does not have.
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
 * The incident of that id, refused when the factory does not have it.
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

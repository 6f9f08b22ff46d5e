/**
 * The fold of a history folder: how each assembly event changes the work
 * items', signals', deployments' and incidents' histories.
 *
 * @module
 */
import type { StoredEvent } from "../../EventStore.js";
import type {
  AssemblyHistory,
  AssemblyHistoryFolder,
  DeploymentHistory,
  HistoryFolderData,
  IncidentHistory,
  ItemHistory,
  SignalAttachment,
  SignalHistory,
} from "../AssemblyHistory.js";
import {
  ArtifactRecorded,
  DeploymentRecorded,
  IncidentOpened,
  IncidentResolved,
  SignalCaptured,
  SignalResolved,
  SignalRouted,
  TraceLinked,
  TraceReviewed,
  WorkAdvanced,
  WorkAssigned,
  WorkBlocked,
  WorkCompleted,
  WorkCreated,
  WorkDropped,
  WorkGateFailed,
  WorkSentBack,
  WorkUnblocked,
} from "../assemblyEvents.js";
import type { PipelineConfig } from "../Pipeline.js";
import { followHistory } from "./HistoryIndexes.js";
import { attachesSignal } from "./signalAttachments.js";

/** The folder of `historyFolder` (see `AssemblyHistory.ts`), over the maps of `saved` or empty ones. */
export function foldInto(
  pipeline: PipelineConfig,
  saved: HistoryFolderData | undefined,
): AssemblyHistoryFolder & { data(): HistoryFolderData } {
  const deliveryStage = pipeline.deliveryStage;
  const items = saved?.items ?? new Map<string, ItemHistory>();
  const signals = saved?.signals ?? new Map<string, SignalHistory>();
  const artifactItem = saved?.artifactItem ?? new Map<string, string>();
  const linkFrom = saved?.linkFrom ?? new Map<string, string>();
  const deployments = saved?.deployments ?? new Map<string, DeploymentHistory>();
  const incidents = saved?.incidents ?? new Map<string, IncidentHistory>();
  /** The links that attached a signal to a work item, by id: reviewed obsolete, they end the attachment. */
  const attachingLinks =
    saved?.attachingLinks ?? new Map<string, { signal: SignalHistory; attachment: SignalAttachment }>();

  const move = (item: ItemHistory, to: string, at: number) => {
    const current = item.visits[item.visits.length - 1];
    if (current !== undefined && current.exitedAt === undefined) current.exitedAt = at;
    item.visits.push({ stage: to, enteredAt: at, exitedAt: undefined });
    item.stage = to;
    if (to === deliveryStage && item.deliveredAt === undefined)
      item.deliveredAt = Math.max(at, item.createdAt);
  };

  const history: AssemblyHistory = {
    items,
    signals,
    deployments,
    incidents,
    wipStages: new Set(pipeline.stages.filter((stage) => stage.wip).map((stage) => stage.name)),
    deliveryStage,
  };
  const indexer = followHistory(history);
  const apply = (event: StoredEvent): void => {
    const at = Date.parse(event.at);
    if (WorkCreated.is(event)) {
      const fresh = !items.has(event.subject);
      const stage = event.data.stages[0] as string;
      const item: ItemHistory = {
        id: event.subject,
        line: event.data.line,
        owner: event.data.owner,
        owners: event.data.owner === undefined ? [] : [{ owner: event.data.owner, at }],
        createdAt: at,
        state: "active",
        stage,
        deliveredAt: stage === deliveryStage ? at : undefined,
        visits: [{ stage, enteredAt: at, exitedAt: undefined }],
        blocked: [],
        sendBacks: [],
        gateFailures: [],
        adaptedLinks: 0,
        adaptedAt: [],
        firstChangeAt: undefined,
      };
      items.set(event.subject, item);
      indexer.itemCreated(item, fresh);
      for (const id of event.data.signals) {
        const signal = signals.get(id);
        signal?.workItems.push(event.subject);
        signal?.attachments.push({ workItem: event.subject, at, until: undefined });
      }
      return;
    }
    if (event.type.startsWith("work.")) {
      const item = items.get(event.subject);
      if (item === undefined) return;
      if (WorkAdvanced.is(event)) move(item, event.data.to, at);
      else if (WorkSentBack.is(event)) {
        item.sendBacks.push({ from: event.data.from, cause: event.data.cause, at });
        move(item, event.data.to, at);
      } else if (WorkBlocked.is(event)) {
        item.state = "blocked";
        item.blocked.push({ from: at, to: undefined });
      } else if (WorkUnblocked.is(event)) {
        item.state = "active";
        const open = item.blocked[item.blocked.length - 1];
        if (open !== undefined && open.to === undefined) open.to = at;
      } else if (WorkDropped.is(event) || WorkCompleted.is(event)) {
        const done = WorkCompleted.is(event);
        item.state = done ? "done" : "dropped";
        const open = item.blocked[item.blocked.length - 1];
        if (open !== undefined && open.to === undefined) open.to = at;
        const current = item.visits[item.visits.length - 1];
        if (current !== undefined && current.exitedAt === undefined) current.exitedAt = at;
        if (done && item.deliveredAt === undefined) item.deliveredAt = Math.max(at, item.createdAt);
      } else if (WorkGateFailed.is(event)) {
        item.gateFailures.push({ from: event.data.from, to: event.data.to, at });
      } else if (WorkAssigned.is(event) && event.data.owner !== undefined) {
        item.owner = event.data.owner;
        item.owners.push({ owner: event.data.owner, at });
        indexer.ownerAssigned(item, event.data.owner);
      }
    } else if (ArtifactRecorded.is(event)) {
      const itemId = event.data.workItem;
      if (itemId !== undefined) {
        artifactItem.set(event.subject, itemId);
        const item = items.get(itemId);
        if (item !== undefined && event.data.kind === "changeSet") item.firstChangeAt ??= at;
      }
    } else if (TraceLinked.is(event)) {
      linkFrom.set(event.subject, event.data.from);
      const item = items.get(event.data.from);
      const signal = signals.get(event.data.to);
      const isItem = (id: string) => items.has(id);
      const isSignal = (id: string) => signals.has(id);
      if (item === undefined || signal === undefined || !attachesSignal(event.data, isItem, isSignal)) return;
      if (signal.workItems.includes(item.id)) return;
      const attachment = { workItem: item.id, at: Math.max(at, item.createdAt), until: undefined };
      signal.workItems.push(item.id);
      signal.attachments.push(attachment);
      attachingLinks.set(event.subject, { signal, attachment });
    } else if (TraceReviewed.is(event)) {
      const attached = attachingLinks.get(event.subject);
      if (event.data.verdict === "obsolete" && attached !== undefined) {
        attachingLinks.delete(event.subject);
        const { signal, attachment } = attached;
        attachment.until = Math.max(at, attachment.at);
        signal.workItems = signal.workItems.filter((id) => id !== attachment.workItem);
        const resolution = signal.resolutions.at(-1);
        if (resolution?.workItem === attachment.workItem && resolution.until === undefined) {
          resolution.until = Math.max(at, resolution.at);
          signal.resolvedAt = undefined;
        }
      }
      if (event.data.verdict !== "adapted") return;
      const from = linkFrom.get(event.subject);
      const itemId = from === undefined ? undefined : items.has(from) ? from : artifactItem.get(from);
      const item = itemId === undefined ? undefined : items.get(itemId);
      if (item !== undefined) {
        item.adaptedLinks++;
        item.adaptedAt.push(at);
      }
    } else if (SignalCaptured.is(event)) {
      const fresh = !signals.has(event.subject);
      const signal: SignalHistory = {
        id: event.subject,
        capturedBy: event.actor,
        capturedAt: at,
        line: undefined,
        routedAt: undefined,
        routings: [],
        workItems: [],
        attachments: [],
        resolutions: [],
        resolvedAt: undefined,
      };
      signals.set(event.subject, signal);
      indexer.signalCaptured(signal, fresh);
    } else if (SignalRouted.is(event)) {
      const signal = signals.get(event.subject);
      if (signal !== undefined) {
        signal.line = event.data.line;
        signal.routedAt ??= at;
        signal.routings.push({ line: event.data.line, at });
        indexer.signalRouted(signal, event.data.line);
      }
    } else if (SignalResolved.is(event)) {
      const signal = signals.get(event.subject);
      if (signal === undefined || signal.resolvedAt !== undefined) return;
      signal.resolvedAt = at;
      signal.resolutions.push({ workItem: event.data.workItem, at, until: undefined });
    } else if (DeploymentRecorded.is(event)) {
      const fresh = !deployments.has(event.subject);
      const { environment, status, workItems, remediates, line } = event.data;
      const deployment: DeploymentHistory = {
        id: event.subject,
        at,
        environment,
        status,
        workItems,
        remediates,
        line,
        incidents: [],
      };
      deployments.set(event.subject, deployment);
      indexer.deploymentRecorded(deployment, fresh);
    } else if (IncidentOpened.is(event)) {
      const fresh = !incidents.has(event.subject);
      const incident: IncidentHistory = {
        id: event.subject,
        openedAt: at,
        deployment: event.data.deployment,
        line: event.data.line,
        resolvedAt: undefined,
      };
      incidents.set(event.subject, incident);
      indexer.incidentOpened(incident, fresh);
      if (event.data.deployment !== undefined)
        deployments.get(event.data.deployment)?.incidents.push(event.subject);
    } else if (IncidentResolved.is(event)) {
      const incident = incidents.get(event.subject);
      if (incident !== undefined) incident.resolvedAt ??= Math.max(at, incident.openedAt);
    }
  };
  const data = () => ({ items, signals, artifactItem, linkFrom, deployments, incidents, attachingLinks });
  return { history, apply, data };
}

import type {
  AssemblyHistory,
  DeploymentHistory,
  IncidentHistory,
  ItemHistory,
  SignalHistory,
} from "../AssemblyHistory.js";
import {
  addDeployment,
  addIncident,
  addItem,
  buildDoraIndex,
  type DoraIndex,
  type LiveDoraIndex,
} from "./DoraIndex.js";
import {
  addOwner,
  addRouting,
  addScopeItem,
  addSignal,
  buildScopeIndex,
  type LiveScopeIndex,
  type ScopeIndex,
} from "./ScopeIndex.js";

/**
 * What the history folder tells the indexes of its history after it applied
 * an event. `fresh` says the id was new; an event reusing one (a raw append
 * repeating an id) replaced an entry in place, and the indexes it touched
 * are built afresh at the next measure instead.
 */
export interface HistoryIndexer {
  /** A work item was created. */
  itemCreated(item: ItemHistory, fresh: boolean): void;
  /** A work item was assigned to `owner`. */
  ownerAssigned(item: ItemHistory, owner: string): void;
  /** A deployment was recorded. */
  deploymentRecorded(deployment: DeploymentHistory, fresh: boolean): void;
  /** An incident was opened. */
  incidentOpened(incident: IncidentHistory, fresh: boolean): void;
  /** A signal was captured. */
  signalCaptured(signal: SignalHistory, fresh: boolean): void;
  /** A signal was routed to `line`. */
  signalRouted(signal: SignalHistory, line: string): void;
}

/** The indexes of a followed history, built at its first measure and kept current from then on. */
interface Followed {
  dora: LiveDoraIndex | undefined;
  scope: LiveScopeIndex | undefined;
}

const followed = new WeakMap<AssemblyHistory, Followed>();

/**
 * Starts following `history`: its indexes are built when a measure first
 * asks for them, and from then on the returned indexer updates them event
 * by event, so a measure after an append costs its scope's share, not a
 * rebuild.
 */
export function followHistory(history: AssemblyHistory): HistoryIndexer {
  const state: Followed = { dora: undefined, scope: undefined };
  followed.set(history, state);
  return {
    itemCreated(item, fresh) {
      if (!fresh) {
        state.dora = undefined;
        state.scope = undefined;
      }
      if (state.dora !== undefined) addItem(state.dora, history, item);
      if (state.scope !== undefined) addScopeItem(state.scope, item);
    },
    ownerAssigned(item, owner) {
      if (state.scope !== undefined) addOwner(state.scope, item, owner);
    },
    deploymentRecorded(deployment, fresh) {
      if (!fresh) state.dora = undefined;
      if (state.dora !== undefined) addDeployment(state.dora, history, deployment);
    },
    incidentOpened(incident, fresh) {
      if (!fresh) state.dora = undefined;
      if (state.dora !== undefined) addIncident(state.dora, incident);
    },
    signalCaptured(signal, fresh) {
      if (!fresh) state.scope = undefined;
      if (state.scope !== undefined) addSignal(state.scope, signal);
    },
    signalRouted(signal, line) {
      if (state.scope !== undefined) addRouting(state.scope, signal, line);
    },
  };
}

/** The {@link DoraIndex} of `history`: kept current when the history is followed, else built for this call. */
export function doraIndexOf(history: AssemblyHistory): DoraIndex {
  const state = followed.get(history);
  if (state === undefined) return buildDoraIndex(history);
  state.dora ??= buildDoraIndex(history);
  return state.dora;
}

/** The {@link ScopeIndex} of `history`: kept current when the history is followed, else built for this call. */
export function scopeIndexOf(history: AssemblyHistory): ScopeIndex {
  const state = followed.get(history);
  if (state === undefined) return buildScopeIndex(history);
  state.scope ??= buildScopeIndex(history);
  return state.scope;
}

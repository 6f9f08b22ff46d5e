/**
 * Which deployment an incident is blamed on, as the DORA measures of the
 * default environment (`production`) blame it: the deployment it names, else
 * its line's latest production deployment recorded before it opened; none
 * when it names neither, or its line had no production deployment by then
 * (it then counts in no change failure rate).
 *
 * @module
 */
import type { AssemblyHistory } from "../AssemblyHistory.js";
import { lineBlame } from "../doraTimeline.js";
import { doraIndexOf } from "./HistoryIndexes.js";

/** The environment whose deployments a line's incident is blamed on: the measures' default. */
const BLAMED_ENVIRONMENT = "production";

/**
 * A function giving the id of the deployment each incident of `history` is
 * blamed on, reading each line's deployments once however many incidents it
 * is asked about; undefined when none is.
 */
export function incidentBlame(history: AssemblyHistory): (incident: string) => string | undefined {
  const blame = lineBlame(
    doraIndexOf(history),
    (deployment) => deployment.environment === BLAMED_ENVIRONMENT,
    Number.POSITIVE_INFINITY,
  );
  return (id) => {
    const incident = history.incidents.get(id);
    if (incident === undefined) return undefined;
    if (incident.deployment !== undefined) return incident.deployment;
    return incident.line === undefined ? undefined : blame(incident.line).causes.get(incident)?.id;
  };
}

/**
 * `factory deployment record|list` and `factory incident open|resolve|list`:
 * what production feeds back to the assembly line, as the SDK's
 * `recordDeployment`, `openIncident` and `resolveIncident` record it and its
 * `deployments` and `incidents` read it, for the DORA measures `factory
 * metrics` shows (per line with `--line`). `deployment record` and `incident
 * open` take `--idempotency-key`, as the SDK's calls take `{ idempotencyKey }`,
 * so a retried CI step records its deployment once; `incident resolve` needs
 * none, as the SDK resolves an incident once.
 *
 * A deployment's version is `--deployed-version`: the root program's
 * `--version` (the CLI's own) is read wherever it appears on the command line.
 * The work items it shipped are `--work-item`, as `context` and `import junit`
 * name a work item; `--item`, the flag's first name, is still read (hidden
 * from the help).
 *
 * @module
 */
import {
  countAppended,
  type Deployment,
  type Incident,
  OpenIncidentInputSchema,
  RecordDeploymentInputSchema,
  ResolveIncidentInputSchema,
} from "@software-factory/core";
import { type Command, Option } from "commander";
import { collect, IdValue, idArgument, idempotencyKeyOption, NameValue, parseFlag } from "../flags.js";
import {
  filteredOnLine,
  requireDeployment,
  requireIncident,
  requireLines,
  requireWorkItem,
} from "../knownValues.js";
import { type FlagsOfFields, namingArgument, namingFlags } from "../namingFlags.js";
import { newestLimitOption, newestRows, parseLimit, printOlder } from "../newestRows.js";
import type { Output } from "../Output.js";
import { oneLine } from "../printable.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";

/** Where a deployment's fields came from on the command line. */
const DEPLOYMENT_FLAGS: FlagsOfFields = {
  environment: "--environment",
  workItems: "--work-item",
  status: "--status",
  remediates: "--remediates",
  line: "--line",
  version: "--deployed-version",
  idempotencyKey: "--idempotency-key",
};

/** Where an incident's fields came from on the command line. */
const INCIDENT_FLAGS: FlagsOfFields = {
  title: "<title>",
  severity: "--severity",
  deployment: "--deployment",
  line: "--line",
  idempotencyKey: "--idempotency-key",
};

/** Where a resolution's fields came from on the command line. */
const RESOLVE_FLAGS: FlagsOfFields = { note: "--note" };

const deployment = RecordDeploymentInputSchema.shape;
const incident = OpenIncidentInputSchema.shape;

/** An environment as typed: not blank, and a name of at most 100 characters, the SDK's rule. */
const EnvironmentFlag = NameValue.pipe(deployment.environment.unwrap());

/** A resolution's note as typed: not blank, and at most 2,000 characters, the SDK's rule. */
const NoteFlag = NameValue.pipe(ResolveIncidentInputSchema.shape.note.unwrap());

/** A deployment's version as typed: one line of at most 200 characters, the SDK's rule. */
const VersionFlag = deployment.version.unwrap();

/** The record a write just stored, read back by its id: what the list commands print for it. */
function stored<T>(record: T | undefined, id: string): T {
  if (record === undefined) throw new Error(`${id} was recorded but cannot be read back`);
  return record;
}

/** An incident as `--json` prints it: `blamedOn` is null when it is blamed on no deployment. */
const blamed = (i: Incident) => ({ ...i, blamedOn: i.blamedOn ?? null });

/** How `incident open` says which deployment the incident is blamed on; the warning says when none. */
function blameClause(i: Incident): string {
  if (i.deployment !== undefined) return `, caused by ${i.deployment}`;
  return i.blamedOn === undefined
    ? ""
    : `, blamed on ${i.blamedOn} (the latest production deployment of ${i.line})`;
}

/** Why an incident is blamed on no deployment, so counts in no change failure rate. */
function unblamed(i: Incident): string {
  const why =
    i.line === undefined
      ? "it names no deployment and no line"
      : `${i.line} has no production deployment recorded before it`;
  return `${i.id} is blamed on no deployment (${why}), so it counts in no change failure rate`;
}

/** A line, and nothing else, when the flag was given: the filter or field it adds. */
const lineOf = (line: string | undefined) => (line === undefined ? {} : { line });

/** A column's width: `least`, or the longest of `values` when that is wider, so the rows stay aligned. */
const widest = (least: number, values: readonly string[]) =>
  Math.max(least, ...values.map((value) => value.length));

/** Widths of the environment and line columns of deployment rows. */
interface DeploymentColumns {
  readonly environment: number;
  readonly line: number;
}

/** The columns of `deployments`' rows (see {@link widest}). */
function deploymentColumns(deployments: readonly Deployment[]): DeploymentColumns {
  return {
    environment: widest(
      12,
      deployments.map((d) => d.environment),
    ),
    line: widest(
      18,
      deployments.map((d) => d.line ?? "-"),
    ),
  };
}

/** Prints a deployment as one row: id, when, environment, status, line, version, what it shipped and fixed. */
function printDeployment(output: Output, d: Deployment, columns = deploymentColumns([d])): void {
  const status = d.status === "failed" ? output.style("yellow", d.status) : d.status;
  const shipped = d.workItems.length === 0 ? "" : `  shipping ${d.workItems.join(", ")}`;
  const fixes = d.remediates.length === 0 ? "" : `  fixing ${d.remediates.join(", ")}`;
  output.line(
    `${output.style("bold", d.id)}  ${d.recordedAt}  ${d.environment.padEnd(columns.environment)} ${status.padEnd(9)} ${(d.line ?? "-").padEnd(columns.line)} ${d.version ?? "-"}${shipped}${fixes}`,
  );
}

/** Prints an incident as one row: id, when opened, open or resolved, severity, line, cause, title. */
function printIncident(output: Output, i: Incident, lineWidth = widest(18, [i.line ?? "-"])): void {
  const state = i.resolvedAt === undefined ? output.style("yellow", "open") : "resolved";
  output.line(
    `${output.style("bold", i.id)}  ${i.openedAt}  ${state.padEnd(8)} ${i.severity.padEnd(8)} ${(i.line ?? "-").padEnd(lineWidth)} ${(i.blamedOn ?? "-").padEnd(30)} ${oneLine(i.title)}`,
  );
}

/** Registers `factory deployment record` and `factory deployment list`. */
export function registerDeployment(program: Command, context: CliContext): void {
  const deploymentCommand = program
    .command("deployment")
    .description("deployments to production (and other environments), for the DORA measures");

  deploymentCommand
    .command("record")
    .description("record a deployment and the work items it shipped")
    .option("--environment <name>", "where it went: DORA counts production only", "production")
    .option("--work-item <id>", "a work item it shipped (repeatable)", collect)
    .addOption(new Option("--item <id>", "the old name of --work-item").hideHelp().argParser(collect))
    .option(
      "--status <status>",
      "succeeded or failed: a failed one counts toward the change fail rate",
      "succeeded",
    )
    .option("--remediates <incident>", "an incident it fixes: an unplanned deployment (repeatable)", collect)
    .option("--line <line>", "the line it deployed (a line of the floor plan); its DORA measures count it")
    .option("--deployed-version <version>", "what went out: v2.4.1, a commit sha, a build number")
    .option(
      "--idempotency-key <key>",
      "record it once: a retry with this key (a CI pipeline id) prints the first deployment and counts it once",
    )
    .action(
      action(context, async ({ options, output }, flags) => {
        const f = flags as {
          environment: string;
          workItem?: string[];
          item?: string[];
          status: string;
          remediates?: string[];
          line?: string;
          deployedVersion?: string;
          idempotencyKey?: string;
        };
        const items = [
          ...(f.workItem ?? []).map((id) => ({
            id: parseFlag(IdValue, id, "--work-item"),
            flag: "--work-item",
          })),
          ...(f.item ?? []).map((id) => ({ id: parseFlag(IdValue, id, "--item"), flag: "--item" })),
        ];
        const input = {
          environment: parseFlag(EnvironmentFlag, f.environment, "--environment"),
          status: parseFlag(deployment.status.unwrap(), f.status, "--status"),
          workItems: items.map(({ id }) => id),
          remediates: (f.remediates ?? []).map((id) => parseFlag(IdValue, id, "--remediates")),
          ...lineOf(f.line),
          ...(f.deployedVersion === undefined
            ? {}
            : { version: parseFlag(VersionFlag, f.deployedVersion, "--deployed-version") }),
        };
        const keyed = idempotencyKeyOption(f.idempotencyKey);
        // The deployment as stored, which deployment list prints: a retry with the key gives the first one.
        const d = await withFactory(options, async (factory) => {
          await requireLines(factory, f.line === undefined ? [] : [f.line], "--line");
          for (const { id, flag } of items) await requireWorkItem(factory, id, flag);
          for (const fixed of input.remediates) await requireIncident(factory, fixed, "--remediates");
          // A retry with the key returns the first deployment's id and appends nothing.
          const { result: id, appended } = await countAppended(() =>
            namingFlags(DEPLOYMENT_FLAGS, () =>
              factory.work.recordDeployment({ ...input, actor: options.actor }, keyed),
            ),
          );
          return {
            ...stored(factory.work.deployment(id), id),
            alreadyRecorded: f.idempotencyKey !== undefined && appended === 0,
          };
        });
        if (options.json) return output.json(d);
        const shipped = d.workItems.length === 0 ? "" : `, shipping ${d.workItems.join(", ")}`;
        const fixes = d.remediates.length === 0 ? "" : `, fixing ${d.remediates.join(", ")}`;
        const line = d.line === undefined ? "" : ` of ${d.line}`;
        const version = d.version === undefined ? "" : ` ${d.version}`;
        const what = `${d.id}${line}${version} to ${d.environment} (${d.status})${shipped}${fixes}`;
        output.line(
          d.alreadyRecorded
            ? `already recorded ${what}: --idempotency-key ${f.idempotencyKey} was used for it before (nothing written)`
            : `recorded ${what}`,
        );
      }),
    );

  deploymentCommand
    .command("list")
    .description("list deployments, in the order recorded")
    .option("--environment <name>", "only deployments to this environment (production, staging...)")
    .option("--line <line>", "only deployments that name this line (a line of the floor plan)")
    .addOption(newestLimitOption())
    .action(
      action(context, async ({ options, output }, flags) => {
        const f = flags as { environment?: string; line?: string; limit: string };
        const environment =
          f.environment === undefined
            ? undefined
            : parseFlag(EnvironmentFlag, f.environment, "--environment");
        const limit = parseLimit(f.limit);
        const all = await withFactory(options, async (factory) => {
          await factory.work.refresh();
          return filteredOnLine(f.line, "--line", () =>
            factory.work.deployments({
              ...(environment === undefined ? {} : { environment }),
              ...lineOf(f.line),
            }),
          );
        });
        const { rows: deployments, older } = newestRows(all, limit);
        if (options.json) return output.json(deployments);
        if (deployments.length === 0) return output.line("no deployments");
        const columns = deploymentColumns(deployments);
        for (const d of deployments) printDeployment(output, d, columns);
        printOlder(output, older, "deployment");
      }),
    );
}

/** Registers `factory incident open`, `factory incident resolve` and `factory incident list`. */
export function registerIncident(program: Command, context: CliContext): void {
  const incidentCommand = program
    .command("incident")
    .description("incidents in production: open and resolve them, for the DORA measures");

  incidentCommand
    .command("open")
    .description("open an incident in production")
    .argument("<title...>", "what is wrong in production")
    .option("--severity <level>", "low, medium, high or critical", "high")
    .option("--deployment <id>", "the deployment that caused it (dep_...), when known")
    .option(
      "--line <line>",
      "the line it hurts (a line of the floor plan); its deployment's line when omitted",
    )
    .option(
      "--idempotency-key <key>",
      "open it once: a retry with this key (a CI job or alert id) prints the first incident",
    )
    .action(
      action(context, async ({ options, output }, title, flags) => {
        const f = flags as { severity: string; deployment?: string; line?: string; idempotencyKey?: string };
        const input = {
          title: parseFlag(incident.title, (title as string[]).join(" "), "<title>"),
          severity: parseFlag(incident.severity.unwrap(), f.severity, "--severity"),
          ...(f.deployment === undefined
            ? {}
            : { deployment: parseFlag(IdValue, f.deployment, "--deployment") }),
          ...lineOf(f.line),
        };
        const keyed = idempotencyKeyOption(f.idempotencyKey);
        // The incident as stored, which incident list prints: its deployment's line when none was given.
        const i = await withFactory(options, async (factory) => {
          await requireLines(factory, f.line === undefined ? [] : [f.line], "--line");
          if (input.deployment !== undefined)
            await requireDeployment(factory, input.deployment, "--deployment");
          // A retry with the key returns the first incident's id and appends nothing.
          const { result: id, appended } = await countAppended(() =>
            namingFlags(INCIDENT_FLAGS, () =>
              factory.work.openIncident({ ...input, actor: options.actor }, keyed),
            ),
          );
          return {
            incident: stored(factory.work.incident(id), id),
            alreadyOpened: f.idempotencyKey !== undefined && appended === 0,
          };
        });
        if (options.json) return output.json({ ...blamed(i.incident), alreadyOpened: i.alreadyOpened });
        const line = i.incident.line === undefined ? "" : ` on ${i.incident.line}`;
        const what = `${i.incident.id}${line} (${i.incident.severity})${blameClause(i.incident)}: ${oneLine(i.incident.title)}`;
        output.line(
          i.alreadyOpened
            ? `already opened ${what}: --idempotency-key ${f.idempotencyKey} was used for it before (nothing written)`
            : `opened ${what}`,
        );
        if (i.incident.blamedOn === undefined) output.error(`warning: ${unblamed(i.incident)}`);
      }),
    );

  incidentCommand
    .command("resolve")
    .description("resolve an incident: service is restored (once: resolving it again writes nothing)")
    .argument("<id>", "incident id (inc_...)", idArgument("<id>"))
    .option("--note <text>", "how service was restored")
    .action(
      action(context, async ({ options, output }, id, flags) => {
        const f = flags as { note?: string };
        const note = f.note === undefined ? undefined : parseFlag(NoteFlag, f.note, "--note");
        const input = { actor: options.actor, ...(note === undefined ? {} : { note }) };
        const changed = await withFactory(options, async (factory) => {
          await factory.work.refresh();
          const resolved = factory.work.incident(id as string)?.resolvedAt !== undefined;
          await namingArgument("<id>", id as string, () =>
            namingFlags(RESOLVE_FLAGS, () => factory.work.resolveIncident(id as string, input)),
          );
          return !resolved;
        });
        if (options.json)
          return output.json({ id, changed, ...(changed && note !== undefined ? { note } : {}) });
        if (!changed) {
          output.line(`${id as string} was already resolved: nothing changed`);
          return;
        }
        output.line(`resolved ${id as string}${note === undefined ? "" : ` (${note})`}`);
      }),
    );

  incidentCommand
    .command("list")
    .description("list incidents, in the order opened")
    .option("--open", "only incidents not resolved yet")
    .option("--line <line>", "only incidents of this line (named when opened, or their deployment's)")
    .addOption(newestLimitOption())
    .action(
      action(context, async ({ options, output }, flags) => {
        const f = flags as { open?: boolean; line?: string; limit: string };
        const limit = parseLimit(f.limit);
        const all = await withFactory(options, async (factory) => {
          await factory.work.refresh();
          return filteredOnLine(f.line, "--line", () =>
            factory.work.incidents({ ...(f.open === true ? { open: true } : {}), ...lineOf(f.line) }),
          );
        });
        const { rows: incidents, older } = newestRows(all, limit);
        if (options.json) return output.json(incidents.map(blamed));
        if (incidents.length === 0) return output.line("no incidents");
        const lineWidth = widest(
          18,
          incidents.map((i) => i.line ?? "-"),
        );
        for (const i of incidents) printIncident(output, i, lineWidth);
        printOlder(output, older, "incident");
      }),
    );
}

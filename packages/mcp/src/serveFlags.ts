/**
 * The flags of `factory-mcp` and `factory mcp` that choose what a server
 * offers (`--tools`, `--import-root`, `--instructions`) and what it runs
 * (`--automations`, `--notify-webhook`, `--notify-format`), checked here for both commands, so
 * they accept and refuse the same values with the same messages (the HTTP
 * flags are resolved by `httpSettingsOf` likewise).
 *
 * @module
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { ValidationError } from "@software-factory/core";
import {
  type Automation,
  builtinAutomations,
  type Factory,
  makeWebhookDelivery,
} from "@software-factory/intelligence";
import type { FactoryTool } from "./toolKit.js";

/** A group of the factory's tools, as `--tools` names it. */
export type ToolGroup = FactoryTool["group"];

/**
 * Every tool group, in the order `--help` lists them; a server offers all but
 * `import` unless told otherwise (`import` reads folders of the server's machine).
 */
export const TOOL_GROUPS: readonly ToolGroup[] = [
  "knowledge",
  "floorplan",
  "work",
  "standards",
  "skills",
  "import",
];

/**
 * The tool groups of a `--tools` value: group names, comma-separated, spaces
 * around them ignored (`knowledge,work`).
 *
 * @returns the groups in the order given, or an Error whose message names
 *   `--tools`, the group that is not one and the groups there are.
 * @example
 * ```ts
 * toolGroupsOf("knowledge, work"); // ["knowledge", "work"]
 * toolGroupsOf("knowledge,wrok"); // Error: --tools: unknown tool group "wrok"; the groups are knowledge, ...
 * ```
 */
export function toolGroupsOf(value: string): ToolGroup[] | Error {
  const known = `the groups are ${TOOL_GROUPS.join(", ")}`;
  if (value.trim() === "") return new Error(`--tools: no tool group given; ${known}`);
  const groups = value.split(",").map((group) => group.trim());
  const unknown = groups.find((group) => !(TOOL_GROUPS as readonly string[]).includes(group));
  return unknown === undefined
    ? (groups as ToolGroup[])
    : new Error(`--tools: unknown tool group "${unknown}"; ${known}`);
}

/**
 * The folder of an `--import-root` value, made absolute: the folder
 * `import_codebase` may read under, which must exist.
 *
 * @returns the absolute path, or an Error whose message names
 *   `--import-root`, the value as given and what is wrong with it (empty,
 *   missing, not a folder).
 * @example
 * ```ts
 * importRootOf("."); // the current folder, absolute
 * importRootOf("nope"); // Error: --import-root nope does not exist (give the folder ...)
 * ```
 */
export function importRootOf(value: string): string | Error {
  const hint = "give the folder import_codebase may read under";
  if (value.trim() === "") return new Error(`--import-root must not be empty (${hint})`);
  const path = resolve(value);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isDirectory() === true) return path;
  return new Error(
    `--import-root ${value} ${stat === undefined ? "does not exist" : "is not a folder"} (${hint})`,
  );
}

/**
 * The folder of an `--instructions` value, made absolute: the root of the
 * repository whose Cursor rules, AGENTS.md and CLAUDE.md the served factory
 * loads, which must exist and be a folder.
 *
 * @returns the absolute path, or an Error whose message names
 *   `--instructions`, the value as given and what is wrong with it (empty,
 *   missing, not a folder).
 * @example
 * ```ts
 * instructionsRootOf("."); // the current folder, absolute
 * instructionsRootOf("nope"); // Error: --instructions nope is not a folder: it does not exist (give the root ...)
 * ```
 */
export function instructionsRootOf(value: string): string | Error {
  const hint = "give the root of a repository with .cursor/rules, AGENTS.md or CLAUDE.md";
  if (value.trim() === "") return new Error(`--instructions must not be empty (${hint})`);
  const path = resolve(value);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isDirectory() === true) return path;
  return new Error(
    `--instructions ${value} is not a folder${stat === undefined ? ": it does not exist" : ""} (${hint})`,
  );
}

/** The flags of `factory-mcp` and `factory mcp` that choose the automations a served factory runs. */
export interface AutomationFlags {
  /** `--automations`: run the built-in automations (route new signals, notify owners). */
  readonly automations?: boolean;
  /**
   * `--notify-webhook`: the URL to post inbox notifications to, or true when
   * the flag is given without one (the URL is then `FACTORY_NOTIFY_WEBHOOK`'s).
   */
  readonly notifyWebhook?: string | true;
  /** `--notify-format`: `json` (default) or `slack`. */
  readonly notifyFormat?: string;
}

/** The environment variables {@link servedAutomationsOf} reads. */
export interface AutomationEnv {
  /** The webhook's URL when `--notify-webhook` is given without one (a flag shows in `ps`). */
  readonly FACTORY_NOTIFY_WEBHOOK?: string | undefined;
  /** Signs each delivery when set and not empty. */
  readonly FACTORY_WEBHOOK_SECRET?: string | undefined;
}

/** The automations a served factory runs, from {@link servedAutomationsOf}. */
export interface ServedAutomations {
  /** What to open the factory with: the built-in automations, then the webhook delivery (empty: none run). */
  readonly automations: readonly Automation<Factory>[];
  /**
   * The log line that says where notifications are posted, naming the
   * webhook's scheme and host only (its path and the secret are never shown);
   * absent without `--notify-webhook`.
   */
  readonly notice?: string;
}

/**
 * The automations of `--automations` and `--notify-webhook`, checked here for
 * both commands so they run the same and refuse the same values with the
 * same messages. `--notify-webhook` adds `makeWebhookDelivery` (format
 * `--notify-format`, signed with `FACTORY_WEBHOOK_SECRET`) and runs without
 * `--automations`: it posts every inbox notification in the log, whichever
 * process wrote it (`factory automations run`, another server, an SDK
 * program); `--automations` adds the ones that write them here.
 *
 * @param env - where `FACTORY_NOTIFY_WEBHOOK` and `FACTORY_WEBHOOK_SECRET` are read (default `process.env`).
 * @returns the automations and the log line, or an Error whose message names
 *   the flag (a missing or malformed URL, an unknown format, `--notify-format`
 *   alone) and never the URL's path or the secret.
 * @example
 * ```ts
 * servedAutomationsOf({ notifyWebhook: true, notifyFormat: "slack" }, { FACTORY_NOTIFY_WEBHOOK: url });
 * // { automations: [deliver-notifications], notice: "posting inbox notifications to https://hooks.slack.com as slack, unsigned" }
 * servedAutomationsOf({ notifyWebhook: "ftp://x/y" }); // Error: --notify-webhook: url must be an http or https URL
 * ```
 */
export function servedAutomationsOf(
  flags: AutomationFlags,
  env: AutomationEnv = process.env,
): ServedAutomations | Error {
  const builtins = flags.automations === true ? builtinAutomations : [];
  if (flags.notifyWebhook === undefined) {
    if (flags.notifyFormat !== undefined) return new Error("--notify-format needs --notify-webhook");
    return { automations: builtins };
  }
  const url = flags.notifyWebhook === true ? env.FACTORY_NOTIFY_WEBHOOK : flags.notifyWebhook;
  if (url === undefined || url === "")
    return new Error(
      "--notify-webhook needs a URL: give it (--notify-webhook <url>) or set FACTORY_NOTIFY_WEBHOOK, which keeps it out of ps",
    );
  const format = flags.notifyFormat ?? "json";
  if (format !== "json" && format !== "slack")
    return new Error(`--notify-format must be json or slack, not "${format}"`);
  const secret = env.FACTORY_WEBHOOK_SECRET === "" ? undefined : env.FACTORY_WEBHOOK_SECRET;
  try {
    const delivery = makeWebhookDelivery({ url, format, ...(secret === undefined ? {} : { secret }) });
    // makeWebhookDelivery has checked the URL: scheme and host only, never the path (a Slack webhook's secret).
    const { protocol, host } = new URL(url);
    return {
      automations: [...builtins, delivery],
      notice: `posting inbox notifications to ${protocol}//${host} as ${format}, ${secret === undefined ? "unsigned" : "signed"}`,
    };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // The issues name the option, never its value.
    return new Error(`--notify-webhook: ${error.issues.map((issue) => issue.message).join("; ")}`);
  }
}

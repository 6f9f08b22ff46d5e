/**
 * `factory-mcp`'s HTTP flags (`--host`, `--allowed-host`, `--allowed-origin`,
 * `--max-connections`, `--token`) turned into `serveHttp` options, with the
 * warnings the operator should read on stderr.
 *
 * @module
 */
import { isIP } from "node:net";
import { localhostAllowedHostnames, localhostAllowedOrigins } from "@modelcontextprotocol/server";
import type { HttpServeOptions } from "../http.js";
import { hostName, isWildcardHost } from "./httpGuards.js";

/** The HTTP flags as `parseArgs` gives them. */
export interface HttpFlags {
  readonly port: number;
  readonly host?: string;
  /** `--token` as given on the command line (visible to `ps`), else undefined. */
  readonly tokenFlag?: string;
  /** `FACTORY_MCP_TOKEN`. */
  readonly tokenEnv?: string;
  readonly allowedHosts?: readonly string[];
  readonly allowedOrigins?: readonly string[];
  /** `--max-connections`, as given (checked here). */
  readonly maxConnections?: string;
}

/** What the flags resolve to: the options to serve with and warnings for stderr. */
export interface HttpSettings {
  readonly options: HttpServeOptions;
  readonly warnings: readonly string[];
}

/** Whether `host` is an address or name of this machine only (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  return isIP(bare) === 4 && bare.startsWith("127.");
}

/** The items of repeatable, comma-separated flag values, trimmed, empty ones dropped. */
function itemsOf(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(","))
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The hostname of an `--allowed-origin` value: an origin (`https://app.example:8443`) or a bare hostname. */
function originHostname(value: string): string | Error {
  if (!value.includes("://")) return value.toLowerCase();
  try {
    const { hostname } = new URL(value);
    if (hostname !== "") return hostname;
  } catch {
    // Reported below with the value.
  }
  return new Error(`--allowed-origin "${value}" is not an origin (scheme://host[:port]) or a host name`);
}

/**
 * Resolves the HTTP flags. The localhost names stay allowed besides the
 * `--allowed-host` and `--allowed-origin` ones.
 *
 * @returns the settings, or an Error whose message says which flag is wrong and what to give.
 */
export function httpSettingsOf(flags: HttpFlags): HttpSettings | Error {
  const token = flags.tokenFlag || flags.tokenEnv || undefined;
  if (token === undefined) {
    return new Error(
      "--http needs a token: set FACTORY_MCP_TOKEN (or give --token <token>, which other users can see in ps); clients send it as Authorization: Bearer <token>",
    );
  }
  const host = flags.host ?? "127.0.0.1";
  const hosts = itemsOf(flags.allowedHosts).map((name) => name.toLowerCase());
  const origins = itemsOf(flags.allowedOrigins).map(originHostname);
  const badOrigin = origins.find((origin) => origin instanceof Error);
  if (badOrigin !== undefined) return badOrigin;
  const maxConnections = flags.maxConnections === undefined ? undefined : Number(flags.maxConnections);
  if (maxConnections !== undefined && (!Number.isInteger(maxConnections) || maxConnections < 1)) {
    return new Error(`--max-connections must be a whole number of 1 or more, got "${flags.maxConnections}"`);
  }
  const warnings: string[] = [];
  if (flags.tokenFlag) {
    warnings.push(
      "--token on the command line can be read by other users of this machine (ps, /proc); set FACTORY_MCP_TOKEN instead",
    );
  }
  if (!isLoopback(host)) {
    if (hosts.length === 0) {
      return new Error(
        `--host ${host} serves beyond this machine: give --allowed-host <name> (repeatable or a comma list) with the names clients reach it by, as they send them in the Host header; other names get 403`,
      );
    }
    warnings.push(
      `serving plain HTTP on ${host}: the token and every answer cross the network unencrypted; put a TLS reverse proxy in front of it`,
    );
  }
  return {
    options: {
      port: flags.port,
      token,
      host,
      // The --host address itself, unless it is a wildcard that no client names.
      ...(hosts.length === 0
        ? {}
        : {
            allowedHosts: [
              ...localhostAllowedHostnames(),
              ...(isWildcardHost(host) ? [] : [hostName(host)]),
              ...hosts,
            ],
          }),
      ...(origins.length === 0
        ? {}
        : { allowedOrigins: [...localhostAllowedOrigins(), ...(origins as string[])] }),
      ...(maxConnections === undefined ? {} : { maxConnections }),
    },
    warnings,
  };
}

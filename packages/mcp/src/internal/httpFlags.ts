/**
 * The HTTP flags of `factory-mcp` and `factory mcp` (`--host`,
 * `--allowed-host`, `--allowed-origin`, `--max-connections`, `--token`,
 * `--import-root`) turned into `serveHttp` options, with the warnings the
 * operator should read on stderr. Both commands resolve them here, so they
 * accept and refuse the same values with the same messages.
 *
 * @module
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { localhostAllowedHostnames, localhostAllowedOrigins } from "@modelcontextprotocol/server";
import type { HttpServeOptions } from "../http.js";
import { hostName, isWildcardHost, MIN_TOKEN_LENGTH } from "./httpGuards.js";

/** The HTTP flags of a command that serves a factory, as given on its command line. */
export interface HttpFlags {
  /**
   * `--http`: the TCP port (0 picks a free one), as a number or as given on
   * the command line (checked here: digits only, so an empty `"$PORT"` is
   * refused rather than read as 0).
   */
  readonly port: number | string;
  /** `--host`: the interface to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** `--token` as given on the command line (visible to `ps`), else undefined. */
  readonly tokenFlag?: string;
  /** `FACTORY_MCP_TOKEN`. */
  readonly tokenEnv?: string;
  /** `--allowed-host` values: host names, each one or a comma list. */
  readonly allowedHosts?: readonly string[];
  /** `--allowed-origin` values: origins or host names, each one or a comma list. */
  readonly allowedOrigins?: readonly string[];
  /** `--max-connections`, as given (checked here). */
  readonly maxConnections?: string;
  /** Whether the `import` tool group is served (`--tools ...,import`): over HTTP it needs `importRoot`. */
  readonly importGroup?: boolean;
  /** `--import-root`: the folder `import_codebase` may read under. */
  readonly importRoot?: string;
}

/** What the HTTP flags resolve to: the options to serve with and warnings for stderr. */
export interface HttpSettings {
  /** The options to give `serveHttp`. */
  readonly options: HttpServeOptions;
  /** What the operator should read on stderr (a token on the command line, plain HTTP beyond loopback). */
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

/** Most connections a server may hold open at once (`HttpServeOptionsSchema`'s bound). */
const MAX_CONNECTIONS = 65_536;

/**
 * A host name as a Host or Origin header names it (`app.example`,
 * `10.0.0.5`, `[::1]`; a bare IPv6 address is bracketed), lower case, or
 * undefined when it is none: a space, a port, a path or user name, `::::`,
 * `999.1.1.1`, as the server compares these headers by WHATWG URL's hostname.
 */
function headerHostname(value: string): string | undefined {
  const name = isIP(value) === 6 ? `[${value}]` : value;
  if (name === "" || /[\s/?#@\\]/.test(name)) return undefined;
  try {
    const url = new URL(`http://${name}`);
    return url.port === "" && url.hostname !== "" ? url.hostname : undefined;
  } catch {
    return undefined;
  }
}

/** The hostname of an `--allowed-host` value, or an Error naming the flag and the value. */
function allowedHostname(value: string): string | Error {
  return (
    headerHostname(value) ??
    new Error(
      `--allowed-host "${value}" is not a host name (give a name clients send in their Host header, without a port: app.example, 10.0.0.5, [::1])`,
    )
  );
}

/**
 * The hostname of an `--allowed-origin` value: an origin
 * (`https://app.example:8443`, nothing after its port) or a bare hostname.
 */
function originHostname(value: string): string | Error {
  const refused = new Error(
    `--allowed-origin "${value}" is not an origin (scheme://host[:port]) or a host name`,
  );
  if (!value.includes("://")) return headerHostname(value) ?? refused;
  try {
    const url = new URL(value);
    const bare = url.pathname === "/" && url.search === "" && url.hash === "" && url.username === "";
    if (bare && url.password === "" && url.hostname !== "" && !/\s/.test(value)) return url.hostname;
  } catch {
    // Refused below with the value.
  }
  return refused;
}

/** A TCP port, 0 to 65535, given as a number or as digits; undefined for anything else. */
function portOf(given: number | string): number | undefined {
  const port = typeof given === "number" ? given : /^\d{1,5}$/.test(given) ? Number(given) : Number.NaN;
  return Number.isInteger(port) && port >= 0 && port <= 65_535 ? port : undefined;
}

/**
 * Resolves the HTTP flags of a command that serves a factory into the options
 * of `serveHttp` and the warnings to print. The localhost names stay allowed
 * besides the `--allowed-host` and `--allowed-origin` ones.
 *
 * Refused, with an Error naming the flag: a port that is not 0 to 65535
 * (digits only, when given as text), no token (neither `--token` nor
 * `FACTORY_MCP_TOKEN`), a token shorter than 16 characters, an empty `--host`, an
 * `--allowed-host` that is no host name (`a b`, `app.example:8443`), an
 * `--allowed-origin` that is no origin or host name (`::::`), a
 * `--max-connections` that is not a whole number from 1 to 65536, a `--host` beyond loopback without
 * `--allowed-host`, and the import group without `--import-root`. Whether
 * `--host` resolves is {@link httpHostRefusal}'s to say, as it asks the resolver.
 *
 * @returns the settings, or an Error whose message says which flag is wrong and what to give.
 * @example
 * ```ts
 * const settings = httpSettingsOf({ port: 3333, tokenEnv: process.env.FACTORY_MCP_TOKEN });
 * if (settings instanceof Error) throw settings;
 * for (const warning of settings.warnings) console.error(`warning: ${warning}`);
 * const server = await serveHttp(factory, settings.options);
 * ```
 */
export function httpSettingsOf(flags: HttpFlags): HttpSettings | Error {
  const port = portOf(flags.port);
  if (port === undefined) return new Error(`--http must be a port number, got "${flags.port}"`);
  const token = flags.tokenFlag || flags.tokenEnv || undefined;
  if (token === undefined) {
    return new Error(
      "--http needs a token: set FACTORY_MCP_TOKEN (or give --token <token>, which other users can see in ps); clients send it as Authorization: Bearer <token>",
    );
  }
  if (token.length < MIN_TOKEN_LENGTH) {
    // Named by where it came from, never shown: its length is all the message tells.
    const from = flags.tokenFlag ? "--token" : "FACTORY_MCP_TOKEN";
    return new Error(
      `${from} is ${token.length} ${token.length === 1 ? "character" : "characters"} long: the token must be at least ${MIN_TOKEN_LENGTH} (openssl rand -hex 24 makes one)`,
    );
  }
  const host = flags.host ?? "127.0.0.1";
  if (host.trim() === "" || /\s/.test(host))
    return new Error(`--host must be a host name or address to listen on, got "${host}"`);
  const hosts = itemsOf(flags.allowedHosts).map(allowedHostname);
  const badHost = hosts.find((name) => name instanceof Error);
  if (badHost !== undefined) return badHost;
  const origins = itemsOf(flags.allowedOrigins).map(originHostname);
  const badOrigin = origins.find((origin) => origin instanceof Error);
  if (badOrigin !== undefined) return badOrigin;
  const maxConnections = flags.maxConnections === undefined ? undefined : Number(flags.maxConnections);
  if (maxConnections !== undefined && (!Number.isInteger(maxConnections) || maxConnections < 1)) {
    return new Error(`--max-connections must be a whole number of 1 or more, got "${flags.maxConnections}"`);
  }
  if (maxConnections !== undefined && maxConnections > MAX_CONNECTIONS) {
    return new Error(`--max-connections must be at most ${MAX_CONNECTIONS}, got "${flags.maxConnections}"`);
  }
  if (flags.importGroup === true && flags.importRoot === undefined) {
    return new Error(
      "--tools import over --http needs --import-root <dir>, the folder import_codebase may read under (else any token holder could import any folder of this machine)",
    );
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
      port,
      token,
      host,
      // The --host address itself, unless it is a wildcard that no client names.
      ...(hosts.length === 0
        ? {}
        : {
            allowedHosts: [
              ...localhostAllowedHostnames(),
              ...(isWildcardHost(host) ? [] : [hostName(host)]),
              ...(hosts as string[]),
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

/**
 * Whether the `--host` of resolved HTTP settings names an address this
 * machine's resolver knows: an IP address does, a name is looked up. Both
 * commands that serve a factory ask it after {@link httpSettingsOf}, before
 * the factory opens and before any warning, so `--host 999.1.1.1` is refused
 * as the flag it is, not as a failure to listen once the server starts.
 *
 * @returns undefined when the host resolves, else an Error naming `--host`
 *   and the value (`--host: no such host or address "999.1.1.1"`).
 * @example
 * ```ts
 * const refused = await httpHostRefusal(settings);
 * if (refused !== undefined) throw refused;
 * ```
 */
export async function httpHostRefusal(settings: HttpSettings): Promise<Error | undefined> {
  const host = settings.options.host ?? "127.0.0.1";
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (isIP(bare) !== 0) return undefined;
  try {
    await lookup(bare);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOTFOUND"
      ? new Error(`--host: no such host or address "${host}"`)
      : new Error(`--host: cannot resolve "${host}" (${code ?? (error as Error).message})`);
  }
}

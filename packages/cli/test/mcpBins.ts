/**
 * The two commands that serve a factory over MCP, `factory mcp` and the MCP
 * package's `factory-mcp`, run as built bins: to see how they end, or started
 * to serve.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

/** The built `factory-mcp` bin. */
export const MCP_BIN = resolve(import.meta.dirname, "../../mcp/bin/factory-mcp.js");

/**
 * Runs `node <argv>` in `cwd` with stdin closed at once, no factory or
 * webhook named by the environment, and `token` as FACTORY_MCP_TOKEN;
 * resolves with its exit code and stderr.
 */
export function runWithStdinClosed(
  argv: readonly string[],
  cwd: string,
  token = "",
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, argv, {
    cwd,
    env: {
      ...process.env,
      FACTORY_DATABASE_URL: "",
      FACTORY_DIR: "",
      FACTORY_MCP_TOKEN: token,
      FACTORY_NOTIFY_WEBHOOK: "",
      FACTORY_WEBHOOK_SECRET: "",
    },
    stdio: ["pipe", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  child.stdin.end();
  return new Promise((done) => child.on("close", (code) => done({ code, stderr })));
}

/** A bin started by {@link startBin}: its process, its stderr so far, and how it exits. */
export interface RunningBin {
  readonly child: ChildProcess;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

/**
 * Starts `node <argv>` in `cwd`, stdin and stdout piped, no factory named by
 * the environment, and `token` as FACTORY_MCP_TOKEN; the caller stops it.
 */
export function startBin(argv: readonly string[], cwd: string, token: string): RunningBin {
  const child = spawn(process.execPath, argv, {
    cwd,
    env: { ...process.env, FACTORY_DATABASE_URL: "", FACTORY_DIR: "", FACTORY_MCP_TOKEN: token },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return { child, stderr: () => stderr, exited };
}

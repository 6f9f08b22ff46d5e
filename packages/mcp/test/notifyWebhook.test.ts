/**
 * `factory-mcp --notify-webhook`: the built bin posts inbox notifications to a
 * webhook while it serves (a real MCP client over stdio, a local node:http
 * receiver, the notification written by another process), logging the
 * webhook's host only; and refuses a missing or malformed URL, an unknown
 * format or `--notify-format` alone with exit 2, never showing the URL's path
 * or the secret. `factory mcp` takes the same flags (cli's mcpNotifyWebhook
 * and mcpLikeFactoryMcp tests).
 */
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { estimateTokenCounter, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, serverArgs } from "./fixtures.js";
import { BASE_ENV, useWebhookReceiver } from "./webhookReceiver.js";

const SECRET = "mcp-webhook-secret-value";
const PATH_TOKEN = "secret-path-token";
/** The bin starts in a few seconds on a loaded machine. */
const SLOW = { timeout: 240_000 };
let dir: string;
const receiver = useWebhookReceiver();
const hookUrl = () => receiver.url(`/hooks/T1/${PATH_TOKEN}`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mcp-notify-webhook-"));
  // The notifications go to ana, an operator of the floor plan (the inbox refuses an unknown one).
  const factory = await openFactory({ dir, tokenCounter: estimateTokenCounter });
  await factory.floorplan.applyPlan({ operators: [{ id: "ana" }], lines: [] });
  await factory.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `factory-mcp --dir <the factory> <args>` with `env`, a notification written while it serves, and what came of it. */
const notifiedThrough = (args: readonly string[], env: Record<string, string>, title: string) =>
  receiver.notifiedThrough({ args: serverArgs(["--dir", dir, ...args]), cwd: repoRoot, env }, dir, title);

describe("factory-mcp --notify-webhook", () => {
  it(
    "posts a notification another process writes, the URL from FACTORY_NOTIFY_WEBHOOK, signed, logging the host only",
    SLOW,
    async () => {
      const port = receiver.port();
      const { item, request, stderr } = await notifiedThrough(
        ["--notify-webhook", "--notify-format", "slack"],
        { FACTORY_NOTIFY_WEBHOOK: hookUrl(), FACTORY_WEBHOOK_SECRET: SECRET },
        "Checkout is failing",
      );
      expect(request?.headers["idempotency-key"]).toBe(item.id);
      const text = (JSON.parse(request?.body ?? "{}") as { text: string }).text;
      expect(text).toContain("*Checkout is failing*");
      const timestamp = String(request?.headers["x-factory-timestamp"]);
      const signature = createHmac("sha256", SECRET).update(`${timestamp}.${request?.body}`).digest("hex");
      expect(request?.headers["x-factory-signature"]).toBe(`sha256=${signature}`);
      expect(stderr).toContain(
        `factory-mcp: posting inbox notifications to http://127.0.0.1:${port} as slack, signed\n`,
      );
      expect(stderr).not.toContain(PATH_TOKEN);
      expect(stderr).not.toContain(SECRET);
    },
  );

  it(
    "posts JSON, unsigned, to the URL given with the flag, before another flag and without --automations",
    SLOW,
    async () => {
      const { item, request, stderr } = await notifiedThrough(
        ["--notify-webhook", hookUrl(), "--actor", "claude"],
        {},
        "Payments is slow",
      );
      const body = JSON.parse(request?.body ?? "{}") as { id: string; title: string; to: string };
      expect(body).toMatchObject({
        type: "inbox.notified",
        id: item.id,
        title: "Payments is slow",
        to: "ana",
      });
      expect(request?.headers["x-factory-signature"]).toBeUndefined();
      expect(stderr).toMatch(
        /factory-mcp: posting inbox notifications to http:\/\/127\.0\.0\.1:\d+ as json, unsigned\n/,
      );
      expect(stderr).not.toContain(PATH_TOKEN);
    },
  );

  it(
    "refuses a malformed or missing URL, an unknown format and --notify-format alone with exit 2, never showing the path or secret",
    SLOW,
    async () => {
      const start = (args: readonly string[]) => {
        const run = promisify(execFile)(process.execPath, serverArgs(["--dir", dir, ...args]), {
          cwd: repoRoot,
          timeout: 60_000,
          env: { ...BASE_ENV, FACTORY_WEBHOOK_SECRET: SECRET },
        });
        run.child.stdin?.end();
        return run.then(
          ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
          (error: { code: number; stdout: string; stderr: string }) => error,
        );
      };
      const cases: [string[], string][] = [
        [
          ["--notify-webhook", `ftp://hooks.example.com/T1/${PATH_TOKEN}`],
          "--notify-webhook: url must be an http or https URL",
        ],
        [
          ["--notify-webhook", `https://user:${PATH_TOKEN}@hooks.example.com/T1`],
          "--notify-webhook: url must not carry a user name or password",
        ],
        [
          ["--notify-webhook"],
          "--notify-webhook needs a URL: give it (--notify-webhook <url>) or set FACTORY_NOTIFY_WEBHOOK, which keeps it out of ps",
        ],
        [
          ["--notify-webhook", "https://hooks.example.com/x", "--notify-format", "teams"],
          '--notify-format must be json or slack, not "teams"',
        ],
        [["--notify-format", "slack"], "--notify-format needs --notify-webhook"],
      ];
      for (const [args, message] of cases) {
        const { code, stdout, stderr } = await start(args);
        expect(code, `${args.join(" ")}: ${stderr}`).toBe(2);
        expect(stdout).toBe("");
        expect(stderr).toBe(`factory-mcp: ${message}\n`);
        expect(stderr).not.toContain(PATH_TOKEN);
        expect(stderr).not.toContain(SECRET);
      }
    },
  );
});

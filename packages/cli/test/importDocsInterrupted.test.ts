/**
 * `factory import docs` stopped by Ctrl-C: the files imported so far stay,
 * the command says how far it got and exits 130, and running it again imports
 * the rest, each file once. The built bin as a subprocess; its embedder a
 * local OpenAI-compatible server that answers each document's embedding
 * request and holds one, so the signal arrives while the import is under way.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, runFactoryProcess } from "./runFactory.js";
import { SLOW, useShopFactory } from "./shopFactory.js";

const { cwd, withSdk } = useShopFactory("factory-import-docs-interrupted-");

/** Markdown files in the folder imported. */
const FILES = 40;
/** The embedding request held: that of the fifth document, once four are stored. */
const HELD = 5;

/** The embedding server: answers every request but the {@link HELD}th, which `held` resolves with when it comes. */
let server: Server;
let requests = 0;
let held: Promise<() => void>;
beforeAll(async () => {
  let arrived: (release: () => void) => void = () => undefined;
  held = new Promise((resolve) => {
    arrived = resolve;
  });
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      const input = (JSON.parse(body) as { input: string | string[] }).input;
      const texts = Array.isArray(input) ? input : [input];
      const answer = () => {
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ data: texts.map((_, index) => ({ index, embedding: [1, 0, 0, 0] })) }));
      };
      requests += 1;
      if (requests === HELD) arrived(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  mkdirSync(join(cwd(), "docs"));
  for (let n = 1; n <= FILES; n++)
    writeFileSync(
      join(cwd(), "docs", `note-${String(n).padStart(2, "0")}.md`),
      `# Note ${n}\n\nAbout ${n}.\n`,
    );
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** The environment of the runs: the embedder above. */
function embedderEnv(): NodeJS.ProcessEnv {
  const { port } = server.address() as AddressInfo;
  return {
    FACTORY_EMBEDDER: "openai",
    FACTORY_EMBEDDER_URL: `http://127.0.0.1:${port}`,
    FACTORY_EMBEDDER_MODEL: "counting",
    FACTORY_EMBEDDER_DIMENSION: "4",
  };
}

describe("factory import docs, interrupted", () => {
  it(
    "keeps what it imported, says how far it got, exits 130; the same command imports the rest",
    SLOW,
    async () => {
      const child = spawn(process.execPath, [BIN, "--dir", ".factory", "import", "docs", "docs"], {
        cwd: cwd(),
        env: {
          ...process.env,
          NO_COLOR: "",
          FACTORY_DIR: "",
          FACTORY_DATABASE_URL: "",
          FACTORY_ACTOR: "tester",
          ...embedderEnv(),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      const release = await held;
      child.kill("SIGINT");
      release();

      expect(await exited, stderr).toBe(130);
      const told =
        /^error: E_INTERRUPTED: interrupted \(SIGINT\): (\d+) of 40 files imported \(kept\); run the same command again to import the rest\n$/.exec(
          stderr,
        );
      expect(told, stderr).not.toBeNull();
      const imported = Number(told?.[1]);
      // The file whose embedding was held, and perhaps the next, were imported before the signal was seen.
      expect(imported).toBeGreaterThanOrEqual(HELD);
      expect(imported).toBeLessThan(FILES);
      const kept = await withSdk((factory) => factory.knowledge.fromSystem("markdown:docs"));
      expect(kept.length).toBe(imported);

      const again = await runFactoryProcess(["--dir", ".factory", "--json", "import", "docs", "docs"], {
        cwd: cwd(),
        env: embedderEnv(),
      });
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({
        captured: FILES - imported,
        unchanged: imported,
        revised: 0,
        retracted: 0,
      });
      const documents = await withSdk((factory) => factory.knowledge.fromSystem("markdown:docs"));
      const files = documents.filter((document) => document.retracted === undefined).map((d) => d.source.uri);
      expect(new Set(files).size).toBe(FILES);
      expect(files).toHaveLength(FILES);
    },
  );
});

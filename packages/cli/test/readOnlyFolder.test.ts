/**
 * The built `factory` bin over a factory folder its process may not write
 * (run as nobody, uid and gid 65534, when the tests run as root, whom chmod
 * does not stop): the reads answer with exit 0, each write is E_READ_ONLY
 * naming the folder with exit 1, and the folder stays byte for byte as it was.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { folderDigest, makeReadOnly, makeWritable } from "../../core/test/fixtures/runUnprivileged.js";
import { SHOP_YAML } from "./fixtures.js";
import { BIN, type RunResult, runFactory } from "./runFactory.js";

/** Whether the tests run as root, whom file modes do not stop. */
const asRoot = process.getuid?.() === 0;

let root: string;
let dir: string;

/** Runs the built bin in `root` as a user who may not write it. */
function unprivileged(...args: string[]): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, "--dir", dir, ...args],
      {
        cwd: root,
        env: {
          ...process.env,
          HOME: tmpdir(),
          NO_COLOR: "",
          FACTORY_DATABASE_URL: "",
          FACTORY_DIR: "",
          FACTORY_ACTOR: "tester",
        },
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        done({ code, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "factory-cli-read-only-"));
  dir = join(root, ".factory");
  writeFileSync(join(root, "factory.yaml"), SHOP_YAML);
  writeFileSync(join(root, "changed.yaml"), SHOP_YAML.replace("Product search and autocomplete", "Search"));
  const runs = [
    ["init", "--plan", "factory.yaml"],
    ["knowledge", "capture", "--kind", "note", "--title", "Retries", "--body", "Payments retry three times."],
  ];
  for (const args of runs)
    expect(await runFactory(["--dir", dir, ...args], { cwd: root })).toMatchObject({ code: 0 });
  makeReadOnly(root);
});

afterAll(() => {
  makeWritable(root);
  rmSync(root, { recursive: true, force: true });
});

describe("factory over a folder it may not write", () => {
  it("answers reads, refuses each write with E_READ_ONLY naming the folder (exit 1), and writes nothing", async () => {
    const before = folderDigest(dir);

    const reads: [string[], string][] = [
      [["who-owns", "src/payments/card.ts"], "owner bo"],
      [["search", "retry"], "Retries"],
      [["floorplan"], "checkout"],
      [["knowledge", "list"], "Retries"],
      [["work", "list"], "no work items"],
      [["plan", "apply", "factory.yaml"], "already current"],
    ];
    for (const [args, shown] of reads) {
      const run = await unprivileged(...args);
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: "" });
      expect(run.stdout).toContain(shown);
    }

    const refusal = `error: E_READ_ONLY: cannot write to the event store at ${join(dir, "factory.db")}: the folder ${dir} is read-only for this process (permission denied); it can be read, and nothing was written\n`;
    const writes = [
      ["knowledge", "capture", "--kind", "note", "--title", "No", "--body", "Not written."],
      ["work", "create", "--line", "payments", "Refunds"],
      ["signal", "capture", "--source", "support", "Card declined twice"],
      ["plan", "apply", "changed.yaml"],
    ];
    for (const args of writes) {
      const run = await unprivileged(...args);
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 1, stderr: refusal });
    }

    expect(folderDigest(dir)).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(["cache", "factory.db"]);
  });
});

/**
 * A file argument read from a pipe, as a shell or CI script gives it: `-`
 * for standard input, `/dev/stdin`, and bash's process substitution
 * (`<(...)`, a `/dev/fd/N` pipe). Each run is the built bin behind a real
 * shell pipe. Before, only the floor plan's commands read a pipe; every
 * other file argument said `E_NOT_FOUND: no file /dev/fd/63` (or `no file -`).
 * A device stays refused before it is read, and a folder import reads no pipe.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, type RunResult, runFactoryProcess } from "./runFactory.js";

let cwd: string;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-piped-files-"));
  expect((await runFactoryProcess(["init"], { cwd })).code).toBe(0);
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** Runs a bash command line in which `factory` is the built bin, as a script would. */
function shell(script: string): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      "bash",
      ["-c", `factory() { "${process.execPath}" "${BIN}" "$@"; }\n${script}`],
      {
        cwd,
        env: {
          ...process.env,
          NO_COLOR: "",
          FACTORY_DIR: "",
          FACTORY_DATABASE_URL: "",
          FACTORY_ACTOR: "tester",
        },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        done({ code, stdout, stderr });
      },
    );
  });
}

const MAPPING = `{"target":"signal","id":"id","title":"title","body":"body"}`;
const ISSUE = `[{"number":7,"title":"Checkout crashes","body":"500 on pay","labels":[],"state":"OPEN","url":"https://example.com/7","author":{"login":"ana"},"createdAt":"2026-01-01T00:00:00Z"}]`;

describe("a file argument from a pipe", () => {
  it("import issues reads - (standard input), named stdin in its summary", async () => {
    const run = await shell(`printf '%s' '${ISSUE}' | factory import issues - --format github`);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toBe("stdin: 1 created, 0 updated, 0 unchanged, 0 skipped, 0 problems\n");
  });

  it("import jsonl reads process substitution, and its --mapping @- standard input", async () => {
    const run = await shell(
      `printf '%s' '${MAPPING}' | factory import jsonl <(echo '{"id":"t1","title":"T","body":"b"}') --mapping @-`,
    );
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(/^\/dev\/fd\/\d+: 1 created, 0 updated/);
  });

  it("knowledge capture --file reads /dev/stdin and -", async () => {
    for (const [file, body] of [
      ["/dev/stdin", "piped through dev stdin"],
      ["-", "piped through a dash"],
    ]) {
      const run = await shell(
        `printf '%s' '${body}' | factory --json knowledge capture --kind note --title t --file ${file}`,
      );
      expect(run).toMatchObject({ code: 0, stderr: "" });
      expect(JSON.parse(run.stdout)).toMatchObject({ body, outcome: "captured" });
    }
  });

  it("a malformed export from standard input is named stdin, not a temporary file", async () => {
    const run = await shell(`echo 'not json' | factory import issues - --format github`);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error: E_VALIDATION: GitHub issue export is invalid: stdin \(root\): not valid JSON/,
    );
  });

  it("a device is still refused before it is read, and import docs reads no pipe", async () => {
    const device = await shell(`factory import jsonl /dev/zero --mapping '${MAPPING}'`);
    expect(device).toMatchObject({ code: 1, stdout: "" });
    expect(device.stderr).toBe(
      "error: E_NOT_FOUND: no file /dev/zero (it is a device, pipe or socket, not a file)\n",
    );
    const folder = await shell(`echo '# a' | factory import docs /dev/stdin`);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/^error: E_NOT_FOUND: .*\/dev\/stdin/);
  });
});

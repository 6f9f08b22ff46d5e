/**
 * `import docs` runs at the same time on one factory (parallel CI jobs) each
 * count only what they wrote: a revision or retraction another run wrote a
 * moment before is not claimed again. Four runs over 30 edited files and a
 * removed one reported 68 revised and four times `1 retracted` for 30
 * revisions and one retraction written; the log itself was right. The built
 * bin, as four subprocesses started together.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactoryProcess } from "./runFactory.js";

let cwd: string;
const FILES = 30;
const SLOW = { timeout: 300_000 };
const factory = (...args: string[]) => runFactoryProcess(["--dir", ".factory", ...args], { cwd });

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-parallel-docs-"));
  mkdirSync(join(cwd, "docs"));
  for (let at = 1; at <= FILES; at += 1)
    writeFileSync(join(cwd, "docs", `d${at}.md`), `# Doc ${at}\n\nfirst\n`);
  const first = await factory("import", "docs", "docs");
  expect(first.code, first.stderr).toBe(0);
}, SLOW.timeout);
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("import docs runs at the same time", () => {
  it("count each revision and retraction once between them", SLOW, async () => {
    for (let at = 1; at < FILES; at += 1) appendFileSync(join(cwd, "docs", `d${at}.md`), "edited\n");
    rmSync(join(cwd, "docs", `d${FILES}.md`));
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => factory("--json", "import", "docs", "docs")),
    );
    const reports = runs.map((run) => {
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as { captured: number; revised: number; retracted: number };
    });
    const sum = (key: "captured" | "revised" | "retracted") =>
      reports.reduce((total, report) => total + report[key], 0);
    expect({ captured: sum("captured"), revised: sum("revised"), retracted: sum("retracted") }).toEqual({
      captured: 0,
      revised: FILES - 1,
      retracted: 1,
    });
  });
});

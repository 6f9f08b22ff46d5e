import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** The bin runs a few times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

/** A WebVTT file whose second cue's timing line does not parse. */
const BAD_VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>Hello\n\n99:99 --> x\n<v Bob>Garbage cue\n";

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-transcript-warnings-"));
  writeFileSync(join(cwd, "bad.vtt"), BAD_VTT);
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
}, 240_000);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory import transcripts of a file with a malformed cue timing line", () => {
  it(
    "imports it without the line, warning with the file and line, the next cue without a time",
    SLOW,
    async () => {
      const run = await factory("import", "transcripts", "bad.vtt");

      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe(
        'warning: bad.vtt:6 "99:99 --> x" is a cue timing line whose times do not parse (hh:mm:ss.ttt --> hh:mm:ss.ttt, hours optional, minutes and seconds up to 59): left out, and the words of its cue have no time\n',
      );
      expect(run.stdout).toBe("captured 1 conversation: bad.vtt (2 speakers, 2 turns)\n");
      const listed = JSON.parse((await factory("knowledge", "list", "--json")).stdout) as { id: string }[];
      const shown = await factory("knowledge", "show", listed[0]?.id ?? "", "--json");
      expect((JSON.parse(shown.stdout) as { body: string }).body).toBe(
        "**Ana** (00:00:01): Hello\n\n**Bob**: Garbage cue",
      );
    },
  );
});

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

/** A Zoom recording's transcript: WebVTT with voice tags. */
const ZOOM_VTT = `WEBVTT

1
00:00:01.000 --> 00:00:04.000
<v Ana Diaz>Thanks for joining. How is checkout going?

2
00:00:05.000 --> 00:00:09.000
<v Sam Lee>Customers abandon the cart when Klarna is missing.

3
00:00:10.000 --> 00:00:12.000
<v Bo Chen>We can add it after the refunds work.
`;

/** A Teams export as SubRip, speakers as `Name:` prefixes. */
const TEAMS_SRT = `1
00:00:01,000 --> 00:00:03,000
Ana Diaz: Is the payment page slow?

2
00:00:04,000 --> 00:00:06,000
Sam Lee: Only on mobile.
`;

/** An Otter export: speaker headings with their time, then the words. */
const OTTER_TXT = `Ana Diaz  0:02
Let's review the refunds backlog.

Sam Lee  0:15
Three customers asked for partial refunds this week.
`;

/** The importer's answer per file, as `--json` prints it. */
interface Imported {
  file: string;
  id: string;
  uri: string;
  title: string;
  outcome: "captured" | "revised" | "unchanged";
  speakers: string[];
  turns: number;
}

const imported = (stdout: string) => JSON.parse(stdout) as Imported[];

const documents = async () => {
  const listed = await factory("knowledge", "list", "--all", "--json");
  expect(listed.code, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout) as {
    id: string;
    kind: string;
    title: string;
    tags: string[];
    lines: string[];
  }[];
};

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-transcripts-"));
  mkdirSync(join(cwd, "calls"));
  writeFileSync(join(cwd, "calls", "call-acme_2026-03-01.vtt"), ZOOM_VTT);
  writeFileSync(join(cwd, "calls", "payments.srt"), TEAMS_SRT);
  writeFileSync(join(cwd, "calls", "refunds.txt"), OTTER_TXT);
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
}, 240_000);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory import transcripts", () => {
  it(
    "captures each file as a conversation with its speakers as tags, and a re-run captures nothing new",
    SLOW,
    async () => {
      const files = ["calls/call-acme_2026-03-01.vtt", "calls/payments.srt", "calls/refunds.txt"];
      const first = await factory(
        "import",
        "transcripts",
        ...files,
        "--line",
        "checkout",
        "--tag",
        "customer:acme",
        "--at",
        "2026-03-01T10:00:00Z",
        "--json",
      );
      expect(first.code, first.stderr).toBe(0);
      expect(imported(first.stdout)).toMatchObject([
        {
          file: files[0],
          uri: "calls/call-acme_2026-03-01.vtt",
          title: "Call acme 2026-03-01",
          outcome: "captured",
          speakers: ["Ana Diaz", "Sam Lee", "Bo Chen"],
          turns: 3,
        },
        {
          file: files[1],
          title: "Payments",
          outcome: "captured",
          speakers: ["Ana Diaz", "Sam Lee"],
          turns: 2,
        },
        {
          file: files[2],
          title: "Refunds",
          outcome: "captured",
          speakers: ["Ana Diaz", "Sam Lee"],
          turns: 2,
        },
      ]);
      const stored = await documents();
      expect(stored).toHaveLength(3);
      const zoom = stored.find((document) => document.title === "Call acme 2026-03-01");
      expect(zoom).toMatchObject({ kind: "conversation", lines: ["checkout"] });
      expect(zoom?.tags).toEqual(
        expect.arrayContaining(["customer:acme", "speaker:ana-diaz", "speaker:sam-lee", "speaker:bo-chen"]),
      );
      const shown = await factory("knowledge", "show", zoom?.id ?? "", "--json");
      expect(JSON.parse(shown.stdout)).toMatchObject({
        body: expect.stringContaining("**Sam Lee** (00:00:05): Customers abandon the cart"),
        source: { system: "transcript", uri: "calls/call-acme_2026-03-01.vtt", author: "tester" },
      });

      const again = await factory(
        "import",
        "transcripts",
        ...files,
        "--line",
        "checkout",
        "--tag",
        "customer:acme",
      );
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toBe(
        "captured 3 conversations (3 unchanged): calls/call-acme_2026-03-01.vtt (3 speakers, 3 turns, unchanged), calls/payments.srt (2 speakers, 2 turns, unchanged), calls/refunds.txt (2 speakers, 2 turns, unchanged)\n",
      );
      expect(await documents()).toHaveLength(3);
    },
  );

  it("revises the document of an edited file, found by its path from another folder", SLOW, async () => {
    writeFileSync(
      join(cwd, "calls", "payments.srt"),
      `${TEAMS_SRT}\n3\n00:00:07,000 --> 00:00:09,000\nBo Chen: I will profile it.\n`,
    );
    const before = (await documents()).find((document) => document.title === "Payments");

    const revised = await runFactory(
      [
        "import",
        "transcripts",
        "payments.srt",
        "--dir",
        "../.factory",
        "--line",
        "checkout",
        "--tag",
        "customer:acme",
        "--json",
      ],
      { cwd: join(cwd, "calls") },
    );

    expect(revised.code, revised.stderr).toBe(0);
    expect(imported(revised.stdout)).toMatchObject([
      {
        id: before?.id,
        uri: "calls/payments.srt",
        outcome: "revised",
        speakers: ["Ana Diaz", "Sam Lee", "Bo Chen"],
      },
    ]);
    expect(await documents()).toHaveLength(3);
  });

  it("refuses every file when one is bad, naming it, and writes none of them", SLOW, async () => {
    writeFileSync(join(cwd, "new-call.vtt"), ZOOM_VTT);
    writeFileSync(join(cwd, "empty.vtt"), "WEBVTT\n\nNOTE nothing was said\n");
    writeFileSync(join(cwd, "latin1.txt"), Buffer.from("Ana: caf\xe9\n", "latin1"));
    writeFileSync(join(cwd, "huge.vtt"), Buffer.alloc(21_000_000, "a"));

    const refused = await factory(
      "import",
      "transcripts",
      "new-call.vtt",
      "empty.vtt",
      "latin1.txt",
      "huge.vtt",
    );

    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/^error: E_VALIDATION: 3 of 4 transcripts refused, nothing imported\n/);
    expect(refused.stderr).toContain("  empty.vtt: holds no turns");
    expect(refused.stderr).toContain("  latin1.txt: 1:9 is not UTF-8 text (save it as UTF-8)");
    expect(refused.stderr).toContain("  huge.vtt: is 21.0 MB, over the 20 MB a transcript");
    for (const [file, problem] of [
      ["missing.vtt", "error: E_NOT_FOUND: no file missing.vtt\n"],
      ["calls", "error: E_NOT_FOUND: no file calls (it is a folder)\n"],
    ]) {
      const missing = await factory("import", "transcripts", "new-call.vtt", file as string);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe(problem);
    }
    expect(await documents()).toHaveLength(3);
  });

  it(
    "refuses a --line the floor plan lacks, and --title with several files, creating nothing",
    SLOW,
    async () => {
      const unknown = await factory("import", "transcripts", "new-call.vtt", "--line", "ghost");
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^error: E_NOT_FOUND: --line: no line "ghost" in the floor plan/);

      const titled = await factory(
        "import",
        "transcripts",
        "new-call.vtt",
        "calls/refunds.txt",
        "--title",
        "Call",
      );
      expect(titled.code).toBe(2);
      expect(titled.stderr).toMatch(/^error: E_USAGE: --title: names one document, and 2 files are given/);

      const fresh = mkdtempSync(join(tmpdir(), "factory-cli-transcripts-fresh-"));
      writeFileSync(join(fresh, "call.vtt"), ZOOM_VTT);
      const intoNone = await runFactory(["import", "transcripts", "call.vtt", "--line", "checkout"], {
        cwd: fresh,
      });
      expect(intoNone.code).toBe(1);
      expect(existsSync(join(fresh, ".factory"))).toBe(false);
      rmSync(fresh, { recursive: true, force: true });
      expect(await documents()).toHaveLength(3);
    },
  );

  it("takes --title, --author and --at for one file, and imports a file given twice once", SLOW, async () => {
    const one = await factory(
      "import",
      "transcripts",
      "new-call.vtt",
      "--title",
      "Acme renewal call",
      "--author",
      "Sam Lee",
      "--at",
      "2026-03-02",
    );
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toBe("captured 1 conversation: new-call.vtt (3 speakers, 3 turns)\n");
    const document = (await documents()).find((found) => found.title === "Acme renewal call");
    const shown = await factory("knowledge", "show", document?.id ?? "", "--json");
    expect(JSON.parse(shown.stdout)).toMatchObject({
      source: {
        system: "transcript",
        uri: "new-call.vtt",
        author: "Sam Lee",
        capturedAt: "2026-03-02T00:00:00.000Z",
      },
    });
    const twice = await factory("import", "transcripts", "new-call.vtt", "./new-call.vtt", "--json");
    expect(imported(twice.stdout)).toMatchObject([
      { file: "new-call.vtt", title: "New call", outcome: "revised" },
    ]);
  });
});

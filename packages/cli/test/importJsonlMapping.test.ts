import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

/** A Zendesk ticket export as the audit's support team had it. */
const TICKETS = [
  {
    id: 4411,
    subject: "PDF missing VAT ID",
    description: "VAT ID missing on PDFs since 3 Feb.",
    created_at: "2026-02-05T09:12:00Z",
    vat: { country: "DE" },
  },
  {
    id: 4412,
    subject: "Dunning mail in English",
    description: "German customers get the English reminder.",
    created_at: 1_770_000_000,
    vat: { country: "FR" },
  },
];

const MAPPING = {
  target: "document",
  kind: "signal",
  id: "id",
  title: "subject",
  body: "description",
  capturedAt: "created_at",
  system: "zendesk",
};

interface Listed {
  id: string;
  title: string;
  source: { system: string; uri: string; capturedAt?: string };
  validFrom: string;
  revisionCount: number;
}

const documents = async (): Promise<Listed[]> => {
  const listed = await factory("knowledge", "list", "--json");
  expect(listed.code, listed.stderr).toBe(0);
  return (JSON.parse(listed.stdout) as Listed[]).sort((a, b) => a.source.uri.localeCompare(b.source.uri));
};

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-jsonl-mapping-"));
  expect((await factory("init")).code).toBe(0);
  writeFileSync(join(cwd, "t.jsonl"), `${TICKETS.map((ticket) => JSON.stringify(ticket)).join("\n")}\n`);
}, 240_000);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory import jsonl --mapping", () => {
  it("dates each document by a mapped capturedAt (a date or an epoch time), not by the import", async () => {
    const imported = await factory("import", "jsonl", "t.jsonl", "--mapping", JSON.stringify(MAPPING));
    expect(imported.stderr).toBe("");
    expect(imported.stdout).toContain("t.jsonl: 2 created");
    const [vat, dunning] = await documents();
    expect(vat?.source).toEqual({
      system: "zendesk",
      uri: "4411",
      capturedAt: "2026-02-05T09:12:00.000Z",
    });
    expect(vat?.validFrom).toBe("2026-02-05T09:12:00.000Z");
    expect(dunning?.source.capturedAt).toBe("2026-02-02T02:40:00.000Z");
  });

  it("refuses a mapping key the target does not take, naming it, the near name and the keys, and writes nothing", async () => {
    const before = await documents();
    const { capturedAt: _, body: __, ...rest } = MAPPING;
    const typo = await factory(
      "import",
      "jsonl",
      "t.jsonl",
      "--mapping",
      JSON.stringify({ ...rest, bdoy: "description" }),
    );
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(
      '--mapping: unknown key "bdoy" (did you mean "body"?); a document mapping takes target, id, title, body, line, tags, system, kind, author, capturedAt',
    );
    // A signal mapping has no capturedAt: it is named, with the keys a signal mapping takes.
    const signal = await factory(
      "import",
      "jsonl",
      "t.jsonl",
      "--mapping",
      JSON.stringify({ target: "signal", id: "id", title: "subject", capturedAt: "created_at" }),
    );
    expect(signal.code).toBe(2);
    expect(signal.stderr).toContain(
      '--mapping: unknown key "capturedAt"; a signal mapping takes target, id, title, body, line, tags, system, severity, customer',
    );
    expect(await documents()).toEqual(before);
  });

  it("refuses a mapped capturedAt that is not a date, naming the line and path, writing nothing", async () => {
    writeFileSync(
      join(cwd, "baddate.jsonl"),
      `${JSON.stringify({ id: 9, subject: "s", description: "d", created_at: "last Tuesday" })}\n`,
    );
    const refused = await factory("import", "jsonl", "baddate.jsonl", "--mapping", JSON.stringify(MAPPING));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'baddate.jsonl:1 created_at: must be a date (2026-02-05T09:12:00Z) or an epoch time (mapped to capturedAt), not "last Tuesday"',
    );
    expect((await documents()).map((document) => document.source.uri)).toEqual(["4411", "4412"]);
  });
});

describe("factory import jsonl of a file that is one JSON document", () => {
  const pretty = { tickets: TICKETS.map((ticket) => ({ ...ticket, id: ticket.id + 100 })) };

  it("reads a pretty-printed export whole: the array at --records, each record at its line", async () => {
    writeFileSync(join(cwd, "zendesk.json"), JSON.stringify(pretty, null, 1));
    const mapping = JSON.stringify({ ...MAPPING, system: "zendesk-export" });
    const bare = await factory("import", "jsonl", "zendesk.json", "--mapping", mapping);
    expect(bare.code).toBe(1);
    expect(bare.stderr.trim().split("\n")).toEqual([
      "error: E_VALIDATION: JSONL file zendesk.json is invalid: zendesk.json:1 (root): holds no JSON array of records: the file is an object; its arrays are at tickets (2 records): pass --records tickets",
    ]);
    const imported = await factory(
      "import",
      "jsonl",
      "zendesk.json",
      "--records",
      "tickets",
      "--mapping",
      mapping,
    );
    expect(imported.stderr).toBe("");
    expect(imported.stdout).toContain("zendesk.json: 2 created, 0 updated");
    const created = (await documents()).filter((document) => document.source.system === "zendesk-export");
    expect(created.map((document) => [document.source.uri, document.source.capturedAt])).toEqual([
      ["4511", "2026-02-05T09:12:00.000Z"],
      ["4512", "2026-02-02T02:40:00.000Z"],
    ]);
    const again = await factory(
      "import",
      "jsonl",
      "zendesk.json",
      "--records",
      "tickets",
      "--mapping",
      mapping,
    );
    expect(again.stdout).toContain("zendesk.json: 0 created, 0 updated, 2 unchanged");
  });

  it("names a record of a pretty-printed array by the line it starts on", async () => {
    const records = [
      { id: 1, subject: "fine", description: "d" },
      { id: 2, description: "no subject" },
    ];
    writeFileSync(join(cwd, "array.json"), JSON.stringify(records, null, 2));
    const refused = await factory("import", "jsonl", "array.json", "--mapping", JSON.stringify(MAPPING));
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split("\n")).toEqual([
      "error: E_VALIDATION: JSONL file array.json is invalid: array.json:7 subject: missing (mapped to title)",
    ]);
  });

  it("says once that a broken pretty-printed file is a JSON document, not JSON Lines", async () => {
    writeFileSync(join(cwd, "broken.json"), JSON.stringify(pretty, null, 1).replace('"vat"', "vat"));
    const refused = await factory(
      "import",
      "jsonl",
      "broken.json",
      "--records",
      "tickets",
      "--mapping",
      "{}",
    );
    // The mapping is refused first; a right one meets the file.
    expect(refused.code).toBe(2);
    const broken = await factory(
      "import",
      "jsonl",
      "broken.json",
      "--records",
      "tickets",
      "--mapping",
      JSON.stringify(MAPPING),
    );
    expect(broken.code).toBe(1);
    const lines = broken.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error: E_VALIDATION: JSONL file broken\.json is invalid: broken\.json:8 \(root\): is one JSON document over several lines \(its first line is "\{"\), not JSON Lines, and it is not valid JSON: /,
    );
  });

  it("refuses a CSV file once, saying it is not read, not one JSON error a line", async () => {
    writeFileSync(
      join(cwd, "tickets.csv"),
      "id,subject,description\n4411,PDF missing VAT ID,VAT ID missing\n",
    );
    const refused = await factory("import", "jsonl", "tickets.csv", "--mapping", JSON.stringify(MAPPING));
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split("\n")).toEqual([
      "error: E_VALIDATION: JSONL file tickets.csv is invalid: tickets.csv:1 (root): is a CSV file, which is not read: convert it to JSON Lines (one JSON object a line) first",
    ]);
  });
});

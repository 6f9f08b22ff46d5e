import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineEvent, openEventLog } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "core-read-filters-"));
  dirs.push(dir);
  return join(dir, "factory.db");
}

const NoteAdded = defineEvent("note.added", z.object({ text: z.string() }));
const note = (subject: string) => ({ type: "note.added", subject, data: { text: subject } });

describe("reading the SQLite log with long filter lists", () => {
  it("filters by 40,001 types or subjects, past SQLite's 32,766 parameters", async () => {
    await using log = await openEventLog({ path: dbPath(), events: [NoteAdded] });
    await log.append([note("a"), note("b"), note("c")]);
    const others = Array.from({ length: 40_000 }, (_, index) => `other.type${index}`);

    const byType = await log.read({ types: [...others, "note.added"] });
    expect(byType.map((event) => event.seq)).toEqual([1, 2, 3]);
    const bySubject = await log.read({ subjects: [...others, "c", "a"], types: ["note.added"] });
    expect(bySubject.map((event) => event.subject)).toEqual(["a", "c"]);
    const paged: number[] = [];
    for await (const event of log.readAll({ types: [...others, "note.added"], pageSize: 2 }))
      paged.push(event.seq);
    expect(paged).toEqual([1, 2, 3]);
    expect(await log.read({ types: [] })).toEqual([]);
  });
});

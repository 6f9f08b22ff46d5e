import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, retryOnConflict } from "@software-factory/core";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { logOver, waitFor } from "./contract/eventStoreContract.js";

const opened: EventLog[] = [];
const dirs: string[] = [];

afterEach(async () => {
  // Closing a store ends the turn held on it, so a write stuck behind one lets go.
  for (const log of opened.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * How long a write turn lasts at most in these tests: five minutes, far past
 * the test's timeout, so a write that waits for a turn to lapse never lands
 * within the test.
 */
const TURN_LASTS_MS = 300_000;

const note = (text: string) => ({ type: "note.added", subject: "plan", data: { text } });

/** A fresh database file in a temporary folder. */
function freshPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "factory-samefile-"));
  dirs.push(dir);
  return join(dir, "factory.db");
}

/** A log on the file at `path`, whose turns last `TURN_LASTS_MS`. */
function openLog(path: string): EventLog {
  const log = logOver(openSqliteEventStore({ path, busyTimeoutMs: 2 * TURN_LASTS_MS }));
  opened.push(log);
  return log;
}

/**
 * A write whose first three attempts each lose through the log `loses` names
 * (another event lands after the attempt read the head), and whose fourth, in
 * its turn, appends through `appends`. Resolves with the events stored.
 */
function scriptedWrite(
  logs: { readonly a: EventLog; readonly b: EventLog },
  script: { readonly loses: readonly ["a" | "b", "a" | "b", "a" | "b"]; readonly appends: "a" | "b" },
) {
  let tried = 0;
  return retryOnConflict(
    async () => {
      tried++;
      const loses = script.loses[tried - 1];
      const through = logs[loses ?? script.appends];
      const head = await through.head();
      if (loses !== undefined) await through.append(note("moves the head"));
      return through.append(note(`decided at ${head}`), { expectedHead: head });
    },
    { attempts: 4, maxBackoffMs: 0 },
  );
}

describe("a write turn on a SQLite file opened twice in one process", () => {
  it("lands a write that lost through one store and appends, in its turn, through another store on the same file", async () => {
    const path = freshPath();
    const a = openLog(path);
    const b = openLog(path);
    const heard: number[] = [];
    await a.subscribe((event) => {
      heard.push(event.seq);
    });

    const stored = await scriptedWrite({ a, b }, { loses: ["a", "a", "a"], appends: "b" });

    expect(stored.map((event) => event.seq)).toEqual([4]);
    // The store that held the turn hears the event appended in it through the other.
    await waitFor(() => heard.length === 4);
    expect(heard).toEqual([1, 2, 3, 4]);
    // The store closed first leaves the other's turns working.
    await a.close();
    const more = await scriptedWrite({ a: b, b }, { loses: ["a", "a", "a"], appends: "a" });
    expect(more.map((event) => event.seq)).toEqual([8]);
  }, 30_000);

  it("takes one turn for a write that lost through both stores on the same file", async () => {
    const path = freshPath();
    const a = openLog(path);
    const b = openLog(path);

    const stored = await scriptedWrite({ a, b }, { loses: ["a", "b", "a"], appends: "b" });

    expect(stored.map((event) => event.seq)).toEqual([4]);
    // The turn ended with the append: both stores append at once again.
    expect((await a.append(note("after"))).map((event) => event.seq)).toEqual([5]);
    expect((await b.append(note("after"))).map((event) => event.seq)).toEqual([6]);
  }, 30_000);
});

import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type EventLog, retryOnConflict } from "@software-factory/core";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { logOver } from "./contract/eventStoreContract.js";

const opened: EventLog[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const log of opened.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const note = (text: string) => ({ type: "note.added", subject: "plan", data: { text } });

function openLog(path: string): EventLog {
  // An append blocked on the file's lock gives up after a second (SQLITE_BUSY).
  const log = logOver(openSqliteEventStore({ path, busyTimeoutMs: 1_000 }));
  opened.push(log);
  return log;
}

describe("a write turn on a SQLite file", () => {
  it("makes an append of the same process through a link to the file wait for it instead of failing busy", async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-link-"));
    dirs.push(dir);
    mkdirSync(join(dir, "data"));
    symlinkSync(join(dir, "data"), join(dir, "link"));
    const direct = openLog(join(dir, "data", "factory.db"));
    const linked = openLog(join(dir, "link", "factory.db"));
    let holding: () => void = () => undefined;
    const inTurn = new Promise<void>((resolve) => {
      holding = resolve;
    });
    let tried = 0;

    const write = retryOnConflict(
      async () => {
        tried++;
        const head = await direct.head();
        if (tried === 1) await direct.append(note("moves the head"));
        else {
          // The last attempt runs in a turn: the other append starts while it holds the file.
          holding();
          await sleep(10);
        }
        return direct.append(note(`decided at ${head}`), { expectedHead: head });
      },
      { attempts: 2, maxBackoffMs: 0 },
    );
    await inTurn;
    const other = await linked.append(note("through the link"));

    expect((await write).map((event) => event.seq)).toEqual([2]);
    expect(other.map((event) => event.seq)).toEqual([3]);
  });
});

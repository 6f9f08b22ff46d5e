import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog, startProjection } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { NoteAdded, NoteRemoved, waitFor } from "./contract/eventStoreContract.js";
import { steppedLog } from "./fixtures/steppedLog.js";

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("startProjection", () => {
  it("folds the existing log, then its own writes at once and other processes' writes as they land", async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-projection-"));
    dirs.push(dir);
    const path = join(dir, "factory.db");
    const writer = await openEventLog({ path, events: [NoteAdded, NoteRemoved] });
    const reader = await openEventLog({ path, events: [NoteAdded, NoteRemoved] });
    await writer.append({ type: "note.added", subject: "n1", data: { text: "first" } });
    await writer.append({ type: "note.removed", subject: "n1", data: { reason: "ignored by type filter" } });

    const texts: string[] = [];
    const projection = await startProjection(reader, {
      types: ["note.added"],
      apply: (event) => void texts.push((event.data as { text: string }).text),
    });
    expect(texts).toEqual(["first"]);
    expect(projection.position).toBe(2);

    await reader.append({ type: "note.added", subject: "n2", data: { text: "mine" } });
    await projection.catchUp();
    expect(texts).toEqual(["first", "mine"]);

    await writer.append({ type: "note.added", subject: "n3", data: { text: "theirs" } });
    await waitFor(() => texts.length === 3);
    expect(texts).toEqual(["first", "mine", "theirs"]);

    await projection.close();
    await writer.close();
    await reader.close();
  });

  it("resolves each of two calls made during a pass only after its own event is folded", async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-projection-"));
    dirs.push(dir);
    const log = await openEventLog({ path: join(dir, "factory.db"), events: [NoteAdded, NoteRemoved] });
    const slow = steppedLog(log);
    let release = () => {};
    const texts: string[] = [];
    const projection = await startProjection(slow.log, {
      live: false,
      apply: (event) => void texts.push((event.data as { text: string }).text),
    });

    await log.append({ type: "note.added", subject: "n1", data: { text: "first" } });
    const atRead = new Promise<void>((reached) => {
      slow.before("read", () => {
        reached();
        return new Promise<void>((resolve) => (release = resolve));
      });
    });
    const running = projection.catchUp();
    await atRead; // the pass has read the head (1) and waits to read up to it
    await log.append({ type: "note.added", subject: "n2", data: { text: "second" } });
    const second = projection.catchUp().then((position) => ({ position, seen: [...texts] }));
    await log.append({ type: "note.added", subject: "n3", data: { text: "third" } });
    const third = projection.catchUp().then((position) => ({ position, seen: [...texts] }));
    release();

    expect(await running).toBe(1);
    expect(await second).toEqual({ position: 3, seen: ["first", "second", "third"] });
    expect(await third).toEqual({ position: 3, seen: ["first", "second", "third"] });
    await projection.close();
    await log.close();
  });
});

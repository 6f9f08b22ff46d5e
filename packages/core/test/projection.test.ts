import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog, startProjection } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { NoteAdded, NoteRemoved, waitFor } from "./contract/eventStoreContract.js";

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
});

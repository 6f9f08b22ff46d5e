import { defineEvent, openEventLog } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { useLogStores } from "./fixtures/logStores.js";

/** A note whose details the schema takes as they are, so the payload holds the caller's own objects. */
const NoteKept = defineEvent("note.kept", z.object({ details: z.record(z.string(), z.unknown()) }));

// The stores that write JSON; the memory store keeps the payload's objects themselves.
const stores = useLogStores({ folder: "core-as-checked-", schema: "checked" }).filter(
  ({ name }) => name !== "memory",
);

describe.each(stores)("an append to the $name store", ({ skip, store }) => {
  it.skipIf(skip)(
    "writes the payload as it was checked, not as the caller changed it while the append ran",
    async () => {
      await using log = await openEventLog({ ...store(), events: [NoteKept] });
      const text = { body: "as checked" };
      const appending = log.append({ type: "note.kept", subject: "note_1", data: { details: { text } } });
      // The append is under way: checked and measured, not yet written.
      text.body = "changed after the check";
      await appending;
      const [event] = await log.read();
      expect(event?.data).toEqual({ details: { text: { body: "as checked" } } });
    },
  );
});

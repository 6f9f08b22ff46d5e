/**
 * `readAutomationFailures` a page at a time: the newest `limit` failures
 * (after the newest `skip`), oldest first as the whole list, with the count
 * of all; a factory with thousands of failed deliveries is read a page at a
 * time by `factory automations failures --limit` and the MCP resource.
 */
import { ValidationError } from "@software-factory/core";
import { defineAutomation, readAutomationFailures } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";
import { CAPTURED, source } from "./capturedDocuments.js";

const { folder, open } = useTempFactories();

/** Refuses every captured document. */
const refuses = defineAutomation({
  name: "refuses",
  description: "Files each captured document with a team that does not exist.",
  on: [CAPTURED],
  retry: { attempts: 1 },
  run: () => {
    throw Object.assign(new Error("no such team"), { code: "E_NO_TEAM" });
  },
});

describe("reading the automations' failures a page at a time", () => {
  it("answers the newest limit failures after the newest skip, oldest first, with the count of all", async () => {
    const factory = await open({ dir: folder("factory-failure-pages-"), automations: [refuses] });
    for (const title of ["One", "Two", "Three", "Four", "Five"])
      await factory.knowledge.capture({ kind: "note", title, body: "b", source });
    await factory.automations?.idle();
    const titles = async (page?: { limit?: number; skip?: number }) => {
      const { failures, count, automations } = await readAutomationFailures(factory.log, "refuses", page);
      expect(automations).toEqual(["refuses"]);
      const read = await factory.log.read({ types: [CAPTURED] });
      const titleOf = new Map(read.map((event) => [event.id, (event.data as { title: string }).title]));
      return { titles: failures.map((failure) => titleOf.get(failure.event.id)), count };
    };

    expect(await titles()).toEqual({ titles: ["One", "Two", "Three", "Four", "Five"], count: 5 });
    expect(await titles({ limit: 2 })).toEqual({ titles: ["Four", "Five"], count: 5 });
    expect(await titles({ limit: 2, skip: 2 })).toEqual({ titles: ["Two", "Three"], count: 5 });
    expect(await titles({ limit: 2, skip: 4 })).toEqual({ titles: ["One"], count: 5 });
    expect(await titles({ limit: 2, skip: 5 })).toEqual({ titles: [], count: 5 });
    expect(await titles({ skip: 3 })).toEqual({ titles: ["One", "Two"], count: 5 });
    expect((await readAutomationFailures(factory.log, "tell-pager", { limit: 2 })).count).toBe(0);
  });

  it("refuses a page that is not whole numbers, naming the field", async () => {
    const factory = await open({ dir: folder("factory-failure-pages-") });
    for (const [page, path] of [
      [{ limit: 0 }, "page.limit"],
      [{ skip: -1 }, "page.skip"],
      [{ limit: 1.5 }, "page.limit"],
      [{ newest: 3 }, "page"],
    ] as const) {
      const refused = await readAutomationFailures(factory.log, undefined, page as never).catch(
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).issues.map((issue) => issue.path)).toEqual([path]);
    }
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

interface Captured {
  id: string;
  kind: string;
  body: string;
  outcome: string;
  source: { system: string; uri?: string; author?: string; capturedAt?: string };
  validFrom: string;
  revisions: unknown[];
}

const capture = async (...args: string[]): Promise<Captured> => {
  const captured = await factory("knowledge", "capture", "--json", ...args);
  expect(captured.code, captured.stderr).toBe(0);
  return JSON.parse(captured.stdout) as Captured;
};

const titled = async (title: string): Promise<string[]> => {
  const listed = await factory("knowledge", "list", "--all", "--json");
  expect(listed.code, listed.stderr).toBe(0);
  return (JSON.parse(listed.stdout) as { id: string; title: string }[])
    .filter((document) => document.title === title)
    .map((document) => document.id);
};

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-capture-source-"));
  expect((await factory("init")).code).toBe(0);
}, 240_000);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory knowledge capture --file", () => {
  it("keeps one document per file: captured again it is unchanged, edited it is revised", async () => {
    writeFileSync(join(cwd, "glossary.md"), "# Glossary\nSkonto: early payment discount.\n");
    const args = ["--kind", "note", "--title", "Glossary", "--file", "glossary.md"];
    const first = await capture(...args);
    expect(first.outcome).toBe("captured");
    expect(first.source).toMatchObject({ system: "cli", uri: join(cwd, "glossary.md") });

    const again = await factory("knowledge", "capture", ...args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe(
      `unchanged ${first.id}: ${join(cwd, "glossary.md")} already reads so (revision 1)`,
    );

    writeFileSync(join(cwd, "glossary.md"), "# Glossary\nSkonto: early payment discount (2 %).\n");
    const edited = await factory("knowledge", "capture", ...args);
    expect(edited.stdout.trim()).toBe(
      `revised ${first.id}: revision 2, captured again from ${join(cwd, "glossary.md")}`,
    );
    expect(await titled("Glossary")).toEqual([first.id]);
    const revised = await capture(...args, "--tag", "finance");
    expect([revised.id, revised.outcome, revised.revisions.length]).toEqual([first.id, "revised", 3]);
  });

  it("refuses another --kind for a file that has a document, naming the flag, writing nothing", async () => {
    writeFileSync(join(cwd, "steps.md"), "Restart the worker.\n");
    const first = await capture("--kind", "runbook", "--title", "Steps", "--file", "steps.md");
    const refused = await factory(
      "knowledge",
      "capture",
      "--kind",
      "note",
      "--title",
      "Steps",
      "--file",
      "steps.md",
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `--kind: document ${first.id} holds ${join(cwd, "steps.md")}, and capturing it again revises that document, which keeps its kind: give --kind runbook`,
    );
    expect(await titled("Steps")).toEqual([first.id]);
  });

  it("captures anew a file whose document was retracted", async () => {
    writeFileSync(join(cwd, "old.md"), "Old words.\n");
    const first = await capture("--kind", "note", "--title", "Old", "--file", "old.md");
    expect((await factory("knowledge", "retract", first.id, "--reason", "wrong file")).code).toBe(0);
    const anew = await capture("--kind", "note", "--title", "Old", "--file", "old.md");
    expect(anew.outcome).toBe("captured");
    expect(anew.id).not.toBe(first.id);
  });
});

describe("factory knowledge capture --author --at", () => {
  it("records who said it and when, which dates the document", async () => {
    const captured = await capture(
      "--kind",
      "conversation",
      "--title",
      "Call with Ledgerly's CFO",
      "--body",
      "Dunning mails must go out in German.",
      "--author",
      "Olu Adeyemi",
      "--at",
      "2026-03-24T10:30:00+02:00",
    );
    expect(captured.source).toEqual({
      system: "cli",
      author: "Olu Adeyemi",
      capturedAt: "2026-03-24T08:30:00.000Z",
    });
    expect(captured.validFrom).toBe("2026-03-24T08:30:00.000Z");
    const shown = await factory("knowledge", "show", captured.id);
    expect(shown.stdout).toContain("source:    cli by Olu Adeyemi, 2026-03-24T08:30:00.000Z");
    const before = await factory("knowledge", "show", captured.id, "--as-of", "2026-03-24");
    expect(before.code).toBe(1);
    // Neither given: the actor is the author, and the capture's time its date.
    const now = await capture("--kind", "note", "--title", "Now", "--body", "Said now.");
    expect(now.source.author).toBe("tester");
    expect(now.source.capturedAt).toBeUndefined();
  });

  it("refuses an --at that is no date and a blank --author, naming the flag", async () => {
    const at = await factory(
      "knowledge",
      "capture",
      "--kind",
      "note",
      "--title",
      "T",
      "--body",
      "b",
      "--at",
      "last Tuesday",
    );
    expect(at.code).toBe(2);
    expect(at.stderr).toMatch(/^error: E_USAGE: --at: /);
    const author = await factory(
      "knowledge",
      "capture",
      "--kind",
      "note",
      "--title",
      "T",
      "--body",
      "b",
      "--author",
      " ",
    );
    expect(author.code).toBe(2);
    expect(author.stderr).toMatch(/^error: E_USAGE: --author: /);
    expect(await titled("T")).toEqual([]);
  });
});

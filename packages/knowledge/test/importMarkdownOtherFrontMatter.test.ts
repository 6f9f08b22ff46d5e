import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importMarkdownFolder } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-import-other-front-matter-");

/** A folder of the given files (name to text) in the temp dir. */
function folderOf(files: Record<string, string>): string {
  const folder = join(temp.dir, "site");
  mkdirSync(folder, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
  return folder;
}

/** The same front matter as Jekyll writes it (YAML) and as Hugo writes it (TOML). */
const YAML_POST = `---
title: Retry budget
kind: runbook
tags: [payments, retries]
author: ana
date: 2026-05-01T10:00:00+02:00
validFrom: 2026-05-02
---
# Retries

Back off for at most 30 seconds.
`;
const TOML_POST = `+++
title = "Retry budget"
kind = "runbook"
tags = ["payments", "retries"]
author = "ana"
date = 2026-05-01T10:00:00+02:00
validFrom = 2026-05-02
+++
# Retries

Back off for at most 30 seconds.
`;

describe("importMarkdownFolder and front matter other generators write", () => {
  it("reads Hugo's TOML front matter between +++ lines as the same fields, dates and instants as YAML's", async () => {
    const folder = folderOf({ "jekyll.md": YAML_POST, "hugo.md": TOML_POST });
    const report = await importMarkdownFolder(temp.kb, folder);
    expect(report).toMatchObject({ captured: 2, problems: [] });
    const jekyll = await temp.kb.bySource(report.system, "jekyll.md");
    const hugo = await temp.kb.bySource(report.system, "hugo.md");
    expect(hugo).toMatchObject({
      kind: "runbook",
      title: "Retry budget",
      tags: ["payments", "retries"],
      body: "# Retries\n\nBack off for at most 30 seconds.\n",
      validFrom: "2026-05-02T00:00:00.000Z",
      source: { author: "ana", capturedAt: "2026-05-01T08:00:00.000Z" },
    });
    for (const field of ["kind", "title", "tags", "body", "validFrom", "source"] as const) {
      expect(hugo?.[field], field).toEqual(
        field === "source" ? { ...jekyll?.source, uri: "hugo.md" } : jekyll?.[field],
      );
    }
  });

  it("gives a TOML local date-time the instant YAML gives the same unquoted text", async () => {
    const folder = folderOf({
      "yaml.md": "---\ndate: 2026-05-01T10:00:00\n---\nLocal time.\n",
      "toml.md": "+++\ndate = 2026-05-01T10:00:00\n+++\nLocal time.\n",
    });
    const report = await importMarkdownFolder(temp.kb, folder);
    expect(report).toMatchObject({ captured: 2, problems: [] });
    const yaml = await temp.kb.bySource(report.system, "yaml.md");
    const toml = await temp.kb.bySource(report.system, "toml.md");
    expect(toml?.source.capturedAt).toBe(yaml?.source.capturedAt);
    expect(toml?.source.capturedAt).toBe(new Date("2026-05-01T10:00:00").toISOString());
  });

  it("reports malformed TOML, a bad TOML field and an unclosed +++ at their line and column in the file", async () => {
    const folder = folderOf({
      "broken.md": '+++\ntitle = "Retries"\ntags = ["a",, "b"]\n+++\nBody.\n',
      "kind.md": '+++\ntitle = "Retries"\nkind =   "nonsense"\n\n[params]\nkind = "inner"\n+++\nBody.\n',
      "open.md": '+++\ntitle = "Retries"\nBody without a closing line.\n',
      "fine.md": '+++\ntitle = "Fine"\n+++\nBody.\n',
    });
    const report = await importMarkdownFolder(temp.kb, folder);
    expect(report.captured).toBe(1);
    const byItem = Object.fromEntries(report.problems.map((problem) => [problem.item, problem]));
    expect(byItem["broken.md"]).toMatchObject({ line: 3, column: 13 });
    expect(byItem["broken.md"]?.message).toMatch(/^front matter: [^\n]+$/);
    expect(byItem["kind.md"]).toMatchObject({ line: 3, column: 10 });
    expect(byItem["kind.md"]?.message).toMatch(/^front matter field kind: /);
    expect(byItem["open.md"]).toMatchObject({ line: 1, column: 1 });
    expect(byItem["open.md"]?.message).toContain("no `+++` line closes");
  });

  it("reads Pandoc's and R Markdown's YAML front matter closed by ... and writes nothing when imported again", async () => {
    const folder = folderOf({
      "pandoc.md":
        "---\ntitle: Quarterly review\ntags: [review]\ndate: 2026-04-01\n...\n\nNumbers went up.\n",
    });
    const report = await importMarkdownFolder(temp.kb, folder);
    expect(report).toMatchObject({ captured: 1, problems: [] });
    expect(await temp.kb.bySource(report.system, "pandoc.md")).toMatchObject({
      title: "Quarterly review",
      tags: ["review"],
      body: "\nNumbers went up.\n",
      source: { capturedAt: "2026-04-01T00:00:00.000Z" },
    });
    const head = await temp.log.head();
    expect(await importMarkdownFolder(temp.kb, folder)).toMatchObject({ captured: 0, unchanged: 1 });
    expect(await temp.log.head()).toBe(head);
  });
});

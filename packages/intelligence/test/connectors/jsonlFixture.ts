/**
 * What the JSONL import tests share: a Zendesk-style ticket export, a mapping
 * of its lines to signals, one of lines to feedback artifacts, and a temp
 * folder to write JSONL files in.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/** A Zendesk-style ticket export, one JSON object per line. */
export const TICKETS = [
  {
    id: 35436,
    subject: "Refund never arrived",
    description: "I returned the shoes two weeks ago.",
    priority: "high",
    via: { channel: "email" },
    requester: { name: "Jane Doe" },
    custom: { line: "billing" },
    tags: ["refund", "vip"],
  },
  {
    id: 35437,
    subject: "Basket empties itself",
    description: "Every time I log in.",
    priority: "critical",
    requester: { name: "Max Muster" },
    custom: { line: "cart" },
    tags: "basket,login",
  },
]
  .map((ticket) => JSON.stringify(ticket))
  .join("\n");

/** Maps a {@link TICKETS} line to a signal of system `zendesk`. */
export const signalMapping = {
  target: "signal",
  id: "id",
  title: "subject",
  body: "description",
  severity: "priority",
  customer: "requester.name",
  line: "custom.line",
  tags: "tags",
  system: "zendesk",
} as const;

/** Maps a line's `id` and `subject` to a feedback artifact of system `zd`. */
export const feedbackMapping = {
  target: "artifact",
  kind: "feedback",
  id: "id",
  title: "subject",
  system: "zd",
} as const;

/**
 * A temp folder for the calling test file's JSONL files, removed after its
 * tests, and `write`, which writes a file there and returns its path.
 */
export function jsonlFolder(): { folder: string; write(name: string, text: string): string } {
  const folder = mkdtempSync(join(tmpdir(), "factory-jsonl-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  return {
    folder,
    write(name, text) {
      const file = join(folder, name);
      writeFileSync(file, text);
      return file;
    },
  };
}

/**
 * An issue export's or a JSON Lines file's records refused in the SDK's
 * words: what each value must be, at a path with its list indexes in
 * brackets (`[4].labels[0].name: must be a string, not a number`), one
 * problem a value, and where a JSON Lines file's lines hold their records.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Factory, importIssues, importJsonl } from "../../src/index.js";
import { openTestFactory } from "./testFactory.js";

const dir = mkdtempSync(join(tmpdir(), "factory-record-words-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` to `name` in the temp folder; its path. */
function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The ValidationError a call rejects with. */
async function refusal(call: Promise<unknown>): Promise<ValidationError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

/** A `gh issue list --json` export, one element a line, whose elements 1 to 6 are of the wrong shape. */
const WRONG_SHAPES = `[
  {"number": 1, "title": "Refunds fail", "labels": [], "state": "OPEN", "url": "https://github.com/acme/shop/issues/1"},
  {"number": "2", "title": 5, "labels": [], "state": "OPEN", "url": "https://github.com/acme/shop/issues/2"},
  {"title": "No number", "labels": "bug", "state": "OPEN"},
  "an issue",
  {"number": 5, "title": "Labels", "labels": [{"name": 5}, {"name": ""}], "state": "OPEN", "url": "https://github.com/acme/shop/issues/5"},
  {"number": 6, "title": "Login", "state": "OPEN", "url": "https://github.com/acme/shop/issues/6", "author": {"login": []}},
  {"number": 7.5, "title": "Half", "state": "OPEN", "url": "issues/7", "createdAt": "yesterday"}
]
`;

describe("importIssues refusing records of the wrong shape", () => {
  let factory: Factory;
  let remove: () => Promise<void>;

  beforeEach(async () => {
    ({ factory, remove } = await openTestFactory());
  });
  afterEach(async () => remove());

  it("says what each value must be, at its element and field with list indexes in brackets, and writes nothing", async () => {
    const file = write("issues.json", WRONG_SHAPES);
    const head = await factory.log.head();
    const error = await refusal(importIssues(factory, { file, format: "github", as: "signals" }));
    const expected = [
      [3, "[1].number", "must be a number, not a string"],
      [3, "[1].title", "must be a string, not a number"],
      [4, "[2].number", "required (a number)"],
      [4, "[2].labels", "must be a list, not a string"],
      [4, "[2].url", "required (a string)"],
      [5, "[3]", "must be a JSON object, not a string"],
      [6, "[4].labels[0].name", "must be a string, not a number"],
      [6, "[4].labels[1].name", "must not be empty"],
      // One problem for the login: a list is not also a text too short.
      [7, "[5].author.login", "must be a string, not a list"],
      [8, "[6].number", "must be a whole number"],
      [8, "[6].url", "must be a URL"],
      [8, "[6].createdAt", "must be an ISO 8601 instant, as 2026-11-20T09:12:44Z"],
    ] as const;
    expect(error.issues).toEqual(expected.map(([line, path, message]) => ({ path, message, file, line })));
    expect(error.message).toBe(
      `GitHub issue export is invalid: ${expected.map(([line, path, message]) => `${file}:${line} ${path}: ${message}`).join("; ")}`,
    );
    expect(await factory.log.head()).toBe(head);
  });

  it("words a GitLab element's problems the same way", async () => {
    const file = write(
      "gitlab.json",
      JSON.stringify([
        {
          iid: 0,
          title: "Refunds",
          state: "opened",
          labels: ["bug", 3],
          web_url: "not a url",
          author: "ana",
        },
      ]),
    );
    const error = await refusal(importIssues(factory, { file, format: "gitlab", as: "signals" }));
    expect(error.issues.map(({ path, message }) => `${path}: ${message}`)).toEqual([
      "[0].iid: must be more than 0",
      "[0].labels[1]: must be a string or a JSON object, not a number",
      "[0].web_url: must be a URL",
      "[0].author: must be a JSON object, not a string",
    ]);
  });
});

describe("importJsonl on a file whose lines hold their records under a key", () => {
  let factory: Factory;
  let remove: () => Promise<void>;

  beforeEach(async () => {
    ({ factory, remove } = await openTestFactory());
  });
  afterEach(async () => remove());

  // Slack's conversations.history, one page a line.
  const pages = `${[
    { ok: true, messages: [{ id: "1.1", text: "deploy is stuck" }], has_more: true },
    { ok: true, messages: [{ id: "1.2", text: "rollback done" }] },
  ]
    .map((page) => JSON.stringify(page))
    .join("\n")}\n`;
  const mapping = { target: "signal", id: "id", title: "text", system: "slack" } as const;

  it("says where the arrays are and the records option to pass, after the missing fields, and only then", async () => {
    const file = write("history.jsonl", `\n${pages}`);
    const error = await refusal(importJsonl(factory, { file, mapping }));
    const hint =
      'holds its records under a key: its arrays are at messages (1 record): pass records: "messages"';
    expect(error.issues).toEqual([
      { path: "id", message: "missing (mapped to id)", file, line: 2 },
      { path: "text", message: "missing (mapped to title)", file, line: 2 },
      { path: "id", message: "missing (mapped to id)", file, line: 3 },
      { path: "text", message: "missing (mapped to title)", file, line: 3 },
      { path: "(root)", message: hint, file, line: 2 },
    ]);
    expect(error.message).toBe(
      `JSONL file ${file} is invalid: ${file}:2 id: missing (mapped to id); ${file}:2 text: missing (mapped to title); ${file}:3 id: missing (mapped to id); ${file}:3 text: missing (mapped to title); ${file}:2 (root): ${hint}`,
    );
    expect(await importJsonl(factory, { file, mapping, records: "messages" })).toMatchObject({
      created: 2,
      problems: [],
    });

    // No hint where a line holds no array, or where a line has another problem.
    const flat = write("flat.jsonl", `${JSON.stringify({ key: "1.1", text: "deploy is stuck" })}\n`);
    expect((await refusal(importJsonl(factory, { file: flat, mapping }))).issues).toEqual([
      { path: "id", message: "missing (mapped to id)", file: flat, line: 1 },
    ]);
    const broken = write("broken.jsonl", `${pages}{not json\n`);
    const issues = (await refusal(importJsonl(factory, { file: broken, mapping }))).issues;
    expect(
      issues.map((issue) => issue.message).some((message) => message.includes("records under a key")),
    ).toBe(false);
  });
});

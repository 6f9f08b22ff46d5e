/**
 * `factory knowledge link` and `unlink`: the SDK's `link` and `unlink` from a
 * shell, with `--idempotency-key`. The built bin, run as a subprocess, on a
 * real SQLite file, checked through the SDK.
 */
import type { KnowledgeDocument } from "@software-factory/knowledge";
import { describe, expect, it } from "vitest";
import { firstLine, SLOW, useShopFactory } from "./shopFactory.js";

const { factory, withSdk } = useShopFactory("factory-knowledge-links-", { actor: "ana" });

/** Notes captured through the SDK, one per title; their ids. */
const notes = (...titles: string[]) =>
  withSdk(async (sdk) => {
    const ids: string[] = [];
    for (const title of titles)
      ids.push(
        (await sdk.knowledge.capture({ kind: "note", title, body: `${title}.`, source: { system: "test" } }))
          .id,
      );
    return ids;
  });

const documentOf = (id: string) => withSdk((sdk) => sdk.knowledge.get(id)) as Promise<KnowledgeDocument>;

describe("factory knowledge link and unlink", () => {
  it("adds and removes a typed link, in text and in JSON, and says when nothing changed", SLOW, async () => {
    const [from, to] = (await notes("Refunds take three days", "Refund runbook")) as [string, string];

    const linked = await factory("knowledge", "link", from, "--type", "informs", "--target", to);
    expect(linked.code, linked.stderr).toBe(0);
    expect(linked.stdout).toBe(`linked ${from} to ${to} (informs)\n`);
    const again = await factory("knowledge", "link", from, "--type", "informs", "--target", to);
    expect(again.stdout, again.stderr).toBe(`${from} already links to ${to} (informs): nothing changed\n`);
    const json = await factory(
      "knowledge",
      "link",
      from,
      "--type",
      "relatesTo",
      "--target",
      "wi_0001",
      "--json",
    );
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: from,
      links: [
        { type: "informs", target: to },
        { type: "relatesTo", target: "wi_0001" },
      ],
    });
    expect(JSON.parse(json.stdout).revisions[0].body).toBeUndefined();

    const unlinked = await factory("knowledge", "unlink", from, "--type", "informs", "--target", to);
    expect(unlinked.code, unlinked.stderr).toBe(0);
    expect(unlinked.stdout).toBe(`unlinked ${from} from ${to} (informs)\n`);
    const none = await factory("knowledge", "unlink", from, "--type", "informs", "--target", to, "--json");
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout).links).toEqual([{ type: "relatesTo", target: "wi_0001" }]);
    const text = await factory("knowledge", "unlink", from, "--type", "informs", "--target", to);
    expect(text.stdout).toBe(`${from} has no informs link to ${to}: nothing changed\n`);
    expect((await documentOf(from)).links).toEqual([{ type: "relatesTo", target: "wi_0001" }]);
  });

  it(
    "refuses malformed flags with E_USAGE naming the flag, and an unknown <id> with E_NOT_FOUND",
    SLOW,
    async () => {
      const [from, to] = (await notes("Chargebacks", "Chargeback runbook")) as [string, string];
      for (const command of ["link", "unlink"]) {
        const type = await factory("knowledge", command, from, "--type", "Relates To", "--target", to);
        expect(type.code, command).toBe(2);
        expect(firstLine(type)).toBe(
          'error: E_USAGE: --type: link types are one word of letters, digits or hyphens starting with a lowercase letter, such as relatesTo, informs, evidenceFor (got "Relates To")',
        );
        const target = await factory("knowledge", command, from, "--type", "informs", "--target", " ");
        expect(target.code, command).toBe(2);
        expect(firstLine(target)).toBe('error: E_USAGE: --target: must not be empty (got " ")');
        const missing = await factory("knowledge", command, from, "--target", to);
        expect(missing.code, command).toBe(2);
        expect(firstLine(missing)).toBe("error: E_USAGE: required option '--type <type>' not specified");
        const key = await factory(
          "knowledge",
          command,
          from,
          "--type",
          "informs",
          "--target",
          to,
          "--idempotency-key",
          "",
        );
        expect(key.code, command).toBe(2);
        expect(firstLine(key)).toBe('error: E_USAGE: --idempotency-key: must not be empty (got "")');
        const unknown = await factory("knowledge", command, "doc_nope", "--type", "informs", "--target", to);
        expect(unknown.code, command).toBe(1);
        expect(firstLine(unknown)).toBe(
          'error: E_NOT_FOUND: <id>: no document "doc_nope" (see factory knowledge list)',
        );
      }
      expect((await documentOf(from)).links).toEqual([]);
    },
  );

  it(
    "refuses a link to a retracted document, and any link change of one, with E_RETRACTED",
    SLOW,
    async () => {
      const [from, to] = (await notes("Payout schedule", "Old payout schedule")) as [string, string];
      expect((await factory("knowledge", "link", from, "--type", "relatesTo", "--target", to)).code).toBe(0);
      expect((await factory("knowledge", "retract", to, "--reason", "outdated")).code).toBe(0);

      const toRetracted = await factory("knowledge", "link", from, "--type", "informs", "--target", to);
      expect(toRetracted.code).toBe(1);
      expect(toRetracted.stdout).toBe("");
      expect(firstLine(toRetracted)).toMatch(
        new RegExp(
          `^error: E_RETRACTED: link of ${from}: target names document ${to} \\("Old payout schedule"\\), which was retracted at \\S+ \\(outdated\\) and cannot be linked to;`,
        ),
      );
      const fromRetracted = await factory("knowledge", "link", to, "--type", "informs", "--target", from);
      expect(fromRetracted.code).toBe(1);
      expect(firstLine(fromRetracted)).toMatch(
        new RegExp(
          `^error: E_RETRACTED: document ${to} \\("Old payout schedule"\\) was retracted .* cannot be linked;`,
        ),
      );
      expect((await documentOf(from)).links).toEqual([{ type: "relatesTo", target: to }]);

      // A link made before its target was retracted may still be removed.
      const removed = await factory("knowledge", "unlink", from, "--type", "relatesTo", "--target", to);
      expect(removed.stdout, removed.stderr).toBe(`unlinked ${from} from ${to} (relatesTo)\n`);
    },
  );
});

describe("factory knowledge link and unlink --idempotency-key", () => {
  it.each(["link", "unlink"])(
    "%s: a retry with the key writes once and prints the same document; the key for another link is refused",
    SLOW,
    async (command) => {
      const [from, to, other] = (await notes(`${command} from`, `${command} to`, `${command} other`)) as [
        string,
        string,
        string,
      ];
      if (command === "unlink")
        await withSdk(async (sdk) => {
          await sdk.knowledge.link(from, { type: "informs", target: to });
          await sdk.knowledge.link(from, { type: "informs", target: other });
        });
      const key = `ci-${command}-1`;
      const run = (target: string) =>
        factory(
          "knowledge",
          command,
          from,
          "--type",
          "informs",
          "--target",
          target,
          "--idempotency-key",
          key,
          "--json",
        );

      const first = await run(to);
      expect(first.code, first.stderr).toBe(0);
      const retried = await run(to);
      expect(retried.code, retried.stderr).toBe(0);
      expect(JSON.parse(retried.stdout)).toEqual(JSON.parse(first.stdout));

      const before = await documentOf(from);
      const reused = await run(other);
      expect(reused.code).toBe(1);
      expect(firstLine(reused)).toBe(
        `error: E_IDEMPOTENCY_CONFLICT: --idempotency-key: idempotency key "${key}" was already used for another write, not to ${command} ${from} ${command === "link" ? "to" : "from"} ${other} (informs); use a new key`,
      );
      const after = await documentOf(from);
      expect(after).toEqual(before);
      expect(after.links).toEqual(
        command === "link" ? [{ type: "informs", target: to }] : [{ type: "informs", target: other }],
      );
    },
  );
});

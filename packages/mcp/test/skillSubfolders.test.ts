import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Client, ResourceNotFoundError } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { connectToServer, useSeededFolder } from "./fixtures.js";

/** A skill whose files are in a folder the Agent Skills format does not name, two levels deep. */
const seeded = useSeededFolder(({ dir }) => {
  const forms = join(dir, "skills", "fill-forms", "templates", "forms");
  mkdirSync(forms, { recursive: true });
  writeFileSync(
    join(dir, "skills", "fill-forms", "SKILL.md"),
    "---\nname: fill-forms\ndescription: Fills a PDF form from a template\n---\nRead templates/forms/ first.\n",
  );
  writeFileSync(join(forms, "form.md"), "# Form\n\nName, date.\n");
});

const uri = (path: string) => `skill://fill-forms/${path}`;

/** Every resource URI the server lists, page after page. */
async function listedUris(client: Client): Promise<string[]> {
  const uris: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listResources(cursor === undefined ? {} : { cursor });
    uris.push(...page.resources.map((resource) => resource.uri));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return uris;
}

/** The text of a resource, or the message it is refused with. */
async function readText(client: Client, at: string): Promise<string> {
  try {
    const read = await client.readResource({ uri: at });
    const [contents] = read.contents;
    return contents !== undefined && "text" in contents ? contents.text : JSON.stringify(contents);
  } catch (error) {
    return `refused: ${error instanceof ResourceNotFoundError ? "not found: " : ""}${(error as Error).message}`;
  }
}

/** Bounded waits: the server reloads about 100 ms after a change. */
const within = { timeout: 15_000, interval: 50 };

describe("factory-mcp follows the whole folder of a skill", () => {
  it.each([
    ["2025-11-25", "legacy" as const],
    ["2026-07-28", { pin: "2026-07-28" } as const],
  ])(
    "serves a file edited, added or deleted under templates/forms/ while it runs, and a folder made there, telling the client the resources changed (protocol %s)",
    async (_protocol, mode) => {
      const forms = join(seeded.dir, "skills", "fill-forms", "templates", "forms");
      let changes = 0;
      const client = await connectToServer(
        "skill-subfolders-test",
        ["--dir", seeded.dir, "--actor", "agent"],
        {
          client: {
            versionNegotiation: { mode },
            listChanged: { resources: { autoRefresh: false, onChanged: () => changes++ } },
          },
        },
      );
      try {
        expect(await listedUris(client)).toContain(uri("templates/forms/form.md"));
        expect(await readText(client, uri("templates/forms/form.md"))).toBe("# Form\n\nName, date.\n");

        writeFileSync(join(forms, "form.md"), "# Form\n\nName, date, signature.\n");
        await expect
          .poll(() => readText(client, uri("templates/forms/form.md")), within)
          .toBe("# Form\n\nName, date, signature.\n");

        writeFileSync(join(forms, "viewer.html"), "<p>viewer</p>\n");
        await expect.poll(() => listedUris(client), within).toContain(uri("templates/forms/viewer.html"));
        await expect.poll(() => changes, within).toBeGreaterThan(0);
        expect(await readText(client, uri("templates/forms/viewer.html"))).toBe("<p>viewer</p>\n");

        let before = changes;
        rmSync(join(forms, "form.md"));
        await expect.poll(() => listedUris(client), within).not.toContain(uri("templates/forms/form.md"));
        await expect.poll(() => changes, within).toBeGreaterThan(before);
        expect(await readText(client, uri("templates/forms/form.md"))).toMatch(
          /^refused: not found: .*skill "fill-forms" has no file "templates\/forms\/form\.md"; it has: templates\/forms\/viewer\.html$/,
        );

        // A folder made while the server runs is followed too, as deep as it goes.
        mkdirSync(join(forms, "letters", "signed"), { recursive: true });
        writeFileSync(join(forms, "letters", "signed", "thanks.md"), "Thank you.\n");
        await expect
          .poll(() => listedUris(client), within)
          .toContain(uri("templates/forms/letters/signed/thanks.md"));
        before = changes;
        writeFileSync(join(forms, "letters", "signed", "welcome.md"), "Welcome.\n");
        await expect
          .poll(() => listedUris(client), within)
          .toContain(uri("templates/forms/letters/signed/welcome.md"));
        await expect.poll(() => changes, within).toBeGreaterThan(before);
      } finally {
        await client.close();
        // Leaves the skill as the other protocol's run finds it.
        rmSync(join(forms, "letters"), { recursive: true, force: true });
        rmSync(join(forms, "viewer.html"), { force: true });
        writeFileSync(join(forms, "form.md"), "# Form\n\nName, date.\n");
      }
    },
    120_000,
  );

  it("watches at most 1,000 folders, leaving a skill with thousands of them the deepest unwatched and the other skills theirs, and says so on stderr", async () => {
    const big = join(seeded.dir, "skills", "many-folders");
    const forms = join(seeded.dir, "skills", "fill-forms", "templates", "forms");
    mkdirSync(big);
    writeFileSync(
      join(big, "SKILL.md"),
      "---\nname: many-folders\ndescription: Holds a folder per case\n---\nRead cases/.\n",
    );
    for (let index = 0; index < 1200; index++) {
      mkdirSync(join(big, "cases", `case-${String(index).padStart(4, "0")}`), { recursive: true });
    }
    let stderr = "";
    const client = await connectToServer("skill-subfolders-test", ["--dir", seeded.dir, "--actor", "agent"], {
      onStderr: (text) => {
        stderr += text;
      },
    });
    try {
      // 1,207 folders: the factory folder, skills/, 2 skills, cases/ and its 1,200, templates/ and forms/.
      await expect
        .poll(() => stderr, within)
        .toContain(
          `@software-factory/mcp: following ${join(seeded.dir, "skills")} takes 1,207 folder watches, over the 1,000 a server makes: the 207 deepest folders of the largest skills are not watched, so a change in them is seen at the next change in a watched one\n`,
        );

      // The last case folder is past the limit: a file there is seen with the next change of a watched folder.
      writeFileSync(join(big, "cases", "case-1199", "notes.md"), "Unwatched.\n");
      writeFileSync(join(forms, "late.md"), "Watched.\n");
      await expect.poll(() => listedUris(client), within).toContain(uri("templates/forms/late.md"));
      expect(await listedUris(client)).toContain("skill://many-folders/cases/case-1199/notes.md");
      expect(stderr.match(/folder watches/g)).toHaveLength(1);
    } finally {
      await client.close();
      rmSync(big, { recursive: true, force: true });
      rmSync(join(forms, "late.md"), { force: true });
    }
  }, 120_000);
});

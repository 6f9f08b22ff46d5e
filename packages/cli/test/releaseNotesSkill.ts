/** An instruction skill, `release-notes`, as a factory loads it from `.factory/skills/`. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The skill's SKILL.md: its name and description, then its instructions. */
export const RELEASE_NOTES_MD = `---
name: release-notes
description: Write release notes from the work items done since the last release.
---
# Release notes

List the done work items by line, one sentence each.
`;

/** Writes {@link RELEASE_NOTES_MD} as `.factory/skills/release-notes/SKILL.md` in `folder`. */
export function writeReleaseNotesSkill(folder: string): void {
  mkdirSync(join(folder, ".factory", "skills", "release-notes"), { recursive: true });
  writeFileSync(join(folder, ".factory", "skills", "release-notes", "SKILL.md"), RELEASE_NOTES_MD);
}

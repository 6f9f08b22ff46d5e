import { basename, dirname, posix } from "node:path";
import { cutText, firstSafeLine } from "@software-factory/core";
import type { DocumentKind } from "@software-factory/knowledge";
import { markdownSections, parseDecisionRecord, parseFrontMatter } from "@software-factory/knowledge";
import type { ProposedDocument, ProposedLine } from "../proposal.js";
import { lineOfFile, type RepoFiles } from "./files.js";
import { withoutDelimited } from "./internal/text-delimited.js";
import { readSmallFile } from "./internal/unreadable.js";

/** Files larger than this are not read. */
const MAX_BYTES = 1024 * 1024;
const MARKDOWN = /\.(?:md|markdown|mdx)$/i;
const SKIPPED = /(?:^|\/)(?:node_modules|dist)\//;
/** Folders that hold ADRs, wherever they sit in the repository. */
const ADR_FOLDERS = [
  "docs/adr",
  "docs/adrs",
  "doc/adr",
  "doc/adrs",
  "docs/decisions",
  "doc/decisions",
  "doc/architecture/decisions",
  "docs/architecture/decisions",
];

/** How a document was recognised (the evidence method). */
type DocumentMethod = "adr-madr" | "adr-nygard" | "docs" | "readme" | "changelog" | "runbook";

type Category = "adr" | "readme" | "changelog" | "runbook" | "docs";

/** What a markdown file is, from its path alone, or undefined when it is none of the documents imported. */
function documentCategory(file: string): Category | undefined {
  if (!MARKDOWN.test(file) || SKIPPED.test(file)) return undefined;
  const name = basename(file).toLowerCase();
  const folder = dirname(file);
  const segments = folder === "." ? [] : folder.toLowerCase().split("/");
  if (/^readme\./.test(name)) return "readme";
  if (/^(changelog|changes|history)\./.test(name)) return "changelog";
  if (segments.includes("runbooks") || segments.includes("runbook") || name.includes("runbook"))
    return "runbook";
  const inAdrFolder =
    segments.includes("adr") ||
    segments.includes("adrs") ||
    ADR_FOLDERS.some((adr) => folder.toLowerCase() === adr || folder.toLowerCase().endsWith(`/${adr}`));
  // An ADR folder's template and index are no decisions.
  if (inAdrFolder) return /template|^index\./.test(name) ? undefined : "adr";
  if (segments.includes("docs") || segments.includes("doc")) return "docs";
  return undefined;
}

/** The display name of a README's or CHANGELOG's place: its line, the repository, or its folder. */
function placeOf(repo: RepoFiles, line: ProposedLine | undefined, file: string): string {
  const folder = posix.dirname(file);
  if (line !== undefined && (line.root === folder || (line.root === "." && folder === ".")))
    return line.title;
  if (folder === ".") return basename(repo.root);
  return folder;
}

/**
 * A heading's text without markdown emphasis, links or code marks. A link's
 * text and address stop at a `[`: the next link starts there, and scanning past
 * it from each `[` of a run of unclosed ones was quadratic.
 */
function plainTitle(title: string): string {
  return title
    .replace(/\[([^[\]]*)\]\([^)[]*\)/g, "$1")
    .replace(/[*_`]/g, "")
    .trim();
}

/**
 * A markdown image or badge, linked or not: `![alt](src)`, `[![alt](src)](href)`,
 * `[![alt][ref]][ref]`. Its parts stop at a `[`, so a run of unclosed `![` is read once.
 */
const BADGE = /\[?!\[[^[\]]*\](?:\([^)[]*\)|\[[^[\]]*\])(?:\]\([^)[]*\)|\]\[[^[\]]*\])?/g;

/**
 * Whether a page is a stub with nothing to read: besides headings, blank
 * lines and HTML comments, only badges or images and mkdocstrings `:::`
 * directives (with their indented options), and at least one of those. Go
 * modules' READMEs (a title and a pkg.go.dev badge, 42 of opentelemetry-go's
 * semconv versions) and mkdocs API pages (`::: pydantic_ai.agent`) are such
 * stubs. A page of headings alone is not one (it is kept).
 */
function isStub(body: string): boolean {
  let generated = false;
  let inDirective = false;
  for (const raw of withoutDelimited(body, "<!--", "-->").split("\n")) {
    const text = raw.trim();
    if (inDirective && (text === "" || /^\s/.test(raw))) continue;
    inDirective = false;
    if (text === "" || /^#{1,6}(\s|$)/.test(text)) continue;
    if (text.startsWith(":::")) {
      generated = true;
      inDirective = true;
      continue;
    }
    const rest = text.replace(BADGE, "");
    if (rest !== text && rest.trim() === "") {
      generated = true;
      continue;
    }
    return false;
  }
  return generated;
}

/** Front matter and body of a markdown file; a file whose front matter does not parse is read whole. */
function split(text: string): { data: Record<string, unknown>; body: string } {
  try {
    return parseFrontMatter(text);
  } catch {
    return { data: {}, body: text };
  }
}

/**
 * Finds the repository's knowledge documents:
 * - ADRs in `docs/adr`, `docs/adrs`, `doc/adr`, `docs/decisions`,
 *   `doc/architecture/decisions`, `docs/architecture/decisions` or any folder
 *   named `adr`, read as MADR or Nygard into a `decision` with its fields
 *   (a missing context or decision gets a placeholder sentence saying so);
 * - other markdown under a `docs/` or `doc/` folder, as notes;
 * - READMEs as notes titled `<line or repository> README`; CHANGELOGs as notes;
 * - runbooks anywhere (`runbook*` files, `runbooks/` folders) as runbooks.
 *
 * Files over 1 MB and anything under `node_modules` or `dist` are skipped, and
 * so are READMEs and `docs/` pages with nothing to read: headings with only
 * badges, images or mkdocstrings `:::` directives (a Go module's title and
 * pkg.go.dev badge, an mkdocs API page's `::: package.module`).
 * Keys are `repo:<path>`; titles come from front matter, else the first
 * heading, else the file name, made one line as a document's title must be
 * (`toSafeLine`: a tab or newline becomes a space, a bidi override is
 * dropped; the next of them, else the path, when nothing is left); the body
 * keeps the text as written. Sorted by path.
 *
 * @example
 * ```ts
 * const documents = await findDocuments(await listRepoFiles("/src/acme"), lines);
 * ```
 */
export async function findDocuments(
  repo: RepoFiles,
  lines: readonly ProposedLine[],
): Promise<ProposedDocument[]> {
  const documents: ProposedDocument[] = [];
  for (const file of repo.files) {
    const category = documentCategory(file);
    if (category === undefined) continue;
    const text = await readSmallFile(repo, file, MAX_BYTES);
    if (text === undefined) continue;
    const { data, body } = split(text);
    if ((category === "docs" || category === "readme") && isStub(body)) continue;
    const sections = markdownSections(body);
    const line = lineOfFile(lines, file);
    const heading = sections.find((section) => section.level === 1) ?? sections[0];
    // The first of the front matter's title and the heading with anything left when made one line.
    const named = firstSafeLine(
      typeof data.title === "string" ? data.title : undefined,
      heading ? plainTitle(heading.title) : undefined,
    );
    const fileName = basename(file).replace(MARKDOWN, "");
    let kind: DocumentKind = "note";
    let method: DocumentMethod = category === "adr" ? "adr-nygard" : category;
    let title = named || fileName;
    let decision: ProposedDocument["decision"];
    if (category === "adr") {
      const record = parseDecisionRecord(data, body);
      kind = "decision";
      method = record.format === "madr" ? "adr-madr" : "adr-nygard";
      decision = record.decision;
    } else if (category === "runbook") kind = "runbook";
    else if (category === "readme") title = `${placeOf(repo, line, file)} README`;
    else if (category === "changelog")
      // A changelog's second-level headings are versions: only a first-level heading titles it.
      title = heading?.level === 1 && named !== "" ? named : `${placeOf(repo, line, file)} changelog`;
    documents.push({
      key: `repo:${file}`,
      kind,
      // One line, as a capture takes it (a file or folder name may hold a tab or a bidi override too).
      title: cutText(firstSafeLine(title, file), 500),
      body,
      file,
      lines: line === undefined ? [] : [line.id],
      ...(decision === undefined ? {} : { decision }),
      evidence: {
        file,
        ...(repo.commit === undefined ? {} : { commit: repo.commit }),
        method,
        confidence: 1,
      },
    });
  }
  return documents;
}

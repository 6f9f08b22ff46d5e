/**
 * The files of an instruction skill (`scripts/`, `references/`, `assets/`) as
 * MCP resource contents: text with a mimeType by extension, or a base64 blob
 * for binary files.
 *
 * @module
 */
import { extname } from "node:path";
import { decodeText } from "@software-factory/core";
import { type InstructionSkill, readSkillBytes } from "@software-factory/intelligence";

/** Media types by extension; `true` marks formats that are binary whatever their bytes look like. */
const MEDIA_TYPES: Readonly<Record<string, readonly [string, boolean]>> = {
  ".md": ["text/markdown", false],
  ".markdown": ["text/markdown", false],
  ".txt": ["text/plain", false],
  ".json": ["application/json", false],
  ".jsonl": ["application/jsonl", false],
  ".yaml": ["application/yaml", false],
  ".yml": ["application/yaml", false],
  ".toml": ["application/toml", false],
  ".xml": ["application/xml", false],
  ".csv": ["text/csv", false],
  ".html": ["text/html", false],
  ".css": ["text/css", false],
  ".svg": ["image/svg+xml", false],
  ".js": ["text/javascript", false],
  ".mjs": ["text/javascript", false],
  ".cjs": ["text/javascript", false],
  ".ts": ["text/x-typescript", false],
  ".py": ["text/x-python", false],
  ".sh": ["text/x-shellscript", false],
  ".bash": ["text/x-shellscript", false],
  ".sql": ["application/sql", false],
  ".png": ["image/png", true],
  ".jpg": ["image/jpeg", true],
  ".jpeg": ["image/jpeg", true],
  ".gif": ["image/gif", true],
  ".webp": ["image/webp", true],
  ".ico": ["image/vnd.microsoft.icon", true],
  ".pdf": ["application/pdf", true],
  ".zip": ["application/zip", true],
  ".gz": ["application/gzip", true],
  ".tar": ["application/x-tar", true],
  ".woff": ["font/woff", true],
  ".woff2": ["font/woff2", true],
  ".wasm": ["application/wasm", true],
};

/** Whether bytes read as text: no NUL byte and valid UTF-8. */
function isText(bytes: Buffer): boolean {
  return "text" in decodeText(bytes);
}

/** The media type of a skill file by its extension; `undefined` for an extension not known here. */
export function skillFileMimeType(path: string): string | undefined {
  return MEDIA_TYPES[extname(path).toLowerCase()]?.[0];
}

/**
 * One file of a skill as resource contents: `text` when it reads as UTF-8
 * without NUL bytes and its extension is not a binary format, else a base64
 * `blob`. An unknown extension is `text/plain` or `application/octet-stream`.
 *
 * @throws NotFoundError naming the files the skill has, when `path` is not one of them.
 */
export function skillFileContents(
  skill: InstructionSkill,
  path: string,
  uri: string,
): { uri: string; mimeType: string; text: string } | { uri: string; mimeType: string; blob: string } {
  const bytes = readSkillBytes(skill, path);
  const binary = MEDIA_TYPES[extname(path).toLowerCase()]?.[1] === true || !isText(bytes);
  const mimeType = skillFileMimeType(path) ?? (binary ? "application/octet-stream" : "text/plain");
  return binary
    ? { uri, mimeType, blob: bytes.toString("base64") }
    : { uri, mimeType, text: bytes.toString("utf8") };
}

/** The URI of a file of a skill: `skill://{name}/{path}`, each path segment percent-encoded. */
export function skillFileUri(name: string, path: string): string {
  return `skill://${name}/${path.split("/").map(encodeURIComponent).join("/")}`;
}

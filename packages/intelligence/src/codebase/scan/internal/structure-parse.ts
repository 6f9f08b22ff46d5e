/**
 * Parsing manifests for the structure scan: JSON, TOML and XML validated with
 * zod, returning a problem that names the file and field instead of throwing.
 *
 * @module
 */
import { inPlainWords } from "@software-factory/core";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { readRepoText } from "./structure-io.js";
import type { ManifestProblem, ScanContext } from "./structure-types.js";

/** A parsed manifest, or the problem that stopped it. */
export type Parsed<T> = { readonly value: T } | { readonly problem: ManifestProblem };

type Format = "json" | "toml" | "yaml" | "xml";

const ARRAY_ELEMENTS = new Set(["module", "dependency", "plugin", "execution"]);

/** Decodes a manifest; the TOML and XML parsers are loaded on first use, so opening a factory does not pay for them. */
async function decode(format: Format, text: string): Promise<unknown> {
  if (format === "json") return JSON.parse(text);
  if (format === "yaml") return parseYaml(text);
  if (format === "toml") return (await import("smol-toml")).parse(text);
  const { XMLParser, XMLValidator } = await import("fast-xml-parser");
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  return new XMLParser({
    isArray: (name) => ARRAY_ELEMENTS.has(name),
    parseTagValue: false,
    ignoreAttributes: true,
  }).parse(text);
}

const FORMAT_NAMES: Record<Format, string> = { json: "JSON", toml: "TOML", yaml: "YAML", xml: "XML" };

/** Reads and parses a repository-relative manifest and validates it with `schema`. */
export async function readManifest<Schema extends z.ZodType>(
  context: ScanContext,
  file: string,
  format: Format,
  schema: Schema,
): Promise<Parsed<z.output<Schema>>> {
  const text = await readRepoText(context.root, file);
  if (text === undefined)
    return { problem: { file, message: `${file} could not be read (missing or over 1 MB)` } };
  let data: unknown;
  try {
    data = await decode(format, text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { problem: { file, message: `${file} is not valid ${FORMAT_NAMES[format]}: ${reason}` } };
  }
  const parsed = schema.safeParse(data ?? {});
  if (parsed.success) return { value: parsed.data };
  const issues = parsed.error.issues.map(
    (issue) => `${issue.path.join(".") || "(root)"}: ${inPlainWords(issue)}`,
  );
  return { problem: { file, message: `${file} is invalid: ${issues.join("; ")}` } };
}

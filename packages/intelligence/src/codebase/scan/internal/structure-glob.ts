/**
 * Glob matching for the structure scanners: workspace member globs
 * (`packages/*`, `crates/**`) and CODEOWNERS patterns (gitignore-style).
 *
 * @module
 */

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
}

/** The regular expression source of a glob: `*` and `?` stay within a segment, `**` crosses segments. */
function globSource(glob: string): string {
  let out = "";
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index] as string;
    if (char === "*" && glob[index + 1] === "*") {
      const slashAfter = glob[index + 2] === "/";
      out += slashAfter ? "(?:.*/)?" : ".*";
      index += slashAfter ? 2 : 1;
    } else if (char === "*") out += "[^/]*";
    else if (char === "?") out += "[^/]";
    else out += escapeRegExp(char);
  }
  return out;
}

/** Normalizes a repository-relative path or glob: forward slashes, no leading `./` or `/`, no trailing `/`. */
function normalizeRelative(path: string): string {
  return path
    .replace(/\\/g, "/")
    .replace(/^(\.\/)+/, "")
    .replace(/^\/+/, "")
    .replace(/\/+$/, "");
}

/** Compiles workspace member globs (`!` negations exclude) to a test of repository-relative folders. */
export function memberMatcher(globs: readonly string[]): (folder: string) => boolean {
  const compile = (list: readonly string[]) =>
    list.length === 0
      ? undefined
      : new RegExp(`^(?:${list.map((glob) => globSource(normalizeRelative(glob))).join("|")})$`);
  const include = compile(globs.filter((glob) => !glob.startsWith("!")));
  const exclude = compile(globs.filter((glob) => glob.startsWith("!")).map((glob) => glob.slice(1)));
  return (folder) => (include?.test(folder) ?? false) && !(exclude?.test(folder) ?? false);
}

/**
 * Compiles a CODEOWNERS pattern with GitHub's (gitignore-style) semantics: a
 * leading or inner `/` anchors it to the root, otherwise it matches at any
 * depth; a trailing `/` matches a folder and everything in it; a last segment
 * without wildcards also matches everything under it; `*` does not cross `/`.
 */
export function codeownersMatcher(pattern: string): (path: string) => boolean {
  let body = pattern.startsWith("\\#") ? pattern.slice(1) : pattern;
  const folderOnly = body.endsWith("/");
  body = body.replace(/\/+$/, "");
  const leading = body.startsWith("/");
  body = body.replace(/^\/+/, "");
  if (body === "" || body === "*" || body === "**") return () => true;
  const anchored = leading || body.includes("/");
  const last = body.slice(body.lastIndexOf("/") + 1);
  const source = `${anchored ? "" : "(?:.*/)?"}${globSource(body)}`;
  const under = folderOnly || !/[*?]/.test(last);
  const regex = new RegExp(folderOnly ? `^${source}/.+$` : under ? `^${source}(?:/.+)?$` : `^${source}$`);
  return (path) => regex.test(path);
}

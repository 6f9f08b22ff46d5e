const cache = new Map<string, (path: string) => boolean>();

/**
 * What is wrong with a glob's braces, or undefined when each `{` is closed by
 * a `}`: an unclosed `{` (`src/**\/*.{ts,tsx`) would swallow the globs after
 * it in a comma-separated list, and a stray `}` (`*.{a,b}}`) is matched as a
 * character, so neither glob matches what it says.
 */
export function braceProblem(glob: string): string | undefined {
  let open = 0;
  for (const char of glob) {
    if (char === "{") open++;
    else if (char === "}" && open === 0) return `glob "${glob}" has a } that closes no {`;
    else if (char === "}") open--;
  }
  return open === 0 ? undefined : `glob "${glob}" has a { that no } closes`;
}

/**
 * A matcher for a gitignore-style glob over repository-relative paths: `*`
 * and `?` stay within a folder, `**` crosses folders, `{a,b}` is either, a
 * glob without `/` matches at any depth, and a trailing `/` means the folder
 * and everything under it.
 */
export function globMatcher(glob: string): (path: string) => boolean {
  const cached = cache.get(glob);
  if (cached !== undefined) return cached;
  let body = glob.trim().replace(/^\.\//, "");
  // A slash before the end anchors the glob at the root (gitignore); a trailing one means "and everything under it".
  const anchored = body.replace(/\/+$/, "").includes("/");
  if (body.endsWith("/")) body = `${body}**`;
  body = body.replace(/^\/+/, "");
  const regex = new RegExp(`^${anchored ? "" : "(?:.*/)?"}${toSource(body)}$`);
  const matcher = (path: string) => regex.test(path);
  cache.set(glob, matcher);
  return matcher;
}

function toSource(glob: string): string {
  let source = "";
  let braces = 0;
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index] as string;
    if (char === "*" && glob[index + 1] === "*") {
      const slashAfter = glob[index + 2] === "/";
      source += slashAfter ? "(?:.*/)?" : ".*";
      index += slashAfter ? 2 : 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else if (char === "{") {
      braces++;
      source += "(?:";
    } else if (char === "}" && braces > 0) {
      braces--;
      source += ")";
    } else if (char === "," && braces > 0) source += "|";
    else source += char.replace(/[.+^$()|[\]\\]/g, "\\$&");
  }
  return source + ")".repeat(braces);
}

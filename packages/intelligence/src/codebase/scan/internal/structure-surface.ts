/**
 * The public surface of a TypeScript/JavaScript package: the symbols its
 * entry files export, with their kind and the first sentence of their doc
 * comment, following re-exports into the package's own files.
 *
 * @module
 */
import { cutText } from "@software-factory/core";
import type ts from "typescript";
import { folderOf, joinRelative, readRepoText } from "./structure-io.js";

/** An exported symbol of a package. */
export interface SurfaceSymbol {
  readonly name: string;
  /** `function`, `class`, `interface`, `type`, `enum`, `namespace`, `const`, `let`, `var`, or `re-export` (from another package). */
  readonly kind: string;
  /** First sentence of its doc comment. */
  readonly doc?: string;
  /** Repository-relative file that declares it. */
  readonly file: string;
}

type TypeScript = typeof ts;

const SOURCE_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];
/** How many re-export hops are followed from an entry file. */
const MAX_DEPTH = 3;

/** The first sentence of a doc comment, `{@link X}` reduced to `X`, at most 200 characters. */
export function firstSentence(text: string): string | undefined {
  const flat = text
    .replace(
      /\{@(?:link|linkcode|linkplain)\s+([^{}|\s]+)((?:[\s|][^{}]*)?)\}/g,
      (_, target: string, rest: string) => rest.replace(/^[\s|]+/, "").trim() || target,
    )
    .replace(/\s+/g, " ")
    .trim();
  if (flat === "") return undefined;
  const sentence = /^(.+?[.!?])(?=\s|$)/.exec(flat)?.[1] ?? flat;
  return cutText(sentence, 200, "...");
}

/** Candidate source files for a relative module path (`./x.js` -> `x.ts`, `x.tsx`, `x/index.ts`...). */
export function sourceCandidates(path: string): string[] {
  const stem = path.replace(/\.d\.[cm]?ts$/, "").replace(/\.(m|c)?(j|t)sx?$/, "");
  return [
    ...(/\.d\.[cm]?ts$/.test(path) ? [] : [path]),
    ...SOURCE_EXTENSIONS.map((extension) => `${stem}${extension}`),
    ...SOURCE_EXTENSIONS.map((extension) => `${stem}/index${extension}`),
  ];
}

/** Reads exported symbols of a line's TS/JS files; parsed files are cached. */
export class SurfaceReader {
  readonly #ts: TypeScript;
  readonly #root: string;
  readonly #files: ReadonlySet<string>;
  readonly #parsed = new Map<string, ts.SourceFile | undefined>();

  constructor(typescript: TypeScript, root: string, files: ReadonlySet<string>) {
    this.#ts = typescript;
    this.#root = root;
    this.#files = files;
  }

  /** The files parsed so far, sorted. */
  get filesRead(): string[] {
    return [...this.#parsed.keys()].filter((file) => this.#parsed.get(file) !== undefined).sort();
  }

  /** The file a relative specifier from `from` resolves to among the line's files. */
  resolve(from: string, specifier: string): string | undefined {
    if (!specifier.startsWith(".")) return undefined;
    const path = joinRelative(folderOf(from), specifier);
    return path === undefined ? undefined : sourceCandidates(path).find((file) => this.#files.has(file));
  }

  async #parse(file: string): Promise<ts.SourceFile | undefined> {
    if (this.#parsed.has(file)) return this.#parsed.get(file);
    const text = await readRepoText(this.#root, file);
    const source =
      text === undefined
        ? undefined
        : this.#ts.createSourceFile(file, text, this.#ts.ScriptTarget.Latest, true, this.#scriptKind(file));
    this.#parsed.set(file, source);
    return source;
  }

  #scriptKind(file: string): ts.ScriptKind {
    const kinds = this.#ts.ScriptKind;
    if (file.endsWith(".tsx")) return kinds.TSX;
    if (/\.(m|c)?ts$/.test(file)) return kinds.TS;
    if (file.endsWith(".jsx")) return kinds.JSX;
    return kinds.JS;
  }

  #doc(node: ts.Node): string | undefined {
    const docs = this.#ts
      .getJSDocCommentsAndTags(node)
      .filter((doc): doc is ts.JSDoc => this.#ts.isJSDoc(doc));
    const comment = docs.at(-1)?.comment;
    return comment === undefined ? undefined : firstSentence(this.#ts.getTextOfJSDocComment(comment) ?? "");
  }

  #isExported(node: ts.Node): boolean {
    const t = this.#ts;
    return (
      t.canHaveModifiers(node) &&
      (t.getModifiers(node) ?? []).some((m) => m.kind === t.SyntaxKind.ExportKeyword)
    );
  }

  #isDefault(node: ts.Node): boolean {
    const t = this.#ts;
    return (
      t.canHaveModifiers(node) &&
      (t.getModifiers(node) ?? []).some((m) => m.kind === t.SyntaxKind.DefaultKeyword)
    );
  }

  /** The top-level declarations of a statement: name, kind and doc. */
  #declared(statement: ts.Statement, file: string): SurfaceSymbol[] {
    const t = this.#ts;
    const kinds: [(node: ts.Node) => boolean, string][] = [
      [t.isFunctionDeclaration, "function"],
      [t.isClassDeclaration, "class"],
      [t.isInterfaceDeclaration, "interface"],
      [t.isTypeAliasDeclaration, "type"],
      [t.isEnumDeclaration, "enum"],
      [t.isModuleDeclaration, "namespace"],
    ];
    const doc = this.#doc(statement);
    const symbol = (name: string, kind: string): SurfaceSymbol => ({
      name,
      kind,
      ...(doc ? { doc } : {}),
      file,
    });
    if (t.isVariableStatement(statement)) {
      const flags = statement.declarationList.flags;
      const kind = flags & t.NodeFlags.Const ? "const" : flags & t.NodeFlags.Let ? "let" : "var";
      return statement.declarationList.declarations
        .filter((declaration) => t.isIdentifier(declaration.name))
        .map((declaration) => symbol((declaration.name as ts.Identifier).text, kind));
    }
    for (const [is, kind] of kinds) {
      if (!is(statement)) continue;
      const name = (statement as ts.DeclarationStatement).name;
      if (name !== undefined && (t.isIdentifier(name) || t.isStringLiteral(name)))
        return [symbol(name.text, kind)];
      return this.#isDefault(statement) ? [symbol("default", kind)] : [];
    }
    return [];
  }

  /** The declaration of `name` in `file`: a top-level declaration, an import followed, or one of its exports. */
  async #find(file: string, name: string, depth: number): Promise<SurfaceSymbol | undefined> {
    const source = await this.#parse(file);
    if (source === undefined) return undefined;
    const t = this.#ts;
    for (const statement of source.statements) {
      const found = this.#declared(statement, file).find((symbol) => symbol.name === name);
      if (found !== undefined) return found;
      if (depth > 0 && t.isImportDeclaration(statement) && t.isStringLiteral(statement.moduleSpecifier)) {
        const bindings = statement.importClause?.namedBindings;
        if (bindings === undefined || !t.isNamedImports(bindings)) continue;
        const element = bindings.elements.find((entry) => entry.name.text === name);
        const target = this.resolve(file, statement.moduleSpecifier.text);
        if (element !== undefined && target !== undefined)
          return this.#find(target, (element.propertyName ?? element.name).text, depth - 1);
      }
    }
    return depth > 0
      ? (await this.exportsOf(file, depth - 1)).find((symbol) => symbol.name === name)
      : undefined;
  }

  /** The symbols a file exports, following `export ... from` and `export *` into the line's own files up to `depth` hops. */
  async exportsOf(file: string, depth = MAX_DEPTH): Promise<SurfaceSymbol[]> {
    const source = await this.#parse(file);
    if (source === undefined) return [];
    const t = this.#ts;
    const out: SurfaceSymbol[] = [];
    for (const statement of source.statements) {
      if (this.#isExported(statement)) {
        const declared = this.#declared(statement, file);
        out.push(
          ...(this.#isDefault(statement)
            ? declared.map((symbol) => ({ ...symbol, name: "default" }))
            : declared),
        );
      } else if (t.isExportAssignment(statement)) {
        const doc = this.#doc(statement);
        out.push({ name: "default", kind: "const", ...(doc ? { doc } : {}), file });
      } else if (t.isExportDeclaration(statement)) {
        const specifier =
          statement.moduleSpecifier !== undefined && t.isStringLiteral(statement.moduleSpecifier)
            ? statement.moduleSpecifier.text
            : undefined;
        const target = specifier === undefined ? file : this.resolve(file, specifier);
        const clause = statement.exportClause;
        if (clause === undefined) {
          if (target !== undefined && target !== file && depth > 0)
            out.push(
              ...(await this.exportsOf(target, depth - 1)).filter((symbol) => symbol.name !== "default"),
            );
        } else if (t.isNamespaceExport(clause)) {
          out.push({ name: clause.name.text, kind: "namespace", file: target ?? file });
        } else
          for (const element of clause.elements) {
            const local = (element.propertyName ?? element.name).text;
            const found =
              target === undefined || depth === 0
                ? undefined
                : await this.#find(target, local, target === file ? depth : depth - 1);
            out.push(
              found === undefined
                ? { name: element.name.text, kind: target === undefined ? "re-export" : "unknown", file }
                : { ...found, name: element.name.text },
            );
          }
      }
    }
    const seen = new Set<string>();
    return out.filter((symbol) => !seen.has(symbol.name) && seen.add(symbol.name));
  }
}

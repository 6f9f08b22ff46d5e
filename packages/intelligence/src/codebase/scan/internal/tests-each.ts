/**
 * Names of parametrised JS/TS tests (`describe.each`, `it.each`, `test.each`):
 * one name per row, as vitest and jest print them, when the table is written
 * out in the source and small; otherwise the name with each placeholder shown
 * as `<parameter>`, so that a title never reads `on %s`.
 *
 * @module
 */
import { format, inspect } from "node:util";
import type * as TS from "typescript";

/** The TypeScript compiler module, loaded lazily by the caller. */
type TypeScript = typeof import("typescript");

/** Tables with more rows than this are one requirement with `<parameter>` markers, not one per row. */
export const MAX_EACH_ROWS = 10;

/** A value read off the source, or `undefined` in `known` when the expression is not a literal. */
type Literal = { readonly known: true; readonly value: unknown } | { readonly known: false };

const UNKNOWN: Literal = { known: false };

/** The value of a literal expression: strings, numbers, booleans, null, undefined, arrays and plain objects of them. */
function literal(ts: TypeScript, node: TS.Expression): Literal {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node))
    return literal(ts, node.expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    return { known: true, value: node.text };
  if (ts.isNumericLiteral(node)) return { known: true, value: Number(node.text) };
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) {
    const operand = literal(ts, node.operand);
    return operand.known && typeof operand.value === "number"
      ? { known: true, value: -operand.value }
      : UNKNOWN;
  }
  if (node.kind === ts.SyntaxKind.TrueKeyword) return { known: true, value: true };
  if (node.kind === ts.SyntaxKind.FalseKeyword) return { known: true, value: false };
  if (node.kind === ts.SyntaxKind.NullKeyword) return { known: true, value: null };
  if (ts.isIdentifier(node) && node.text === "undefined") return { known: true, value: undefined };
  if (ts.isArrayLiteralExpression(node)) {
    const values: unknown[] = [];
    for (const element of node.elements) {
      const item = ts.isSpreadElement(element) ? UNKNOWN : literal(ts, element);
      if (!item.known) return UNKNOWN;
      values.push(item.value);
    }
    return { known: true, value: values };
  }
  if (ts.isObjectLiteralExpression(node)) {
    const value: Record<string, unknown> = {};
    for (const property of node.properties) {
      if (!ts.isPropertyAssignment(property)) return UNKNOWN;
      const key = property.name;
      if (!ts.isIdentifier(key) && !ts.isStringLiteral(key) && !ts.isNumericLiteral(key)) return UNKNOWN;
      const item = literal(ts, property.initializer);
      if (!item.known) return UNKNOWN;
      value[key.text] = item.value;
    }
    return { known: true, value };
  }
  return UNKNOWN;
}

/**
 * The rows of a `.each` table as the runner passes them to the name: each row
 * as its list of arguments (a row that is not an array is one argument). A
 * tagged template table (`` it.each`a | b ${1} | ${2}` ``) gives one object
 * per row, keyed by the header. `undefined` when the table is not literal.
 */
function rowsOf(ts: TypeScript, table: TS.Expression | TS.TemplateLiteral): unknown[][] | undefined {
  if (ts.isTemplateExpression(table) || ts.isNoSubstitutionTemplateLiteral(table)) {
    const header = (ts.isTemplateExpression(table) ? table.head.text : table.text)
      .split("|")
      .map((column) => column.trim())
      .filter((column) => column !== "");
    const cells = ts.isTemplateExpression(table)
      ? table.templateSpans.map((span) => literal(ts, span.expression))
      : [];
    if (header.length === 0 || cells.length % header.length !== 0) return undefined;
    const rows: unknown[][] = [];
    for (let start = 0; start < cells.length; start += header.length) {
      const row: Record<string, unknown> = {};
      for (const [index, column] of header.entries()) {
        const cell = cells[start + index];
        if (cell === undefined || !cell.known) return undefined;
        row[column] = cell.value;
      }
      rows.push([row]);
    }
    return rows;
  }
  const value = literal(ts, table);
  if (!value.known || !Array.isArray(value.value)) return undefined;
  return value.value.map((row) => (Array.isArray(row) ? row : [row]));
}

/** The table of a `.each` callee (`it.each(table)` or `` it.each`table` ``), when the callee is one. */
export function eachTable(
  ts: TypeScript,
  callee: TS.Expression,
): TS.Expression | TS.TemplateLiteral | undefined {
  const call = ts.isCallExpression(callee)
    ? callee.expression
    : ts.isTaggedTemplateExpression(callee)
      ? callee.tag
      : callee;
  if (call === callee || !ts.isPropertyAccessExpression(call) || call.name.text !== "each") return undefined;
  if (ts.isCallExpression(callee)) return callee.arguments[0];
  return ts.isTaggedTemplateExpression(callee) ? callee.template : undefined;
}

/** A property of a row by a `$a.b` path, as the runner reads it. */
function attribute(row: unknown, path: string): unknown {
  let value: unknown = row;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** `%` placeholders (`%s`, `%#`...) and `$` attributes (`$name`, `$a.b`, `$0`, `$#`) of a `.each` name. */
const PLACEHOLDER = /%[sdifjoOc%#$]|\$([#\w][\w.]*)/g;

/** A value as vitest shows a `$` attribute: strings quoted, arrays and objects on one line. */
const shown = (value: unknown) => inspect(value, { breakLength: Number.POSITIVE_INFINITY });

/**
 * A name with one row's values put in, as vitest and jest print it: `%#` (and
 * `$#`) the row's index, `%$` its number, `%s %d %i %f %j %o %O` the row's next
 * argument (formatted as `util.format` does), `%%` a percent sign, `$name` or
 * `$a.b` a property of an object row, `$0` an element of an array row.
 */
function nameOfRow(name: string, items: readonly unknown[], index: number): string {
  const row = items[0];
  const objectRow = row !== null && typeof row === "object" && !Array.isArray(row);
  let next = 0;
  return name.replace(PLACEHOLDER, (match: string, key: string | undefined) => {
    if (match === "%#" || key === "#") return String(index);
    if (match === "%$") return String(index + 1);
    if (match === "%%") return "%";
    if (key === undefined) return next < items.length ? format(match, items[next++]) : match;
    if (objectRow) return shown(attribute(row, key));
    return /^\d+$/.test(key) ? shown(items[Number(key)]) : match;
  });
}

/** The names of the parameters a test or block callback takes, in order, without a leading `_` (`undefined` for a destructured one). */
function parameterNames(ts: TypeScript, callback: TS.Expression | undefined): (string | undefined)[] {
  if (callback === undefined || (!ts.isArrowFunction(callback) && !ts.isFunctionExpression(callback)))
    return [];
  return callback.parameters.map((parameter) =>
    ts.isIdentifier(parameter.name) ? parameter.name.text.replace(/^_+(?=.)/, "") : undefined,
  );
}

/**
 * A name whose table is not known, readable: each placeholder shown as
 * `<parameter>` after the callback's parameter it fills (`%s` with `(store) =>`
 * shows `<store>`, `$expected` shows `<expected>`), `<value>` when it has no
 * name, `<index>` for `%#` and `%$`, and `%%` as `%`.
 */
function markedName(name: string, parameters: readonly (string | undefined)[]): string {
  let next = 0;
  return name.replace(PLACEHOLDER, (match: string, key: string | undefined) => {
    if (match === "%#" || match === "%$" || key === "#") return "<index>";
    if (match === "%%") return "%";
    if (match === "%c") return "";
    if (key === undefined) return `<${parameters[next++] ?? "value"}>`;
    return /^\d+$/.test(key) ? `<${parameters[Number(key)] ?? "value"}>` : `<${key}>`;
  });
}

/** How a `.each` names its rows: one written name per row, or the name as written with a readable form. */
export type EachNames =
  | { readonly rows: readonly string[] }
  | { readonly written: string; readonly readable: string };

/**
 * The names a `.each` test or block gets: one per row, with the row's values,
 * when its table is literal and has at most {@link MAX_EACH_ROWS} rows;
 * otherwise its name as written, with a readable form for titles.
 */
export function eachNames(
  ts: TypeScript,
  table: TS.Expression | TS.TemplateLiteral,
  name: string,
  callback: TS.Expression | undefined,
): EachNames {
  const rows = rowsOf(ts, table);
  if (rows !== undefined && rows.length > 0 && rows.length <= MAX_EACH_ROWS)
    return { rows: rows.map((items, index) => nameOfRow(name, items, index)) };
  return { written: name, readable: markedName(name, parameterNames(ts, callback)) };
}

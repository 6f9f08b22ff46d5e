import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Folder the benchmark reports are written to. */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "results");

/** A markdown line describing the machine, Node version and date of a run. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const memory = Math.round(totalmem() / 2 ** 30);
  return `Machine: ${cpus().length} cores (${cpu}), ${memory} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}. Date: ${new Date().toISOString()}.`;
}

/** Renders rows as a markdown table; numbers are printed as given, so format them first. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Writes `bench/results/<name>.md` and echoes it to stdout. */
export function writeReport(name: string, title: string, sections: readonly string[]): string {
  const path = join(RESULTS_DIR, `${name}.md`);
  const body = [`# ${title}`, "", machineLine(), "", ...sections.flatMap((section) => [section, ""])].join(
    "\n",
  );
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path, body);
  process.stdout.write(`${body}\nwrote ${path}\n`);
  return path;
}

/** Formats a rate (events per second and similar) with thousands separators. */
export function rate(count: number, ms: number): string {
  return Math.round((count / ms) * 1000).toLocaleString("en-US");
}

/** Formats milliseconds with 3 significant digits. */
export function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

/** The p-th percentile (0-100) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** Runs `work` and returns its duration in milliseconds. */
export async function time(work: () => unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** Peak resident memory of this process so far, in MiB (Linux: from /proc, else current RSS). */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

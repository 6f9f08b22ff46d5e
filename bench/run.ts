/**
 * Runs every `bench/*.bench.ts` (or those named on the command line) in its own
 * process, one after another, so memory and timing of one never skew another.
 * Each benchmark writes its own `bench/results/<name>.md`.
 *
 *   npm run bench               # all
 *   npm run bench -- core       # only bench/core.bench.ts
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const all = readdirSync(here)
  .filter((file) => file.endsWith(".bench.ts"))
  .map((file) => file.slice(0, -".bench.ts".length))
  .sort();
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; available: ${all.join(", ")}`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length > 0 ? wanted : all) {
  console.log(`\n== bench ${name} ==`);
  const result = spawnSync(
    process.execPath,
    [
      "--conditions=@software-factory/source",
      "--expose-gc",
      "--import",
      "tsx",
      join(here, `${name}.bench.ts`),
    ],
    { stdio: "inherit" },
  );
  if (result.status !== 0) {
    console.error(`bench ${name} failed with exit code ${result.status}`);
    failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);

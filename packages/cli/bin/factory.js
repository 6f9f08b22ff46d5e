#!/usr/bin/env node
// The `factory` bin. It runs the built CLI, dist/cli.js; this file is committed
// so that `npm ci` links `factory` into node_modules/.bin on a clean clone,
// before anything is built (npm links a bin only if its file exists).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = new URL("../dist/cli.js", import.meta.url);
if (existsSync(fileURLToPath(cli))) {
  await import(cli.href);
} else {
  process.stderr.write(
    `factory: the CLI is not built (${fileURLToPath(cli)} is missing): run \`npm run build\` first\n`,
  );
  process.exitCode = 1;
}

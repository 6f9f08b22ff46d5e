#!/usr/bin/env node
// The `factory-mcp` bin. It runs the built server, dist/bin.js; this file is
// committed so that `npm ci` links `factory-mcp` into node_modules/.bin on a
// clean clone, before anything is built (npm links a bin only if its file exists).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const server = new URL("../dist/bin.js", import.meta.url);
if (existsSync(fileURLToPath(server))) {
  await import(server.href);
} else {
  process.stderr.write(
    `factory-mcp: the server is not built (${fileURLToPath(server)} is missing): run \`npm run build\` first\n`,
  );
  process.exitCode = 1;
}

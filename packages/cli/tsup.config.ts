import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", cli: "src/cli.ts" },
  format: ["esm"],
  dts: { entry: { index: "src/index.ts" } },
  sourcemap: true,
  clean: true,
  target: "node20",
  // The bin runs as `factory`; a hashbang is harmless in the library entry too.
  banner: { js: "#!/usr/bin/env node" },
});

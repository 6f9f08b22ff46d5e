import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Resolve workspace packages to their TypeScript sources, so tests run without a build.
    conditions: ["@software-factory/source"],
  },
  ssr: {
    resolve: {
      conditions: ["@software-factory/source"],
    },
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts", "examples/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Builds the `factory` bin (and what it loads) for the CLI tests, which run it as a subprocess.
    globalSetup: ["packages/cli/test/globalSetup.ts"],
  },
});

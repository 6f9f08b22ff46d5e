import { availableParallelism } from "node:os";
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
    // At least two test files at once: many tests spend most of their time waiting on a
    // subprocess (the built bins, child writers), so a second worker fills a core the
    // first leaves idle. Vitest's default (cores - 1) is one worker on a 2-core machine.
    // (Three on 2 cores was slower: 121 test files in 8 min against 175 with two.)
    // Child processes, not threads: the CLI tests run `factory` in process with its working folder
    // (process.chdir), which worker threads cannot change.
    pool: "forks",
    // Test files of one worker share its loaded modules: each file loading the packages' sources
    // anew cost 427 s of a 775 s run on a slow 2-core host, 32 s of 507 s shared (317 files,
    // 1,801 tests passing both ways). Every test makes its own temp folders, stores and ports.
    isolate: false,
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Builds the `factory` and `factory-mcp` bins (and what they load) for the tests that run them as subprocesses.
    globalSetup: ["packages/cli/test/globalSetup.ts"],
  },
});

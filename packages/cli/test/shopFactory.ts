/**
 * A factory folder made from {@link SHOP_YAML} with `factory init`, shared by
 * the tests of one file that drive the built bin and check its writes through
 * the SDK.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WorkItem } from "@software-factory/core";
import { type Factory, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, expect } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { type RunResult, runFactory } from "./runFactory.js";

/** The bin runs several times per test, a few seconds each on a loaded machine. */
export const SLOW = { timeout: 240_000 };

/** The first line the bin wrote to stderr: its error message, when it failed. */
export const firstLine = (result: RunResult) => result.stderr.split("\n")[0];

/** How {@link useShopFactory} opens the factory through the SDK in `withSdk`. */
export interface ShopFactoryOptions {
  /** The operator the SDK acts as; the SDK's default when absent. */
  readonly actor?: string;
  /** Whether `withSdk` refreshes the work items before `use`. */
  readonly refresh?: boolean;
}

/** The shop factory of one test file, and the ways its tests reach it. */
export interface ShopFactory {
  /** The folder the bin runs in (the factory is its `.factory`); exists only while the file's tests run. */
  cwd(): string;
  /** Runs `factory --dir .factory <args>` in {@link ShopFactory.cwd}. */
  factory(...args: string[]): Promise<RunResult>;
  /** Runs the bin and expects it to succeed. */
  ok(...args: string[]): Promise<RunResult>;
  /** A new item on checkout (owned by ana, the line's owner) in the tiny flow (intake, implementation, testing, release), created through the bin; its id. */
  createItem(title: string): Promise<string>;
  /** Runs `use` on the factory the bin writes, opened through the SDK from its SQLite file, and closes it. */
  withSdk<T>(use: (opened: Factory) => Promise<T>): Promise<T>;
}

/**
 * Makes a temporary folder named from `prefix` before the tests of the file,
 * writes {@link SHOP_YAML} there as factory.yaml and runs
 * `factory init --plan factory.yaml`; removes the folder after them.
 *
 * @example
 * ```ts
 * const { factory, withSdk } = useShopFactory("factory-work-assign-", { refresh: true });
 * ```
 */
export function useShopFactory(prefix: string, options: ShopFactoryOptions = {}): ShopFactory {
  let folder: string | undefined;
  const cwd = (): string => {
    if (folder === undefined) throw new Error("the shop factory exists only while the file's tests run");
    return folder;
  };
  const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd: cwd() });
  const ok = async (...args: string[]) => {
    const result = await factory(...args);
    expect(result.code, result.stderr).toBe(0);
    return result;
  };

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), prefix));
    writeFileSync(join(folder, "factory.yaml"), SHOP_YAML);
    expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
  }, SLOW.timeout);

  afterAll(() => {
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    folder = undefined;
  });

  return {
    cwd,
    factory,
    ok,
    createItem: async (title) => {
      const created = await factory(
        "work",
        "create",
        "--line",
        "checkout",
        "--flow",
        "tiny",
        "--json",
        title,
      );
      expect(created.code, created.stderr).toBe(0);
      return (JSON.parse(created.stdout) as WorkItem).id;
    },
    withSdk: async (use) => {
      const opened = await openFactory({
        dir: join(cwd(), ".factory"),
        ...(options.actor === undefined ? {} : { actor: options.actor }),
      });
      try {
        if (options.refresh === true) await opened.work.refresh();
        return await use(opened);
      } finally {
        await opened.close();
      }
    },
  };
}

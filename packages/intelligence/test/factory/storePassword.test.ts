import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StoreError, ValidationError } from "@software-factory/core";
import { type OpenFactoryOptions, openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const PASSWORD = "s3cret-pw-4417";
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "factory-store-password-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** What opening the factory throws; the factory is closed when it opens. */
async function failureOf(options: OpenFactoryOptions): Promise<Error> {
  return openFactory(options).then(
    async (factory) => {
      await factory.close();
      return new Error("opened");
    },
    (error: unknown) => error as Error,
  );
}

describe("a store URL's password in openFactory's messages", () => {
  it("masks it in the refusal of a store string that is no postgres:// URL, keeping user, host and database", async () => {
    const dir = join(root, "typo");
    const failure = await failureOf({ dir, store: `postgres//ana:${PASSWORD}@db.example.com/factory` });
    expect(failure).toBeInstanceOf(ValidationError);
    expect(failure.message).toBe(
      'openFactory options is invalid: store: "postgres//ana:***@db.example.com/factory" is not a postgres:// or postgresql:// URL; a SQLite factory is opened with dir (its factory.db)',
    );
    expect(JSON.stringify((failure as ValidationError).issues)).not.toContain(PASSWORD);
    expect(existsSync(dir)).toBe(false);
  });

  it("masks it in the refusal of a FACTORY_DATABASE_URL that is no postgres:// URL", async () => {
    const dir = join(root, "env");
    const before = process.env.FACTORY_DATABASE_URL;
    process.env.FACTORY_DATABASE_URL = `postgress://ana:${PASSWORD}@db.example.com:5432/factory`;
    try {
      const failure = await failureOf({ dir });
      expect(failure).toBeInstanceOf(ValidationError);
      expect(failure.message).toBe(
        'FACTORY_DATABASE_URL: "postgress://ana:***@db.example.com:5432/factory" is not a postgres:// or postgresql:// URL; set it to the PostgreSQL URL of the factory, or unset it to use the SQLite file in dir',
      );
      expect(JSON.stringify((failure as ValidationError).issues)).not.toContain(PASSWORD);
    } finally {
      if (before === undefined) delete process.env.FACTORY_DATABASE_URL;
      else process.env.FACTORY_DATABASE_URL = before;
    }
    expect(existsSync(dir)).toBe(false);
  });

  it("never shows it when no server listens at the URL's port", async () => {
    const failure = await failureOf({
      dir: join(root, "unreachable"),
      store: `postgres://ana:${PASSWORD}@127.0.0.1:1/factory`,
    });
    expect(failure).toBeInstanceOf(StoreError);
    expect(failure.message).toContain("cannot reach PostgreSQL at 127.0.0.1:1/factory");
    expect(failure.message).not.toContain(PASSWORD);
  });
});

import { openEventLog, StoreError, ValidationError } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres } from "./fixtures/postgresTestServer.js";

const PASSWORD = "s3cret-pw-7731";

/** What opening the log with these options throws; the log is closed when it opens. */
async function failureOf(options: Parameters<typeof openEventLog>[0]): Promise<Error> {
  return openEventLog(options).then(
    async (log) => {
      await log.close();
      return new Error("opened");
    },
    (error: unknown) => error as Error,
  );
}

describe("a store URL's password in openEventLog's messages", () => {
  it("masks it in the refusal of a store string that is no postgres:// URL, keeping user, host and database", async () => {
    for (const [store, shown] of [
      [`postgres//ana:${PASSWORD}@db.example.com/factory`, "postgres//ana:***@db.example.com/factory"],
      [`postgres:/ana:${PASSWORD}@db.example.com/factory`, "postgres:/ana:***@db.example.com/factory"],
      [
        `postgress://ana:${PASSWORD}@db.example.com:5432/factory`,
        "postgress://ana:***@db.example.com:5432/factory",
      ],
      [`mysql://db.example.com/factory?password=${PASSWORD}`, "mysql://db.example.com/factory?password=***"],
    ] as const) {
      const failure = await failureOf({ store });
      expect(failure).toBeInstanceOf(ValidationError);
      expect(failure.message).toBe(
        `openEventLog options is invalid: store: "${shown}" is not a postgres:// or postgresql:// URL; give a SQLite file as path, or an EventStore object as store`,
      );
      expect(JSON.stringify((failure as ValidationError).issues)).not.toContain(PASSWORD);
    }
  });

  it("masks it in the refusal of a FACTORY_DATABASE_URL that is no postgres:// URL", async () => {
    const before = process.env.FACTORY_DATABASE_URL;
    process.env.FACTORY_DATABASE_URL = `postgres//ana:${PASSWORD}@db.example.com/factory`;
    try {
      const failure = await failureOf({});
      expect(failure).toBeInstanceOf(ValidationError);
      expect(failure.message).toBe(
        'FACTORY_DATABASE_URL: "postgres//ana:***@db.example.com/factory" is not a postgres:// or postgresql:// URL; set it to the PostgreSQL URL of the factory, or unset it and give a SQLite file as path',
      );
      expect(JSON.stringify((failure as ValidationError).issues)).not.toContain(PASSWORD);
    } finally {
      if (before === undefined) delete process.env.FACTORY_DATABASE_URL;
      else process.env.FACTORY_DATABASE_URL = before;
    }
  });

  it("never shows it when no server listens at the URL's port (no server needed)", async () => {
    const failure = await failureOf({ store: `postgres://ana:${PASSWORD}@127.0.0.1:1/factory` });
    expect(failure).toBeInstanceOf(StoreError);
    expect(failure.message).toContain("cannot reach PostgreSQL at 127.0.0.1:1/factory");
    expect(failure.message).not.toContain(PASSWORD);
  });

  it.skipIf(skipPostgres)("never shows it when the server refuses the URL's database", async () => {
    const url = new URL(POSTGRES_TEST_URL);
    url.password = PASSWORD;
    url.pathname = "/no_such_database_7731";
    const failure = await failureOf({ store: url.toString() });
    expect(failure).toBeInstanceOf(StoreError);
    expect(failure.message).toContain(
      `PostgreSQL at ${url.hostname}:${url.port || "5432"}/no_such_database_7731`,
    );
    expect(failure.message).not.toContain(PASSWORD);
  });
});

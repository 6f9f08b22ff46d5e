import { openPostgresEventStore } from "@software-factory/core/postgres";
import { describe, it } from "vitest";
import { describeEventStoreContract } from "./contract/eventStoreContract.js";
import {
  assertPostgresReachable,
  POSTGRES_TEST_URL,
  skipPostgres,
  TestSchemas,
} from "./fixtures/postgresTestServer.js";

const schemas = new TestSchemas();
let schema = "";

describe.skipIf(skipPostgres)("PostgreSQL server for the contract suite", () => {
  it("is reachable (required under CI)", () => {
    assertPostgresReachable();
  });

  // Each test opens a fresh schema, so runs and tests never see each other's events.
  describeEventStoreContract("postgres", {
    async open() {
      schema = schemas.next("contract");
      return openPostgresEventStore({ url: POSTGRES_TEST_URL, schema });
    },
    async openAnother() {
      return openPostgresEventStore({ url: POSTGRES_TEST_URL, schema });
    },
    async cleanup() {
      await schemas.dropAll();
    },
  });
});

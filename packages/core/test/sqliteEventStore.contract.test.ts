import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { describeEventStoreContract } from "./contract/eventStoreContract.js";

let dir: string | undefined;
let path = "";

describeEventStoreContract("sqlite", {
  async open() {
    dir = mkdtempSync(join(tmpdir(), "factory-contract-"));
    path = join(dir, "factory.db");
    return openSqliteEventStore({ path, durability: "normal", pollIntervalMs: 10 });
  },
  async openAnother() {
    return openSqliteEventStore({ path, durability: "normal", pollIntervalMs: 10 });
  },
  async cleanup() {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  },
});

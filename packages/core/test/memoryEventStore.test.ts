import { createMemoryEventStore } from "@software-factory/core";
import { describeEventStoreContract } from "./contract/eventStoreContract.js";

describeEventStoreContract("memory", { open: async () => createMemoryEventStore() });

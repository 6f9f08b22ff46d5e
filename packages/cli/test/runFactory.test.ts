import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { failingOnLeftOpen } from "./runFactory.js";

describe("an in-process run that leaves something open", () => {
  it("fails naming the run and the timer it left, as the bin would not exit", async () => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await expect(
        failingOnLeftOpen("factory tick", async () => {
          timer = setInterval(() => undefined, 60_000);
        }),
      ).rejects.toThrow("factory tick left 1 Timeout open: the bin would not exit after it");
    } finally {
      clearInterval(timer);
    }
  });

  it("fails naming a server left listening", async () => {
    const server = createServer();
    try {
      await expect(
        failingOnLeftOpen("factory serve", async () => {
          await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
        }),
      ).rejects.toThrow("factory serve left 1 TCPSERVERWRAP open");
    } finally {
      server.close();
    }
  });

  it("passes a run whose server is still closing when it returns, and gives what the run gave", async () => {
    const given = await failingOnLeftOpen("factory serve once", async () => {
      const server = createServer();
      await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
      server.close();
      return "served";
    });
    expect(given).toBe("served");
  });

  it("passes a run while the test keeps its own timer open across it", async () => {
    const timer = setInterval(() => undefined, 60_000);
    try {
      await expect(failingOnLeftOpen("factory nothing", async () => 0)).resolves.toBe(0);
    } finally {
      clearInterval(timer);
    }
  });
});

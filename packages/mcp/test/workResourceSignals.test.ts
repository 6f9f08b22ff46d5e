/**
 * `factory://work/{id}` shows a work item's first 20 signals, each text cut
 * to 500 characters naming `factory://signals/{id}`, which reads it whole,
 * with the count of all and where the others are named. A work item of 1,000
 * signals of 10,000 characters read as some 10 MB. A real SDK client over
 * stdio to the built `factory-mcp`.
 */
import { ResourceNotFoundError } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("work-resource-signals-test");

/** The text of the resource at `uri`. */
const read = async (uri: string) => {
  const [content] = (await server.client.readResource({ uri })).contents;
  return content !== undefined && "text" in content ? content.text : "";
};

describe("factory://work/{id} signals", () => {
  it("shows the first 20 signals with texts cut at a character, the count of all, and reads one whole", async () => {
    const long = `${"a".repeat(499)}\u{1F600}${"b".repeat(9_499)}`;
    const signals: string[] = [];
    for (let index = 0; index < 25; index += 1) {
      const text = index === 0 ? long : `Customer ${index} cannot pay by card`;
      const captured = await server.call("capture_signal", { text, source: "support", line: "checkout" });
      signals.push(captured.structuredContent?.id as string);
    }
    const item = await server.call("create_work_item", { line: "checkout", title: "Card payments", signals });
    const id = item.structuredContent?.id as string;

    const text = await read(`factory://work/${id}`);
    expect(text.length).toBeLessThan(20_000);
    const { trace } = JSON.parse(text) as {
      trace: { signals: { id: string; text: string }[]; signalCount: number; moreSignals?: string };
    };
    expect(trace.signals.map((signal) => signal.id)).toEqual(signals.slice(0, 20));
    expect(trace.signals[0]?.text).toBe(
      `${"a".repeat(499)}... (cut: the text is 10,000 characters; factory://signals/${signals[0]} reads it whole)`,
    );
    expect(trace.signals[1]?.text).toBe("Customer 1 cannot pay by card");
    expect(trace.signalCount).toBe(25);
    expect(trace.moreSignals).toBe(
      "5 more signals: workItem.signals and trace.upstream name them, factory://signals/{id} reads one",
    );

    const whole = JSON.parse(await read(`factory://signals/${signals[0]}`)) as {
      signal: { id: string; text: string };
    };
    expect(whole.signal).toMatchObject({ id: signals[0], text: long, workItems: [id] });
  });

  it("factory://signals/{id} of a signal the factory does not have is resource-not-found, naming it", async () => {
    const read = server.client.readResource({ uri: "factory://signals/sig_nope" });
    await expect(read).rejects.toThrow(ResourceNotFoundError);
    await expect(read).rejects.toThrow(
      `no signal "sig_nope" (factory://work/{id} names a work item's signals)`,
    );
  });

  it("completes a signal's id", async () => {
    const captured = await server.call("capture_signal", { text: "Refund twice", source: "support" });
    const id = captured.structuredContent?.id as string;
    const completion = await server.client.complete({
      ref: { type: "ref/resource", uri: "factory://signals/{id}" },
      argument: { name: "id", value: id.slice(0, -2) },
    });
    expect(completion.completion.values).toContain(id);
  });
});

import { Writable } from "node:stream";
import { createOutput, OutputClosedError, runCli } from "@software-factory/cli";
import { describe, expect, it } from "vitest";

function stream(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  const writable = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(writable, { isTTY, columns: 60, text: () => chunks.join("") });
}

describe("output", () => {
  it("uses colour and progress only on a terminal", () => {
    const [out, err] = [stream(true), stream(true)];
    const tty = createOutput({ stdout: out, stderr: err, env: {} });
    tty.line(tty.style("red", "error"));
    tty.progress(1, 2, "a.md");
    tty.endProgress();
    expect(out.text()).toBe("\x1b[31merror\x1b[39m\n");
    expect(err.text()).toContain("[############            ] 1/2 a.md");

    const [pipeOut, pipeErr] = [stream(false), stream(false)];
    const piped = createOutput({ stdout: pipeOut, stderr: pipeErr, env: {} });
    piped.line(piped.style("red", "error"));
    piped.progress(1, 2, "a.md");
    piped.endProgress();
    expect(pipeOut.text()).toBe("error\n");
    expect(pipeErr.text()).toBe("");
  });

  it("honours NO_COLOR on a terminal and FORCE_COLOR off one", () => {
    const noColour = createOutput({ stdout: stream(true), stderr: stream(true), env: { NO_COLOR: "1" } });
    expect(noColour.style("bold", "x")).toBe("x");
    const forced = createOutput({ stdout: stream(false), stderr: stream(false), env: { FORCE_COLOR: "1" } });
    expect(forced.style("bold", "x")).toBe("\x1b[1mx\x1b[22m");
  });

  it("stops a command quietly once the reader of standard output is gone", async () => {
    const gone = new Writable({
      write(_chunk, _encoding, done) {
        done(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      },
    });
    const err = stream(false);
    const output = createOutput({ stdout: gone, stderr: err, env: {} });
    output.line("first");
    expect(() => output.line("second")).toThrow(OutputClosedError);
    expect(await runCli(["--help"], output)).toBe(0);
    expect(err.text()).toBe("");
  });
});

import { Writable } from "node:stream";
import { createOutput, OutputClosedError, printable, runCli } from "@software-factory/cli";
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
  it("uses colour, progress and notes only on a terminal", () => {
    const [out, err] = [stream(true), stream(true)];
    const tty = createOutput({ stdout: out, stderr: err, env: {} });
    tty.line(tty.style("red", "error"));
    tty.progress(1, 2, "a.md");
    tty.endProgress();
    tty.note("  files 9  12 ms");
    expect(out.text()).toBe("\x1b[31merror\x1b[39m\n");
    expect(err.text()).toContain("[############            ] 1/2 a.md");
    expect(err.text()).toMatch(/ {2}files 9 {2}12 ms\n$/);

    const [pipeOut, pipeErr] = [stream(false), stream(false)];
    const piped = createOutput({ stdout: pipeOut, stderr: pipeErr, env: {} });
    piped.line(piped.style("red", "error"));
    piped.progress(1, 2, "a.md");
    piped.endProgress();
    piped.note("  files 9  12 ms");
    expect(pipeOut.text()).toBe("error\n");
    expect(pipeErr.text()).toBe("");
  });

  it("honours NO_COLOR on a terminal and FORCE_COLOR off one", () => {
    const noColour = createOutput({ stdout: stream(true), stderr: stream(true), env: { NO_COLOR: "1" } });
    expect(noColour.style("bold", "x")).toBe("x");
    const forced = createOutput({ stdout: stream(false), stderr: stream(false), env: { FORCE_COLOR: "1" } });
    expect(forced.style("bold", "x")).toBe("\x1b[1mx\x1b[22m");
  });

  it("shows control characters and bidi overrides escaped, keeping newline, tab and its own styles", () => {
    expect(printable("a\u202eevil \x1b[31mred\x07\x00\x9b\u2066x\u2069\r.")).toBe(
      "a\\u202eevil \\x1b[31mred\\x07\\x00\\x9b\\u2066x\\u2069\\x0d.",
    );
    expect(printable("line 1\r\nline\t2\n")).toBe("line 1\r\nline\t2\n");
    expect(printable("ünïcødé ✓ 😀")).toBe("ünïcødé ✓ 😀");

    const [out, err] = [stream(true), stream(true)];
    const tty = createOutput({ stdout: out, stderr: err, env: {} });
    const title = "evil \x1b[31mred\x1b]0;owned\x07";
    tty.line(`${tty.style("bold", "wi_1")} ${tty.style("yellow", tty.style("dim", title))} ${title}`);
    tty.error(`unknown line "\u202e${title}"`);
    expect(out.text()).toBe(
      "\x1b[1mwi_1\x1b[22m \x1b[33m\x1b[2mevil \\x1b[31mred\\x1b]0;owned\\x07\x1b[22m\x1b[39m evil \\x1b[31mred\\x1b]0;owned\\x07\n",
    );
    expect(err.text()).toBe('unknown line "\\u202eevil \\x1b[31mred\\x1b]0;owned\\x07"\n');

    const piped = stream(false);
    const json = createOutput({ stdout: piped, stderr: stream(false), env: {} });
    json.json({ title });
    expect(JSON.parse(piped.text())).toEqual({ title });
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

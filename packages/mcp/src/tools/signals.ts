/**
 * The signal tools of the `work` group: capturing what a customer said or
 * what was observed, and routing it to the line it belongs to.
 *
 * @module
 */
import { CaptureSignalInputSchema, INPUT_LIMITS, LineIdSchema } from "@software-factory/core";
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import { requireSignal } from "./knownRecords.js";
import { requireLine } from "./knownValues.js";
import { ID_MAX, IdempotencyKey, keyed, keyedWrite, Retried, retriedText } from "./shared.js";
import { RouteCandidateOutput, SignalOutput } from "./workOutputs.js";

/** `capture_signal`: records a signal from a customer or the field. */
export const captureSignal = defineTool({
  name: "capture_signal",
  title: "Capture a signal",
  description:
    "Record what a customer said or what was observed in the field (support ticket, sales call, monitoring). Give line when you know it; otherwise route_signal finds it.",
  group: "work",
  // Idempotent only with an idempotencyKey: called twice without one, it writes twice.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  input: z.object({
    text: CaptureSignalInputSchema.shape.text.describe("What the customer said or what was observed"),
    source: CaptureSignalInputSchema.shape.source.describe(
      "Where it came from: support, sales-call, monitoring",
    ),
    customer: CaptureSignalInputSchema.shape.customer.describe("The customer it came from (acme)"),
    severity: z
      .enum(["low", "medium", "high", "critical"])
      .default("medium")
      .describe("How much it hurts the customer: low, medium (default), high or critical"),
    line: LineIdSchema.optional().describe(
      "Id of the line it belongs to, when known (factory://floorplan lists them); otherwise route_signal ranks the lines",
    ),
    idempotencyKey: IdempotencyKey,
  }),
  output: SignalOutput.extend({ alreadyCaptured: Retried }),
  run: async (factory, { idempotencyKey, ...input }) => {
    if (input.line !== undefined) await requireLine(factory, input.line, "line");
    const { result, retried } = await keyedWrite(idempotencyKey, () =>
      factory.work.captureSignal(input, keyed(idempotencyKey)),
    );
    return { ...result, alreadyCaptured: retried };
  },
  text: (signal) =>
    retriedText(
      signal.alreadyCaptured,
      `captured ${signal.id}${signal.line === undefined ? "" : `, routed to ${signal.line}`}`,
      signal,
    ),
});

/** `route_signal`: ranks the lines a signal or text belongs to, or routes a signal to a line. */
export const routeSignal = defineTool({
  name: "route_signal",
  title: "Route a signal to a line",
  description:
    "Without line: ranks the lines a signal (or any text) most likely belongs to, with reasons. With line: records that the signal belongs to that line (the router learns from it).",
  group: "work",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z
    .object({
      signal: z
        .string()
        .min(1)
        .max(ID_MAX)
        .optional()
        .describe("Id of a captured signal (sig_...; capture_signal gives it)"),
      text: z
        .string()
        .min(1)
        .max(INPUT_LIMITS.signalText)
        .optional()
        .describe("Text to rank lines for, when there is no signal"),
      line: LineIdSchema.optional().describe(
        "Route the signal to this line (factory://floorplan lists the lines); without it, the lines are only ranked",
      ),
      limit: z.number().int().min(1).max(10).default(3).describe("How many lines to rank"),
    })
    .refine((input) => input.signal !== undefined || input.text !== undefined, {
      message: "give signal (an id) or text",
    })
    // Ranking reads one or the other: with both, the text would be silently ignored.
    .refine((input) => input.signal === undefined || input.text === undefined, {
      message: "give signal (an id) or text, not both: the lines are ranked for exactly one of them",
    })
    .refine((input) => input.line === undefined || input.signal !== undefined, {
      message: "routing to a line needs the signal id",
      path: ["line"],
    }),
  output: z.object({
    candidates: z
      .array(RouteCandidateOutput)
      .describe("Without line: the likeliest lines, best first; with line: empty"),
    routed: SignalOutput.optional().describe("With line: the signal, routed to it"),
  }),
  run: async (factory, input) => {
    if (input.signal !== undefined) await requireSignal(factory, input.signal, "signal");
    if (input.line !== undefined) {
      await requireLine(factory, input.line, "line");
      const routed = await factory.work.routeSignal(input.signal as string, input.line);
      return { candidates: [], routed };
    }
    const routed = input.signal === undefined ? (input.text as string) : { signal: input.signal };
    return { candidates: await factory.route(routed, { limit: input.limit }) };
  },
});

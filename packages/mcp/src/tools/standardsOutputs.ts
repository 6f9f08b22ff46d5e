/**
 * Schema of what `check_standards` answers for each problem found, as its
 * JSON reaches the client. Fields left undefined are absent; the object is
 * loose, so a field the standards add later does not break a client that
 * validates.
 *
 * @module
 */
import { z } from "zod";

/** A problem a rule found, as `check_standards` lists it. */
export const FindingOutput = z.looseObject({
  rule: z.string().describe("Id of the rule that found it"),
  severity: z.enum(["error", "warning", "info"]).describe("error (fails gates), warning or info (advise)"),
  message: z.string().describe("What is wrong, naming the target"),
  hint: z.string().optional().describe("How to fix it, when the rule says"),
  target: z
    .looseObject({
      kind: z.string().describe("Kind of target: floorplan, line, workItem, artifact, signal or document"),
      id: z.string().describe("Id of the target"),
    })
    .describe("What the finding is about"),
});
